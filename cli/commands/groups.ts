import type { ClickHouseClient } from "@clickhouse/client";
import { Command } from "commander";
import { loadOptions, type Options } from "../../config/options.ts";
import { createRedisClient } from "../../config/redis.ts";
import { RedisGroupEnvironmentStore } from "../../consumers/grouping/group-environments.ts";
import type { GroupRow } from "../../consumers/grouping/group-store.ts";
import { RedisGroupStore } from "../../consumers/grouping/group-store-redis.ts";
import {
  type GroupRecordSource,
  groupRowFromStored,
  type ProjectRebuild,
  RebuildRefusedError,
  type RebuildReport,
  type RebuildScope,
  RedisGroupingStateClearer,
  rebuildGroupingState,
} from "../../consumers/grouping/rebuild.ts";
import { RedisGroupingStateFence } from "../../consumers/grouping/state-fence.ts";
import {
  checkDatabaseName,
  createStorageClickHouseClient,
  queryRows,
} from "../../consumers/storage/clickhouse-client.ts";
import { type GroupRowJson, sqlInteger, toGroupRow } from "../../consumers/storage/clickhouse-queries.ts";
import { createLogger, type Logger } from "../../observability/logger.ts";
import type { KafkaAdmin } from "../../producers/kafka-admin.ts";
import { nonNegativeInt, UsageError } from "../usage.ts";
import { openAdmin, readTopology } from "./context.ts";

// `ingest groups rebuild --project N | --all`: restores the grouping state in Redis from
// ClickHouse (the storage consumer's `groups` table for hash → group and the group
// counters, the errors table for the environments each group was seen in). The CLI layer
// joins the two consumer folders: it reads with storage's ClickHouse plumbing and writes
// with grouping's stores. See consumers/grouping/rebuild.ts for when to run it and what
// survives a Redis loss.
//
// The record is complete only once the storage consumer has stored everything grouping
// emitted, so a rebuild of a lost state first waits for storage's lag on its inputs
// (topology.yaml's `storage` consumer) to reach zero; grouping emits nothing while the
// state is lost, so that backlog only shrinks. Running the command early is therefore safe.

export interface GroupsCommandIo {
  readonly out: (line: string) => void;
  readonly options: () => Options;
  readonly logger: () => Logger;
}

const processIo: GroupsCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  options: () => loadOptions(),
  logger: () => createLogger({ level: loadOptions().logLevel, name: "ingest-groups", destination: "stderr" }),
};

/** Groups read from ClickHouse per query (keyset pages by group id). */
const GROUPS_PAGE = 5000;

const DRAIN_POLL_MS = 500;

/** The storage consumer's progress on `events`, as Kafka has it. */
export class StorageDrain {
  constructor(
    private readonly admin: KafkaAdmin,
    private readonly groupId: string,
    private readonly topics: ReadonlyArray<string>,
    private readonly timeoutMs: number,
    private readonly onWaiting: (lag: number) => void = () => {},
  ) {}

  /** Resolves once the group has no lag left on any partition; refuses after the timeout. */
  async drained(): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const lag = (await this.admin.lag(this.groupId, this.topics)).reduce((sum, p) => sum + p.lag, 0);
      if (lag === 0) return;
      if (Date.now() > deadline) {
        throw new RebuildRefusedError(
          `the storage consumer (group ${this.groupId}) still has ${lag} events to store after ` +
            `${this.timeoutMs} ms: the record is incomplete, nothing restored`,
        );
      }
      this.onWaiting(lag);
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }
}

/** The `groups` record in ClickHouse, read through FINAL so each group is its latest row. */
export class ClickHouseGroupRecordSource implements GroupRecordSource {
  private readonly database: string;

  constructor(
    private readonly client: ClickHouseClient,
    database: string,
    private readonly drain?: StorageDrain,
  ) {
    this.database = checkDatabaseName(database);
  }

  async settled(): Promise<void> {
    if (this.drain === undefined) {
      throw new RebuildRefusedError("no storage consumer to wait for: the record may be incomplete");
    }
    await this.drain.drained();
  }

  async projectIds(): Promise<number[]> {
    const rows = await queryRows<{ project_id: string }>(
      this.client,
      `SELECT DISTINCT project_id FROM \`${this.database}\`.\`groups\` ORDER BY project_id`,
    );
    return rows.map((row) => Number(row.project_id));
  }

  async *groups(projectId: number): AsyncIterable<ReadonlyArray<GroupRow>> {
    let after = 0;
    for (;;) {
      const rows = await queryRows<GroupRowJson>(
        this.client,
        [
          "SELECT project_id, group_id, primary_hash, hashes, toUnixTimestamp(first_seen) AS first_seen_ts,",
          "  toUnixTimestamp(last_seen) AS last_seen_ts, times_seen, title, culprit, level, metadata, version",
          `FROM \`${this.database}\`.\`groups\` FINAL`,
          `WHERE project_id = ${sqlInteger("projectId", projectId)} AND group_id > ${sqlInteger("after", after)}`,
          `ORDER BY group_id LIMIT ${GROUPS_PAGE}`,
        ].join("\n"),
      );
      if (rows.length === 0) return;
      const page = rows.map((json) => groupRowFromStored(toGroupRow(json)));
      yield page;
      after = page[page.length - 1]!.groupId;
      if (rows.length < GROUPS_PAGE) return;
    }
  }

