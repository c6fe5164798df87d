import type { ClickHouseClient } from "@clickhouse/client";
import type { Options } from "../../config/options.ts";
import type { Logger } from "../../observability/logger.ts";
import type { Metrics } from "../../observability/metrics.ts";
import { checkDatabaseName, queryRows } from "./clickhouse-client.ts";
import { classifyClickHouseError, clickHouseErrorCode, clickHouseErrorMessage } from "./clickhouse-errors.ts";
import {
  eventsQuery,
  type GroupRowJson,
  groupsOfProjectsQuery,
  groupsQuery,
  type IssueAggregateRow,
  issuesQuery,
  type StoredEventJson,
  toGroupRow,
  toIssueAggregate,
  toStoredEvent,
} from "./clickhouse-queries.ts";
import { toClickHouseErrorRow } from "./clickhouse-row.ts";
import type { ErrorRow } from "./error-row.ts";
import { collectGroupRows, type GroupRow, groupKey, mergeGroupRows } from "./group-row.ts";
import { type BackoffPolicy, backoffPolicy, RetriesExhaustedError, type Sleep, withRetry } from "./retry.ts";
import {
  type EventQuery,
  type IssueAggregate,
  type IssueQuery,
  type RowFailure,
  StorageError,
  type StorageSink,
  type StoredEvent,
  type WriteResult,
} from "./sink.ts";

// The ClickHouse writer: one INSERT ... FORMAT JSONEachRow per batch. Unreachable or
// overloaded servers are retried with capped backoff; a batch ClickHouse rejects for its
// data is split in halves until the offending rows stand alone, so they come back as
// failures (to be dead-lettered with the server's message) and every other row is stored.
// Re-sending rows is harmless: the errors table collapses copies of an event.

export interface ClickHouseSinkConfig {
  readonly database: string;
  readonly retry: BackoffPolicy;
}

export function clickHouseSinkConfig(options: Options): ClickHouseSinkConfig {
  return { database: options.clickhouseDatabase, retry: backoffPolicy(options) };
}

export interface ClickHouseSinkDeps {
  readonly client: ClickHouseClient;
  readonly config: ClickHouseSinkConfig;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Consumer label of the metrics. */
  readonly consumer?: string;
  readonly sleep?: Sleep;
  /** Aborts a backoff wait (shutdown). */
  readonly signal?: AbortSignal;
}

interface Indexed {
  readonly index: number;
  readonly value: Record<string, unknown>;
}

type Table = "errors" | "groups";

export class ClickHouseSink implements StorageSink {
  readonly kind = "clickhouse" as const;
  private readonly database: string;

  constructor(private readonly deps: ClickHouseSinkDeps) {
    this.database = checkDatabaseName(deps.config.database);
  }

  async insertErrors(rows: ReadonlyArray<ErrorRow>): Promise<WriteResult> {
    return this.write(
      "errors",
      rows.map((row, index) => ({ index, value: toClickHouseErrorRow(row) })),
    );
  }

  /**
   * Folds the batch into the stored group rows (read, merge, insert a higher version). The
   * read-then-write is safe because `events` is keyed by project id: one partition, hence
   * one writer, per project.
   */
  async upsertGroups(rows: ReadonlyArray<GroupRow>): Promise<WriteResult> {
    if (rows.length === 0) return { stored: 0, failures: [] };
    const byGroup = collectGroupRows(rows);
    const existing = await this.readGroups([...byGroup.values()].map((list) => list[0] as GroupRow));
    const indexesOf = new Map<string, number[]>();
    rows.forEach((row, index) => {
      const key = groupKey(row);
      const indexes = indexesOf.get(key);
      if (indexes) indexes.push(index);
      else indexesOf.set(key, [index]);
    });
    const merged: Indexed[] = [...byGroup.entries()].map(([key, list], position) => ({
      index: position,
      value: { ...mergeGroupRows(existing.get(key), list) },
    }));
    const keys = [...byGroup.keys()];
    const result = await this.write("groups", merged);
    // A failed merged row stands for every batch row of its group.
    const failures = result.failures
      .flatMap((failure) =>
        (indexesOf.get(keys[failure.index] ?? "") ?? []).map((index) => ({ ...failure, index })),
      )
      .sort((a, b) => a.index - b.index);
    return { stored: rows.length - failures.length, failures };
  }

  async readIssues(query: IssueQuery): Promise<IssueAggregate[]> {
    const aggregates = (await this.select<IssueAggregateRow>(issuesQuery(this.database, query))).map(
      toIssueAggregate,
    );
    if (aggregates.length === 0) return aggregates;
    const groups = await this.select<GroupRowJson>(
      groupsQuery(
        this.database,
        query.projectId,
        aggregates.map((issue) => issue.groupId),
      ),
    );
    const byId = new Map(groups.map((row) => [Number(row.group_id), toGroupRow(row)]));
    return aggregates.map((issue) => {
      const group = byId.get(issue.groupId);
      return group ? { ...issue, title: group.title, culprit: group.culprit, level: group.level } : issue;
    });
  }

