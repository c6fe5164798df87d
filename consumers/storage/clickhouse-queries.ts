import { parseUuid } from "./coerce.ts";
import type { GroupRow } from "./group-row.ts";
import type { EventQuery, IssueAggregate, IssueQuery, StoredEvent } from "./sink.ts";

// Read queries against the errors and groups tables. 18.16 has no server-side query
// parameters (they arrived in 19.x), so values are spliced into the SQL text: only
// integers checked here and UUIDs re-rendered by parseUuid ever are. Every query filters
// on project_id and `deleted = 0`, and reads through FINAL so re-inserted and replaced rows
// count once (formats.md §4.4). JSON output quotes 64-bit integers, hence the Number()s.

export class QueryValueError extends Error {
  constructor(field: string, value: unknown) {
    super(`${field} must be a non-negative safe integer, got ${String(value)}`);
    this.name = "QueryValueError";
  }
}

export function sqlInteger(field: string, value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new QueryValueError(field, value);
  return String(value);
}

function sqlUuid(field: string, value: string): string {
  const uuid = parseUuid(value);
  if (uuid === null) throw new QueryValueError(field, value);
  return `'${uuid}'`;
}

export function issuesQuery(database: string, query: IssueQuery): string {
  const where = [`project_id = ${sqlInteger("projectId", query.projectId)}`, "deleted = 0"];
  if (query.groupId !== undefined) where.push(`group_id = ${sqlInteger("groupId", query.groupId)}`);
  if (query.since !== undefined) where.push(`timestamp >= toDateTime(${sqlInteger("since", query.since)})`);
  const having = query.after
    ? `HAVING last_seen < ${sqlInteger("cursor", query.after.lastSeen)} OR ` +
      `(last_seen = ${sqlInteger("cursor", query.after.lastSeen)} AND group_id < ${sqlInteger("cursor", query.after.groupId)})`
    : "";
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
    `LIMIT ${sqlInteger("limit", query.limit)}`,
  ]
    .filter((line) => line !== "")
    .join("\n");
}

export interface IssueAggregateRow {
  group_id: string;
  event_count: string;
  user_count: string;
  first_seen: number;
  last_seen: number;
  last_title: string;
  last_culprit: string;
  last_level: string | null;
}

export function toIssueAggregate(row: IssueAggregateRow): IssueAggregate {
  return {
    groupId: Number(row.group_id),
    count: Number(row.event_count),
    userCount: Number(row.user_count),
    firstSeen: Number(row.first_seen),
    lastSeen: Number(row.last_seen),
    title: row.last_title,
    culprit: row.last_culprit,
    level: row.last_level,
  };
}

/** The stored group rows (latest version) of some groups of one project. */
export function groupsQuery(database: string, projectId: number, groupIds: ReadonlyArray<number>): string {
  const ids = groupIds.map((id) => sqlInteger("groupId", id)).join(", ");
  return [
    "SELECT project_id, group_id, primary_hash, hashes, toUnixTimestamp(first_seen) AS first_seen_ts,",
    "  toUnixTimestamp(last_seen) AS last_seen_ts, times_seen, title, culprit, level, metadata, version",
    `FROM \`${database}\`.\`groups\` FINAL`,
    `WHERE project_id = ${sqlInteger("projectId", projectId)} AND group_id IN (${ids})`,
  ].join("\n");
}

/**
 * The stored group rows (latest version) of the groups of several projects, in one query:
 * storage reads the groups of every batch before merging, and one round trip per project
 * made that read the slowest part of a write. Still scoped by project: each key is a
 * (project_id, group_id) pair.
 */
export function groupsOfProjectsQuery(
  database: string,
  groupIdsByProject: ReadonlyMap<number, ReadonlyArray<number>>,
): string {
  const pairs: string[] = [];
  for (const [projectId, groupIds] of groupIdsByProject) {
    const project = sqlInteger("projectId", projectId);
    for (const groupId of groupIds) pairs.push(`(${project}, ${sqlInteger("groupId", groupId)})`);
  }
  return [
    "SELECT project_id, group_id, primary_hash, hashes, toUnixTimestamp(first_seen) AS first_seen_ts,",
    "  toUnixTimestamp(last_seen) AS last_seen_ts, times_seen, title, culprit, level, metadata, version",
    `FROM \`${database}\`.\`groups\` FINAL`,
    `WHERE (project_id, group_id) IN (${pairs.join(", ")})`,
  ].join("\n");
}

export interface GroupRowJson {
  project_id: string;
  group_id: string;
  primary_hash: string;
  hashes: string[];
  first_seen_ts: number;
  last_seen_ts: number;
  times_seen: string;
  title: string;
  culprit: string;
  level: string;
  metadata: string;
  version: string;
}

export function toGroupRow(row: GroupRowJson): GroupRow {
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
    version: Number(row.version),
  };
}

export function eventsQuery(database: string, query: EventQuery): string {
  const where = [
    `project_id = ${sqlInteger("projectId", query.projectId)}`,
    `group_id = ${sqlInteger("groupId", query.groupId)}`,
    "deleted = 0",
  ];
  if (query.after) {
    const at = `toDateTime(${sqlInteger("cursor", query.after.timestamp)})`;
    where.push(
      `(timestamp < ${at} OR (timestamp = ${at} AND toString(event_id) < ${sqlUuid("cursor", query.after.eventId)}))`,
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
    `LIMIT ${sqlInteger("limit", query.limit)}`,
  ].join("\n");
}

export interface StoredEventJson {
  event_id_text: string;
  project_id: string;
  group_id: string;
  ts: number;
  received_ts: number;
  primary_hash_text: string;
  platform: string;
  type: string;
  title: string;
  message: string;
  culprit: string;
  location: string | null;
  level: string | null;
  environment: string | null;
  release: string | null;
  user: string;
  tag_keys: string[];
  tag_values: string[];
}

export function toStoredEvent(row: StoredEventJson): StoredEvent {
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
    tags: row.tag_keys.map((key, index) => [key, row.tag_values[index] ?? ""] as const),
  };
}
