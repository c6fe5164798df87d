// consumers/storage/clickhouse-sink.ts
import { checkDatabaseName, queryRows } from "./clickhouse-client.js";
import { classifyClickHouseError, clickHouseErrorCode, clickHouseErrorMessage } from "./clickhouse-errors.js";
import {
  eventsQuery,
  groupsOfProjectsQuery,
  groupsQuery,
  issuesQuery,
  toGroupRow,
  toIssueAggregate,
  toStoredEvent
} from "./clickhouse-queries.js";
import { toClickHouseErrorRow } from "./clickhouse-row.js";
import { collectGroupRows, groupKey, mergeGroupRows } from "./group-row.js";
import { backoffPolicy, RetriesExhaustedError, withRetry } from "./retry.js";
import {
  StorageError
} from "./sink.js";
function clickHouseSinkConfig(options) {
  return { database: options.clickhouseDatabase, retry: backoffPolicy(options) };
}
var ClickHouseSink = class {
  constructor(deps) {
    this.deps = deps;
    this.database = checkDatabaseName(deps.config.database);
  }
  deps;
  kind = "clickhouse";
  database;
  async insertErrors(rows) {
    return this.write(
      "errors",
      rows.map((row, index) => ({ index, value: toClickHouseErrorRow(row) }))
    );
  }
  /**
   * Folds the batch into the stored group rows (read, merge, insert a higher version). The
   * read-then-write is safe because `events` is keyed by project id: one partition, hence
   * one writer, per project.
   */
  async upsertGroups(rows) {
    if (rows.length === 0) return { stored: 0, failures: [] };
    const byGroup = collectGroupRows(rows);
    const existing = await this.readGroups([...byGroup.values()].map((list) => list[0]));
    const indexesOf = /* @__PURE__ */ new Map();
    rows.forEach((row, index) => {
      const key = groupKey(row);
      const indexes = indexesOf.get(key);
      if (indexes) indexes.push(index);
      else indexesOf.set(key, [index]);
    });
    const merged = [...byGroup.entries()].map(([key, list], position) => ({
      index: position,
      value: { ...mergeGroupRows(existing.get(key), list) }
    }));
    const keys = [...byGroup.keys()];
    const result = await this.write("groups", merged);
    const failures = result.failures.flatMap(
      (failure) => (indexesOf.get(keys[failure.index] ?? "") ?? []).map((index) => ({ ...failure, index }))
    ).sort((a, b) => a.index - b.index);
    return { stored: rows.length - failures.length, failures };
  }
  async readIssues(query) {
    const aggregates = (await this.select(issuesQuery(this.database, query))).map(
      toIssueAggregate
    );
    if (aggregates.length === 0) return aggregates;
    const groups = await this.select(
      groupsQuery(
        this.database,
        query.projectId,
        aggregates.map((issue) => issue.groupId)
      )
    );
    const byId = new Map(groups.map((row) => [Number(row.group_id), toGroupRow(row)]));
    return aggregates.map((issue) => {
      const group = byId.get(issue.groupId);
      return group ? { ...issue, title: group.title, culprit: group.culprit, level: group.level } : issue;
    });
  }
  async readEvents(query) {
    return (await this.select(eventsQuery(this.database, query))).map(toStoredEvent);
  }
  async close() {
    await this.deps.client.close();
  }
  async readGroups(keys) {
    const byProject = /* @__PURE__ */ new Map();
    for (const { project_id, group_id } of keys) {
      const groupIds = byProject.get(project_id);
      if (groupIds) groupIds.push(group_id);
      else byProject.set(project_id, [group_id]);
    }
    const stored = /* @__PURE__ */ new Map();
    if (byProject.size === 0) return stored;
    for (const row of await this.select(groupsOfProjectsQuery(this.database, byProject))) {
      const group = toGroupRow(row);
      stored.set(groupKey(group), group);
    }
    return stored;
  }
  async select(query) {
    return this.retrying("select", () => queryRows(this.deps.client, query));
  }
  async write(table, rows) {
    const failures = [];
    const stored = rows.length === 0 ? 0 : await this.insertBisecting(table, rows, failures);
    failures.sort((a, b) => a.index - b.index);
    return { stored, failures };
  }
  async insertBisecting(table, rows, failures) {
    try {
      await this.insertOnce(table, rows);
      return rows.length;
    } catch (error) {
      if (error instanceof StorageError || classifyClickHouseError(error) !== "row") throw error;
      if (rows.length === 1) {
        const [row] = rows;
        failures.push({
          index: row.index,
          code: String(clickHouseErrorCode(error) ?? "unknown"),
          message: clickHouseErrorMessage(error)
        });
        this.deps.logger.warn(
          { table, index: row.index, code: clickHouseErrorCode(error) },
          "storage.row_rejected"
        );
        return 0;
      }
      const middle = Math.ceil(rows.length / 2);
      const left = await this.insertBisecting(table, rows.slice(0, middle), failures);
      const right = await this.insertBisecting(table, rows.slice(middle), failures);
      return left + right;
    }
  }
  async insertOnce(table, rows) {
    const { metrics, consumer = "storage" } = this.deps;
    const started = performance.now();
    const values = rows.map((row) => row.value);
    try {
      await this.retrying(
        table,
        () => this.deps.client.insert({
          table: `\`${this.database}\`.\`${table}\``,
          values,
          format: "JSONEachRow"
        })
      );
    } catch (error) {
      metrics?.storageInserts.inc({ consumer, table, outcome: "failed" });
      throw error;
    }
    metrics?.storageInserts.inc({ consumer, table, outcome: "ok" });
    metrics?.storageRows.inc({ consumer, table }, rows.length);
    metrics?.storageInsertTime.observe({ consumer, table }, (performance.now() - started) / 1e3);
  }
  /**
   * Retries retryable failures; leaves row errors to the caller (bisecting) and turns the
   * rest into StorageError, which stops the consumer.
   */
  async retrying(what, operation) {
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
              error: clickHouseErrorMessage(error)
            },
            "storage.retry"
          );
        },
        sleep: this.deps.sleep,
        signal: this.deps.signal
      });
    } catch (error) {
      if (this.deps.signal?.aborted) throw error;
      if (error instanceof RetriesExhaustedError) {
        throw new StorageError(
          "storage_unavailable",
          `ClickHouse ${what}: ${error.message}: ${clickHouseErrorMessage(error.cause)}`,
          { cause: error.cause }
        );
      }
      if (classifyClickHouseError(error) === "fatal") {
        throw new StorageError("storage_rejected", `ClickHouse ${what}: ${clickHouseErrorMessage(error)}`, {
          cause: error
        });
      }
      throw error;
    }
  }
};
export {
  ClickHouseSink,
  clickHouseSinkConfig
};
//# sourceMappingURL=clickhouse-sink.js.map
