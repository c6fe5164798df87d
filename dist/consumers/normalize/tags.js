// consumers/normalize/tags.ts
import { charCount } from "./json.js";
var MAX_TAG_CHARS = 200;
var RESERVED_KEYS = /* @__PURE__ */ new Set(["release", "dist", "user", "filename", "function"]);
function isEntry(value) {
  return Array.isArray(value) && value.length === 2;
}
function dedupeKey(key, meta, index) {
  if (typeof key === "string") return key;
  return meta.hasErrors(["tags", index, 0]) ? void 0 : null;
}
function checkPart(entry, index, meta, path) {
  const value = entry[index];
  if (typeof value !== "string") return;
  let error;
  if (value === "") error = ["invalid_data", { reason: "expected a non-empty value" }];
  else if (charCount(value) > MAX_TAG_CHARS) error = ["value_too_long", void 0];
  if (error === void 0) return;
  const partPath = [...path, index];
  meta.remove(partPath);
  meta.addError(partPath, error[0], error[1]);
  entry[index] = null;
}
function findTag(tags, key) {
  for (let i = 0; i < tags.length; i++) {
    const entry = tags[i];
    if (isEntry(entry) && entry[0] === key) return i;
  }
  return -1;
}
function moveIntoTags(event, tags, meta, field) {
  const value = event[field];
  const fieldMeta = meta.take([field]);
  event[field] = void 0;
  if (value === void 0 || value === null) return;
  const index = findTag(tags, field);
  if (index >= 0) {
    tags[index][1] = value;
    meta.put(["tags", index, 1], fieldMeta);
  } else {
    tags.push([field, value]);
    meta.put(["tags", tags.length - 1, 1], fieldMeta);
  }
}
function normalizeEventTags(event, meta) {
  let tags = event.tags;
  if (!Array.isArray(tags)) {
    tags = [];
    event.tags = tags;
  }
  const list = tags;
  const envIndex = findTag(list, "environment");
  const kept = [];
  const mapping = new Array(list.length).fill(-1);
  const seen = /* @__PURE__ */ new Set();
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (i === envIndex) {
      const value = entry[1];
      if (value !== null && value !== void 0 && event.environment === void 0) event.environment = value;
      continue;
    }
    if (isEntry(entry)) {
      const key = entry[0];
      if (typeof key === "string" && RESERVED_KEYS.has(key)) continue;
      const dedupe = dedupeKey(key, meta, i);
      if (dedupe !== void 0) {
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
  moveIntoTags(event, kept, meta, "server_name");
  moveIntoTags(event, kept, meta, "site");
}
export {
  normalizeEventTags
};
//# sourceMappingURL=tags.js.map
