// consumers/storage/clickhouse-queries.ts
import { parseUuid } from "./coerce.js";
var QueryValueError = class extends Error {
  constructor(field, value) {
    super(`${field} must be a non-negative safe integer, got ${String(value)}`);
    this.name = "QueryValueError";
  }
};
function sqlInteger(field, value) {
  if (!Number.isSafeInteger(value) || value < 0) throw new QueryValueError(field, value);
  return String(value);
}
function sqlUuid(field, value) {
  const uuid = parseUuid(value);
  if (uuid === null) throw new QueryValueError(field, value);
  return `'${uuid}'`;
}
function issuesQuery(database, query) {
  const where = [`project_id = ${sqlInteger("projectId", query.projectId)}`, "deleted = 0"];
  if (query.groupId !== void 0) where.push(`group_id = ${sqlInteger("groupId", query.groupId)}`);
  if (query.since !== void 0) where.push(`timestamp >= toDateTime(${sqlInteger("since", query.since)})`);
  const having = query.after ? `HAVING last_seen < ${sqlInteger("cursor", query.after.lastSeen)} OR (last_seen = ${sqlInteger("cursor", query.after.lastSeen)} AND group_id < ${sqlInteger("cursor", query.after.groupId)})` : "";
  return [
    "SELECT group_id, count() AS event_count, uniqExactIf(user, user != '') AS user_count,",
    "  toUnixTimestamp(min(timestamp)) AS first_seen, toUnixTimestamp(max(timestamp)) AS last_seen,",
    "  argMax(title, timestamp) AS last_title, argMax(culprit, timestamp) AS last_culprit,",
    "  argMax(level, timestamp) AS last_level",
    `FROM \`${database}\`.\`errors\` FINAL`,
    `WHERE ${where.join(" AND ")}`,
    "GROUP BY group_id",
    having,
    "ORDER BY last_seen DESC, group_id DESC",
    `LIMIT ${sqlInteger("limit", query.limit)}`
  ].filter((line) => line !== "").join("\n");
}
function toIssueAggregate(row) {
  return {
    groupId: Number(row.group_id),
    count: Number(row.event_count),
    userCount: Number(row.user_count),
    firstSeen: Number(row.first_seen),
    lastSeen: Number(row.last_seen),
    title: row.last_title,
    culprit: row.last_culprit,
    level: row.last_level
  };
}
function groupsQuery(database, projectId, groupIds) {
  const ids = groupIds.map((id) => sqlInteger("groupId", id)).join(", ");
  return [
    "SELECT project_id, group_id, primary_hash, hashes, toUnixTimestamp(first_seen) AS first_seen_ts,",
    "  toUnixTimestamp(last_seen) AS last_seen_ts, times_seen, title, culprit, level, metadata, version",
    `FROM \`${database}\`.\`groups\` FINAL`,
    `WHERE project_id = ${sqlInteger("projectId", projectId)} AND group_id IN (${ids})`
  ].join("\n");
}
function groupsOfProjectsQuery(database, groupIdsByProject) {
  const pairs = [];
  for (const [projectId, groupIds] of groupIdsByProject) {
    const project = sqlInteger("projectId", projectId);
    for (const groupId of groupIds) pairs.push(`(${project}, ${sqlInteger("groupId", groupId)})`);
  }
  return [
    "SELECT project_id, group_id, primary_hash, hashes, toUnixTimestamp(first_seen) AS first_seen_ts,",
    "  toUnixTimestamp(last_seen) AS last_seen_ts, times_seen, title, culprit, level, metadata, version",
    `FROM \`${database}\`.\`groups\` FINAL`,
    `WHERE (project_id, group_id) IN (${pairs.join(", ")})`
  ].join("\n");
}
function toGroupRow(row) {
  return {
    project_id: Number(row.project_id),
    group_id: Number(row.group_id),
    primary_hash: row.primary_hash,
    hashes: row.hashes,
    first_seen: Number(row.first_seen_ts),
    last_seen: Number(row.last_seen_ts),
    times_seen: Number(row.times_seen),
    title: row.title,
    culprit: row.culprit,
    level: row.level,
    metadata: row.metadata,
    version: Number(row.version)
  };
}
function eventsQuery(database, query) {
  const where = [
    `project_id = ${sqlInteger("projectId", query.projectId)}`,
    `group_id = ${sqlInteger("groupId", query.groupId)}`,
    "deleted = 0"
  ];
  if (query.after) {
    const at = `toDateTime(${sqlInteger("cursor", query.after.timestamp)})`;
    where.push(
      `(timestamp < ${at} OR (timestamp = ${at} AND toString(event_id) < ${sqlUuid("cursor", query.after.eventId)}))`
    );
  }
  return [
    "SELECT toString(event_id) AS event_id_text, project_id, group_id, toUnixTimestamp(timestamp) AS ts,",
    "  toUnixTimestamp(received) AS received_ts, toString(primary_hash) AS primary_hash_text, platform, type, title,",
    "  message, culprit, location, level, environment, release, user,",
    "  `tags.key` AS tag_keys, `tags.value` AS tag_values",
    `FROM \`${database}\`.\`errors\` FINAL`,
    `WHERE ${where.join(" AND ")}`,
    "ORDER BY ts DESC, event_id_text DESC",
    `LIMIT ${sqlInteger("limit", query.limit)}`
  ].join("\n");
}
function toStoredEvent(row) {
  return {
    eventId: row.event_id_text,
    projectId: Number(row.project_id),
    groupId: Number(row.group_id),
    timestamp: Number(row.ts),
    received: Number(row.received_ts),
    primaryHash: row.primary_hash_text,
    platform: row.platform === "" ? null : row.platform,
    type: row.type,
    title: row.title,
    message: row.message,
    culprit: row.culprit,
    location: row.location,
    level: row.level,
    environment: row.environment,
    release: row.release,
    user: row.user,
    tags: row.tag_keys.map((key, index) => [key, row.tag_values[index] ?? ""])
  };
}
export {
  QueryValueError,
  eventsQuery,
  groupsOfProjectsQuery,
  groupsQuery,
  issuesQuery,
  sqlInteger,
  toGroupRow,
  toIssueAggregate,
  toStoredEvent
};
//# sourceMappingURL=clickhouse-queries.js.map
