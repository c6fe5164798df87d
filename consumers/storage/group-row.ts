import {
  compareUtf8,
  isObject,
  parseSnubaDatetime,
  readOptionalArray,
  readOptionalObject,
  unicodify,
} from "./coerce.ts";
import type { InsertBody } from "./insert-body.ts";
import { RowMappingError } from "./row-errors.ts";

// The groups table row for one event, from the grouping output the grouping consumer puts
// on the insert body (Sentry's fields: group_id, primary_hash, group_first_seen, and in
// `data`: hashes, title, culprit, metadata, level, tags), and the rule to fold several such
// rows (a batch, and what is already stored) into the one row ReplacingMergeTree keeps.

export interface GroupRow {
  project_id: number;
  group_id: number;
  /** The grouping hash as sent (32 hex for md5 hashes), not converted to a UUID. */
  primary_hash: string;
  /** Every hash known to map to this group, oldest first. */
  hashes: string[];
  /** Unix seconds. */
  first_seen: number;
  /** Unix seconds. */
  last_seen: number;
  times_seen: number;
  title: string;
  culprit: string;
  level: string;
  /** `data.metadata` as compact JSON (type, value, filename, function, ...). */
  metadata: string;
  /** ReplacingMergeTree version: the highest survives. */
  version: number;
}

function requireUnsigned(body: InsertBody, field: "project_id" | "group_id"): number {
  const value = body[field];
  if (value === undefined || value === null) throw new RowMappingError("missing_field", field, "required");
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new RowMappingError("invalid_field", field, "expected an unsigned integer");
  }
  return value;
}

function tagValue(tags: unknown, key: string): string | null {
  for (const entry of readOptionalArray(tags, "data.tags") ?? []) {
    if (Array.isArray(entry) && entry[0] === key) return unicodify(entry[1]);
  }
  return null;
}

/**
 * One event's contribution to its group: seen once, at the event's time. `first_seen` is
 * the group's first-seen time when the grouping consumer sent it (`group_first_seen`).
 */
export function mapGroupRow(body: InsertBody, now: () => number = Date.now): GroupRow {
  const projectId = requireUnsigned(body, "project_id");
  const groupId = requireUnsigned(body, "group_id");
  const primaryHash = body.primary_hash;
  if (typeof primaryHash !== "string") {
    throw new RowMappingError(
      primaryHash == null ? "missing_field" : "invalid_field",
      "primary_hash",
      "required",
    );
  }
  const data = readOptionalObject(body.data, "data");
  const eventMs =
    (typeof body.datetime === "string" ? parseSnubaDatetime(body.datetime) : null) ?? Math.floor(now());
  const firstSeenMs =
    typeof body.group_first_seen === "string" ? parseSnubaDatetime(body.group_first_seen) : null;
  const hashes = (readOptionalArray(data.hashes, "data.hashes") ?? []).filter(
    (hash): hash is string => typeof hash === "string",
  );
  if (!hashes.includes(primaryHash)) hashes.unshift(primaryHash);
  const eventSeconds = Math.floor(eventMs / 1000);

  return {
    project_id: projectId,
    group_id: groupId,
    primary_hash: primaryHash,
    hashes,
    first_seen: firstSeenMs === null ? eventSeconds : Math.min(Math.floor(firstSeenMs / 1000), eventSeconds),
    last_seen: eventSeconds,
    times_seen: 1,
    title: unicodify(data.title) ?? "",
    culprit: unicodify(data.culprit) ?? "",
    level: unicodify(data.level) ?? tagValue(data.tags, "level") ?? "error",
    metadata: JSON.stringify(isObject(data.metadata) ? data.metadata : {}),
    version: eventMs,
  };
}

export function groupKey(row: Pick<GroupRow, "project_id" | "group_id">): string {
  return `${row.project_id}:${row.group_id}`;
}

/**
 * Folds the rows of one group: first/last seen widen, counts add up, hashes are united,
 * display fields follow the latest event. The result's version exceeds every input's, so
 * it replaces the stored row. Re-delivered events count again (as in Sentry's times_seen);
 * the issue counts shown to people come from the errors table, which deduplicates.
 */
export function mergeGroupRows(existing: GroupRow | undefined, incoming: ReadonlyArray<GroupRow>): GroupRow {
  const rows = existing ? [existing, ...incoming] : [...incoming];
  const first = rows[0];
  if (!first) throw new RangeError("mergeGroupRows needs at least one row");
  let merged: GroupRow = { ...first, hashes: [...first.hashes] };
  for (const row of rows.slice(1)) {
    const newer = row.last_seen >= merged.last_seen;
    const hashes = [...merged.hashes];
    for (const hash of row.hashes) if (!hashes.includes(hash)) hashes.push(hash);
    merged = {
      ...merged,
      hashes,
      first_seen: Math.min(merged.first_seen, row.first_seen),
      last_seen: Math.max(merged.last_seen, row.last_seen),
      times_seen: merged.times_seen + row.times_seen,
      title: newer ? row.title : merged.title,
      culprit: newer ? row.culprit : merged.culprit,
      level: newer ? row.level : merged.level,
      metadata: newer ? row.metadata : merged.metadata,
      version: Math.max(merged.version, row.version),
    };
  }
  if (existing && merged.version <= existing.version) merged.version = existing.version + 1;
  return merged;
}

/** Groups a batch by (project, group), in a stable order. */
export function collectGroupRows(rows: Iterable<GroupRow>): Map<string, GroupRow[]> {
  const byGroup = new Map<string, GroupRow[]>();
  for (const row of rows) {
    const key = groupKey(row);
    const list = byGroup.get(key);
    if (list) list.push(row);
    else byGroup.set(key, [row]);
  }
  return new Map([...byGroup.entries()].sort(([a], [b]) => compareUtf8(a, b)));
}
