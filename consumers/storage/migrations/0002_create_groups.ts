import type { ClickHouseMigration, MigrationContext } from "./types.ts";

// The groups table: the durable record of each issue's hashes and display fields, from
// which the grouping state in Redis can be rebuilt (`arrayJoin(hashes)` gives hash → group).
// One row per (project, group) survives merges: the one with the highest `version`, which
// the writer raises on every update. Readers use FINAL or argMax(..., version).

export function createGroupsTable(context: MigrationContext): string {
  const lc = (type: string) => (context.capabilities.lowCardinality ? `LowCardinality(${type})` : type);
  return [
    `CREATE TABLE IF NOT EXISTS \`${context.database}\`.\`groups\``,
    "(",
    "    `project_id` UInt64,",
    "    `group_id` UInt64,",
    "    `primary_hash` String,",
    "    `hashes` Array(String),",
    "    `first_seen` DateTime,",
    "    `last_seen` DateTime,",
    "    `times_seen` UInt64,",
    "    `title` String,",
    "    `culprit` String,",
    `    \`level\` ${lc("String")},`,
    "    `metadata` String,",
    "    `version` UInt64",
    ")",
    "ENGINE = ReplacingMergeTree(version)",
    "ORDER BY (project_id, group_id)",
    "SETTINGS index_granularity = 8192",
  ].join("\n");
}

export const createGroups: ClickHouseMigration = {
  version: 2,
  name: "create_groups",
  statements: (context) => [createGroupsTable(context)],
};