  async environments(projectId: number): Promise<Array<{ groupId: number; environment: string }>> {
    const rows = await queryRows<{ group_id: string; environment: string | null }>(
      this.client,
      [
        "SELECT group_id, environment",
        `FROM \`${this.database}\`.\`errors\``,
        `WHERE project_id = ${sqlInteger("projectId", projectId)}`,
        "GROUP BY group_id, environment",
      ].join("\n"),
    );
    // An event without environment is in Sentry's nameless environment "".
    return rows.map((row) => ({ groupId: Number(row.group_id), environment: row.environment ?? "" }));
  }
}

function projectLine(project: ProjectRebuild): string {
  return (
    `project ${project.projectId}: ${project.groups} groups, ${project.hashes} hashes, ` +
    `${project.environments} group environments`
  );
}

function summary(report: RebuildReport, database: string): string {
  const groups = report.projects.reduce((sum, p) => sum + p.groups, 0);
  const lost = report.stateWasLost
    ? `grouping state had been lost: waited ${report.settleMs} ms for storage, ` +
      `${report.clearedKeys} stale keys removed, consumers released; `
    : "";
  return `groups rebuild: ${lost}${report.projects.length} project(s), ${groups} groups restored from ${database}`;
}

/** The consumer whose lag on `events` says whether the record is complete. */
export interface StorageConsumerRef {
  readonly groupId: string;
  readonly inputs: ReadonlyArray<string>;
}

/**
 * Runs one rebuild against the configured ClickHouse and Redis; `storage` defaults to
 * topology.yaml's storage consumer.
 */
export async function runGroupsRebuild(
  scope: RebuildScope,
  io: GroupsCommandIo,
  storageConsumer?: StorageConsumerRef,
): Promise<RebuildReport> {
  const options = io.options();
  const logger = io.logger();
  const storage = storageConsumer ?? (await readTopology(options.topologyFile)).consumers.storage;
  if (storage === undefined) {
    throw new UsageError(`${options.topologyFile} defines no storage consumer to wait for`);
  }
  const clickhouse = createStorageClickHouseClient(options);
  const redis = createRedisClient(options, { connectionName: "ingest-groups-rebuild", logger });
  const admin = openAdmin(options, logger);
  try {
    const drain = new StorageDrain(
      admin,
      storage.groupId,
      storage.inputs,
      options.groupingRebuildSettleTimeoutMs,
      (lag) => logger.info({ groupId: storage.groupId, lag }, "groups.rebuild_waiting_for_storage"),
    );
    const source = new ClickHouseGroupRecordSource(clickhouse, options.clickhouseDatabase, drain);
    const target = {
      store: new RedisGroupStore(redis, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds),
      environments: new RedisGroupEnvironmentStore(redis, options.redisKeyPrefix),
      fence: new RedisGroupingStateFence(redis, options.redisKeyPrefix, {
        note: "set by ingest groups rebuild",
        idHeadroom: options.groupingIdHeadroom,
      }),
      clearer: new RedisGroupingStateClearer(redis, options.redisKeyPrefix),
    };
    const report = await rebuildGroupingState(source, target, scope, (project) =>
      io.out(projectLine(project)),
    );
    logger.info(
      {
        stateWasLost: report.stateWasLost,
        clearedKeys: report.clearedKeys,
        settleMs: report.settleMs,
        projects: report.projects.length,
        database: options.clickhouseDatabase,
      },
      "groups.rebuilt",
    );
    io.out(summary(report, options.clickhouseDatabase));
    return report;
  } catch (error) {
    if (error instanceof RebuildRefusedError) throw new UsageError(error.message);
    throw error;
  } finally {
    redis.disconnect();
    await Promise.all([clickhouse.close(), admin.close()]);
  }
}

/** `ingest groups rebuild --project N | --all`. */
export function createGroupsCommand(io: GroupsCommandIo = processIo): Command {
  const groups = new Command("groups").description("Grouping state: hash → group assignments in Redis.");
  groups
    .command("rebuild")
    .description("Restore the grouping state in Redis from ClickHouse (groups and errors tables).")
    .option("--project <id>", "rebuild one project", nonNegativeInt("--project"))
    .option("--all", "rebuild every project the groups table holds (required after Redis lost its data)")
    .action(async (flags: { project?: number; all?: boolean }) => {
      if ((flags.project === undefined) === (flags.all !== true)) {
        throw new UsageError("groups rebuild: give exactly one of --project <id> or --all");
      }
      const scope: RebuildScope = flags.all ? { all: true } : { projectId: flags.project as number };
      await runGroupsRebuild(scope, io);
    });
  return groups;
}
