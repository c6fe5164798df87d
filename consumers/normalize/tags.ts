// N15: tags. The `environment` tag becomes the environment; internal tag keys are dropped;
// duplicates keep the first; empty or over-long keys and values turn into null with an error
// (the entry stays); `server_name` and `site` move into tags, replacing a same-named tag in place.

import { charCount, type JsonObject } from "./json.ts";
import type { MetaTree } from "./meta.ts";

const MAX_TAG_CHARS = 200;
const RESERVED_KEYS = new Set(["release", "dist", "user", "filename", "function"]);

type TagEntry = [unknown, unknown];

function isEntry(value: unknown): value is TagEntry {
  return Array.isArray(value) && value.length === 2;
}

/**
 * Identity for deduplication. A key that was removed with an error (invalid characters, empty,
 * too long) is never a duplicate: Relay compares such keys by their original text on the first
 * pass, and on a second pass they would all look alike (null) and vanish.
 */
function dedupeKey(key: unknown, meta: MetaTree, index: number): string | null | undefined {
  if (typeof key === "string") return key;
  return meta.hasErrors(["tags", index, 0]) ? undefined : null;
}

function checkPart(entry: TagEntry, index: 0 | 1, meta: MetaTree, path: readonly (string | number)[]): void {
  const value = entry[index];
  if (typeof value !== "string") return;
  let error: [string, Record<string, unknown> | undefined] | undefined;
  if (value === "") error = ["invalid_data", { reason: "expected a non-empty value" }];
  else if (charCount(value) > MAX_TAG_CHARS) error = ["value_too_long", undefined];
  if (error === undefined) return;
  const partPath = [...path, index];
  meta.remove(partPath);
  meta.addError(partPath, error[0], error[1]);
  entry[index] = null;
}

function findTag(tags: readonly unknown[], key: string): number {
  for (let i = 0; i < tags.length; i++) {
    const entry = tags[i];
    if (isEntry(entry) && entry[0] === key) return i;
  }
  return -1;
}

/** Moves a top-level field (value and meta) into the tags. */
function moveIntoTags(event: JsonObject, tags: unknown[], meta: MetaTree, field: string): void {
  const value = event[field];
  const fieldMeta = meta.root.children === undefined ? undefined : meta.take([field]);
  if (value !== undefined) event[field] = undefined;
  if (value === undefined || value === null) return;
  const index = findTag(tags, field);
  if (index >= 0) {
    (tags[index] as TagEntry)[1] = value;
    meta.put(["tags", index, 1], fieldMeta);
  } else {
    tags.push([field, value]);
    meta.put(["tags", tags.length - 1, 1], fieldMeta);
  }
}

export function normalizeEventTags(event: JsonObject, meta: MetaTree): void {
  let tags = event.tags;
  if (!Array.isArray(tags)) {
    tags = [];
    event.tags = tags;
  }
  const list = tags as unknown[];
  if (list.length > 0) checkTags(event, list, meta);
  moveIntoTags(event, event.tags as unknown[], meta, "server_name");
  moveIntoTags(event, event.tags as unknown[], meta, "site");
}

/** Environment tag, reserved keys, duplicates, then empty or over-long parts. */
function checkTags(event: JsonObject, list: unknown[], meta: MetaTree): void {
  const envIndex = findTag(list, "environment");
  const kept: unknown[] = [];
  const mapping: number[] = new Array(list.length).fill(-1);
  const seen = new Set<string | null>();
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (i === envIndex) {
      const value = (entry as TagEntry)[1];
      if (value !== null && value !== undefined && event.environment === undefined) event.environment = value;
      continue;
    }
    if (isEntry(entry)) {
      const key = entry[0];
      if (typeof key === "string" && RESERVED_KEYS.has(key)) continue;
      const dedupe = dedupeKey(key, meta, i);
      if (dedupe !== undefined) {
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
      }
    }
    mapping[i] = kept.length;
    kept.push(entry);
  }
  if (kept.length !== list.length) meta.reindexArray(["tags"], mapping);
  event.tags = kept;

  for (let i = 0; i < kept.length; i++) {
    const entry = kept[i];
    if (!isEntry(entry)) continue;
    checkPart(entry, 0, meta, ["tags", i]);
    checkPart(entry, 1, meta, ["tags", i]);
  }
}