  async readEvents(query: EventQuery): Promise<StoredEvent[]> {
    return (await this.select<StoredEventJson>(eventsQuery(this.database, query))).map(toStoredEvent);
  }

  async close(): Promise<void> {
    await this.deps.client.close();
  }

  private async readGroups(keys: ReadonlyArray<GroupRow>): Promise<Map<string, GroupRow>> {
    const byProject = new Map<number, number[]>();
    for (const { project_id, group_id } of keys) {
      const groupIds = byProject.get(project_id);
      if (groupIds) groupIds.push(group_id);
      else byProject.set(project_id, [group_id]);
    }
    const stored = new Map<string, GroupRow>();
    if (byProject.size === 0) return stored;
    for (const row of await this.select<GroupRowJson>(groupsOfProjectsQuery(this.database, byProject))) {
      const group = toGroupRow(row);
      stored.set(groupKey(group), group);
    }
    return stored;
  }

  private async select<T>(query: string): Promise<T[]> {
    return this.retrying("select", () => queryRows<T>(this.deps.client, query));
  }

  private async write(table: Table, rows: Indexed[]): Promise<WriteResult> {
    const failures: RowFailure[] = [];
    const stored = rows.length === 0 ? 0 : await this.insertBisecting(table, rows, failures);
    failures.sort((a, b) => a.index - b.index);
    return { stored, failures };
  }

  private async insertBisecting(table: Table, rows: Indexed[], failures: RowFailure[]): Promise<number> {
    try {
      await this.insertOnce(table, rows);
      return rows.length;
    } catch (error) {
      if (error instanceof StorageError || classifyClickHouseError(error) !== "row") throw error;
      if (rows.length === 1) {
        const [row] = rows as [Indexed];
        failures.push({
          index: row.index,
          code: String(clickHouseErrorCode(error) ?? "unknown"),
          message: clickHouseErrorMessage(error),
        });
        this.deps.logger.warn(
          { table, index: row.index, code: clickHouseErrorCode(error) },
          "storage.row_rejected",
        );
        return 0;
      }
      const middle = Math.ceil(rows.length / 2);
      const left = await this.insertBisecting(table, rows.slice(0, middle), failures);
      const right = await this.insertBisecting(table, rows.slice(middle), failures);
      return left + right;
    }
  }

  private async insertOnce(table: Table, rows: ReadonlyArray<Indexed>): Promise<void> {
    const { metrics, consumer = "storage" } = this.deps;
    const started = performance.now();
    const values = rows.map((row) => row.value);
    try {
      await this.retrying(table, () =>
        this.deps.client.insert({
          table: `\`${this.database}\`.\`${table}\``,
          values,
          format: "JSONEachRow",
        }),
      );
    } catch (error) {
      metrics?.storageInserts.inc({ consumer, table, outcome: "failed" });
      throw error;
    }
    metrics?.storageInserts.inc({ consumer, table, outcome: "ok" });
    metrics?.storageRows.inc({ consumer, table }, rows.length);
    metrics?.storageInsertTime.observe({ consumer, table }, (performance.now() - started) / 1000);
  }

  /**
   * Retries retryable failures; leaves row errors to the caller (bisecting) and turns the
   * rest into StorageError, which stops the consumer.
   */
  private async retrying<T>(what: string, operation: () => Promise<T>): Promise<T> {
    const { logger, metrics, consumer = "storage" } = this.deps;
    try {
      return await withRetry(operation, this.deps.config.retry, {
        isRetryable: (error) => classifyClickHouseError(error) === "retryable",
        onRetry: (error, retry, delayMs) => {
          metrics?.storageInserts.inc({ consumer, table: what, outcome: "retry" });
          logger.warn(
            {
              operation: what,
              retry,
              delayMs,
              code: clickHouseErrorCode(error),
              error: clickHouseErrorMessage(error),
            },
            "storage.retry",
          );
        },
        sleep: this.deps.sleep,
        signal: this.deps.signal,
      });
    } catch (error) {
      // Shutdown interrupted a backoff wait: let the AbortError through untouched.
      if (this.deps.signal?.aborted) throw error;
      if (error instanceof RetriesExhaustedError) {
        throw new StorageError(
          "storage_unavailable",
          `ClickHouse ${what}: ${error.message}: ${clickHouseErrorMessage(error.cause)}`,
          { cause: error.cause },
        );
      }
      if (classifyClickHouseError(error) === "fatal") {
        throw new StorageError("storage_rejected", `ClickHouse ${what}: ${clickHouseErrorMessage(error)}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
