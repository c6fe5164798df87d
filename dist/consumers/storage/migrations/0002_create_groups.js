// consumers/storage/migrations/0002_create_groups.ts
function createGroupsTable(context) {
  const lc = (type) => context.capabilities.lowCardinality ? `LowCardinality(${type})` : type;
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
    "SETTINGS index_granularity = 8192"
  ].join("\n");
}
var createGroups = {
  version: 2,
  name: "create_groups",
  statements: (context) => [createGroupsTable(context)]
};
export {
  createGroups,
  createGroupsTable
};
//# sourceMappingURL=0002_create_groups.js.map
