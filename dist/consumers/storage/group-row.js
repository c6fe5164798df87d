// consumers/storage/group-row.ts
import {
  compareUtf8,
  isObject,
  parseSnubaDatetime,
  readOptionalArray,
  readOptionalObject,
  unicodify
} from "./coerce.js";
import { RowMappingError } from "./row-errors.js";
function requireUnsigned(body, field) {
  const value = body[field];
  if (value === void 0 || value === null) throw new RowMappingError("missing_field", field, "required");
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new RowMappingError("invalid_field", field, "expected an unsigned integer");
  }
  return value;
}
function tagValue(tags, key) {
  for (const entry of readOptionalArray(tags, "data.tags") ?? []) {
    if (Array.isArray(entry) && entry[0] === key) return unicodify(entry[1]);
  }
  return null;
}
function mapGroupRow(body, now = Date.now) {
  const projectId = requireUnsigned(body, "project_id");
  const groupId = requireUnsigned(body, "group_id");
  const primaryHash = body.primary_hash;
  if (typeof primaryHash !== "string") {
    throw new RowMappingError(
      primaryHash == null ? "missing_field" : "invalid_field",
      "primary_hash",
      "required"
    );
  }
  const data = readOptionalObject(body.data, "data");
  const eventMs = (typeof body.datetime === "string" ? parseSnubaDatetime(body.datetime) : null) ?? Math.floor(now());
  const firstSeenMs = typeof body.group_first_seen === "string" ? parseSnubaDatetime(body.group_first_seen) : null;
  const hashes = (readOptionalArray(data.hashes, "data.hashes") ?? []).filter(
    (hash) => typeof hash === "string"
  );
  if (!hashes.includes(primaryHash)) hashes.unshift(primaryHash);
  const eventSeconds = Math.floor(eventMs / 1e3);
  return {
    project_id: projectId,
    group_id: groupId,
    primary_hash: primaryHash,
    hashes,
    first_seen: firstSeenMs === null ? eventSeconds : Math.min(Math.floor(firstSeenMs / 1e3), eventSeconds),
    last_seen: eventSeconds,
    times_seen: 1,
    title: unicodify(data.title) ?? "",
    culprit: unicodify(data.culprit) ?? "",
    level: unicodify(data.level) ?? tagValue(data.tags, "level") ?? "error",
    metadata: JSON.stringify(isObject(data.metadata) ? data.metadata : {}),
    version: eventMs
  };
}
function groupKey(row) {
  return `${row.project_id}:${row.group_id}`;
}
function mergeGroupRows(existing, incoming) {
  const rows = existing ? [existing, ...incoming] : [...incoming];
  const first = rows[0];
  if (!first) throw new RangeError("mergeGroupRows needs at least one row");
  let merged = { ...first, hashes: [...first.hashes] };
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
      version: Math.max(merged.version, row.version)
    };
  }
  if (existing && merged.version <= existing.version) merged.version = existing.version + 1;
  return merged;
}
function collectGroupRows(rows) {
  const byGroup = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const key = groupKey(row);
    const list = byGroup.get(key);
    if (list) list.push(row);
    else byGroup.set(key, [row]);
  }
  return new Map([...byGroup.entries()].sort(([a], [b]) => compareUtf8(a, b)));
}
export {
  collectGroupRows,
  groupKey,
  mapGroupRow,
  mergeGroupRows
};
//# sourceMappingURL=group-row.js.map
