// cli/commands/groups.ts
import { Command } from "commander";
import { loadOptions } from "../../config/options.js";
import { createRedisClient } from "../../config/redis.js";
import { RedisGroupEnvironmentStore } from "../../consumers/grouping/group-environments.js";
import { RedisGroupStore } from "../../consumers/grouping/group-store-redis.js";
import {
  RebuildRefusedError,
  RedisGroupingStateClearer,
  rebuildGroupingState
} from "../../consumers/grouping/rebuild.js";
import { RedisGroupingStateFence } from "../../consumers/grouping/state-fence.js";
import {
  checkDatabaseName,
  createStorageClickHouseClient,
  queryRows
} from "../../consumers/storage/clickhouse-client.js";
import { sqlInteger, toGroupRow } from "../../consumers/storage/clickhouse-queries.js";
import { createLogger } from "../../observability/logger.js";
import { nonNegativeInt, UsageError } from "../usage.js";
import { openAdmin, readTopology } from "./context.js";
var processIo = {
  out: (line) => process.stdout.write(`${line}
`),
  options: () => loadOptions(),
  logger: () => createLogger({ level: loadOptions().logLevel, name: "ingest-groups", destination: "stderr" })
};
var GROUPS_PAGE = 5e3;
var DRAIN_POLL_MS = 500;
var StorageDrain = class {
  constructor(admin, groupId, topics, timeoutMs, onWaiting = () => {
  }) {
    this.admin = admin;
    this.groupId = groupId;
    this.topics = topics;
    this.timeoutMs = timeoutMs;
    this.onWaiting = onWaiting;
  }
  admin;
  groupId;
  topics;
  timeoutMs;
  onWaiting;
  /** Resolves once the group has no lag left on any partition; refuses after the timeout. */
  async drained() {
    const deadline = Date.now() + this.timeoutMs;
    for (; ; ) {
      const lag = (await this.admin.lag(this.groupId, this.topics)).reduce((sum, p) => sum + p.lag, 0);
      if (lag === 0) return;
      if (Date.now() > deadline) {
        throw new RebuildRefusedError(
          `the storage consumer (group ${this.groupId}) still has ${lag} events to store after ${this.timeoutMs} ms: the record is incomplete, nothing restored`
        );
      }
      this.onWaiting(lag);
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }
};
var ClickHouseGroupRecordSource = class {
  constructor(client, database, drain) {
    this.client = client;
    this.drain = drain;
    this.database = checkDatabaseName(database);
  }
  client;
  drain;
  database;
  async settled() {
    if (this.drain === void 0) {
      throw new RebuildRefusedError("no storage consumer to wait for: the record may be incomplete");
    }
    await this.drain.drained();
  }
  async projectIds() {
    const rows = await queryRows(
      this.client,
      `SELECT DISTINCT project_id FROM \`${this.database}\`.\`groups\` ORDER BY project_id`
    );
    return rows.map((row) => Number(row.project_id));
  }
  async *groups(projectId) {
    let after = 0;
    for (; ; ) {
      const rows = await queryRows(
        this.client,
        [
          "SELECT project_id, group_id, primary_hash, hashes, toUnixTimestamp(first_seen) AS first_seen_ts,",
          "  toUnixTimestamp(last_seen) AS last_seen_ts, times_seen, title, culprit, level, metadata, version",
          `FROM \`${this.database}\`.\`groups\` FINAL`,
          `WHERE project_id = ${sqlInteger("projectId", projectId)} AND group_id > ${sqlInteger("after", after)}`,
          `ORDER BY group_id LIMIT ${GROUPS_PAGE}`
        ].join("\n")
      );
      if (rows.length === 0) return;
      const page = rows.map((json) => {
        const row = toGroupRow(json);
        return {
          groupId: row.group_id,
          firstSeen: row.first_seen,
          lastSeen: row.last_seen,
          timesSeen: row.times_seen,
          title: row.title,
          culprit: row.culprit,
          level: row.level,
          hashes: row.hashes.includes(row.primary_hash) ? row.hashes : [row.primary_hash, ...row.hashes]
        };
      });
      yield page;
      after = page[page.length - 1].groupId;
      if (rows.length < GROUPS_PAGE) return;
    }
  }
  async environments(projectId) {
    const rows = await queryRows(
      this.client,
      [
        "SELECT group_id, environment",
        `FROM \`${this.database}\`.\`errors\``,
        `WHERE project_id = ${sqlInteger("projectId", projectId)}`,
        "GROUP BY group_id, environment"
      ].join("\n")
    );
    return rows.map((row) => ({ groupId: Number(row.group_id), environment: row.environment ?? "" }));
  }
};
function projectLine(project) {
  return `project ${project.projectId}: ${project.groups} groups, ${project.hashes} hashes, ${project.environments} group environments`;
}
function summary(report, database) {
  const groups = report.projects.reduce((sum, p) => sum + p.groups, 0);
  const lost = report.stateWasLost ? `grouping state had been lost: waited ${report.settleMs} ms for storage, ${report.clearedKeys} stale keys removed, consumers released; ` : "";
  return `groups rebuild: ${lost}${report.projects.length} project(s), ${groups} groups restored from ${database}`;
}
async function runGroupsRebuild(scope, io, storageConsumer) {
  const options = io.options();
  const logger = io.logger();
  const storage = storageConsumer ?? (await readTopology(options.topologyFile)).consumers.storage;
  if (storage === void 0) {
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
      (lag) => logger.info({ groupId: storage.groupId, lag }, "groups.rebuild_waiting_for_storage")
    );
    const source = new ClickHouseGroupRecordSource(clickhouse, options.clickhouseDatabase, drain);
    const target = {
      store: new RedisGroupStore(redis, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds),
      environments: new RedisGroupEnvironmentStore(redis, options.redisKeyPrefix),
      fence: new RedisGroupingStateFence(redis, options.redisKeyPrefix, {
        note: "set by ingest groups rebuild",
        idHeadroom: options.groupingIdHeadroom
      }),
      clearer: new RedisGroupingStateClearer(redis, options.redisKeyPrefix)
    };
    const report = await rebuildGroupingState(
      source,
      target,
      scope,
      (project) => io.out(projectLine(project))
    );
    logger.info(
      {
        stateWasLost: report.stateWasLost,
        clearedKeys: report.clearedKeys,
        settleMs: report.settleMs,
        projects: report.projects.length,
        database: options.clickhouseDatabase
      },
      "groups.rebuilt"
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
function createGroupsCommand(io = processIo) {
  const groups = new Command("groups").description("Grouping state: hash \u2192 group assignments in Redis.");
  groups.command("rebuild").description("Restore the grouping state in Redis from ClickHouse (groups and errors tables).").option("--project <id>", "rebuild one project", nonNegativeInt("--project")).option("--all", "rebuild every project the groups table holds (required after Redis lost its data)").action(async (flags) => {
    if (flags.project === void 0 === (flags.all !== true)) {
      throw new UsageError("groups rebuild: give exactly one of --project <id> or --all");
    }
    const scope = flags.all ? { all: true } : { projectId: flags.project };
    await runGroupsRebuild(scope, io);
  });
  return groups;
}
export {
  ClickHouseGroupRecordSource,
  StorageDrain,
  createGroupsCommand,
  runGroupsRebuild
};
//# sourceMappingURL=groups.js.map
