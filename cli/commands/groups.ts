import type { ClickHouseClient } from "@clickhouse/client";
import { Command } from "commander";
import { loadOptions, type Options } from "../../config/options.ts";
import { createRedisClient } from "../../config/redis.ts";
import { RedisGroupEnvironmentStore } from "../../consumers/grouping/group-environments.ts";
import type { GroupRow } from "../../consumers/grouping/group-store.ts";
import { RedisGroupStore } from "../../consumers/grouping/group-store-redis.ts";
import {
  type GroupRecordSource,
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
import { nonNegativeInt, UsageError } from "../usage.ts";

// `ingest groups rebuild --project N | --all`: restores the grouping state in Redis from
// ClickHouse (the storage consumer's `groups` table for hash → group and the group
// counters, the errors table for the environments each group was seen in). The CLI layer
// joins the two consumer folders: it reads with storage's ClickHouse plumbing and writes
// with grouping's stores. See consumers/grouping/rebuild.ts for when to run it and what
// survives a Redis loss.

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

/** The `groups` record in ClickHouse, read through FINAL so each group is its latest row. */
export class ClickHouseGroupRecordSource implements GroupRecordSource {
  private readonly database: string;

  constructor(
    private readonly client: ClickHouseClient,
    database: string,
  ) {
    this.database = checkDatabaseName(database);
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
      const page = rows.map((json): GroupRow => {
        const row = toGroupRow(json);
        return {
          groupId: row.group_id,
          firstSeen: row.first_seen,
          lastSeen: row.last_seen,
          timesSeen: row.times_seen,
          title: row.title,
          culprit: row.culprit,
          level: row.level,
          hashes: row.hashes.includes(row.primary_hash) ? row.hashes : [row.primary_hash, ...row.hashes],
        };
      });
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
    ? `grouping state had been lost: ${report.clearedKeys} stale keys removed, consumers released; `
    : "";
  return `groups rebuild: ${lost}${report.projects.length} project(s), ${groups} groups restored from ${database}`;
}

/** Runs one rebuild against the configured ClickHouse and Redis. */
export async function runGroupsRebuild(scope: RebuildScope, io: GroupsCommandIo): Promise<RebuildReport> {
  const options = io.options();
  const logger = io.logger();
  const clickhouse = createStorageClickHouseClient(options);
  const redis = createRedisClient(options, { connectionName: "ingest-groups-rebuild", logger });
  try {
    const source = new ClickHouseGroupRecordSource(clickhouse, options.clickhouseDatabase);
    const target = {
      store: new RedisGroupStore(redis, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds),
      environments: new RedisGroupEnvironmentStore(redis, options.redisKeyPrefix),
      fence: new RedisGroupingStateFence(redis, options.redisKeyPrefix),
      clearer: new RedisGroupingStateClearer(redis, options.redisKeyPrefix),
    };
    const report = await rebuildGroupingState(source, target, scope, (project) =>
      io.out(projectLine(project)),
    );
    logger.info(
      {
        stateWasLost: report.stateWasLost,
        clearedKeys: report.clearedKeys,
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
    await clickhouse.close();
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
