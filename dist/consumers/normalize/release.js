// consumers/normalize/release.ts
import { charCount, utf8Length } from "./json.js";
var MAX_RELEASE_BYTES = 200;
var MAX_ENVIRONMENT_BYTES = 64;
var MAX_DIST_CHARS = 64;
function hasForbiddenChar(value) {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 47 || code === 92 || code < 32 || code >= 127 && code < 160) return true;
  }
  return false;
}
function isValidRelease(value) {
  if (value === "" || value === "." || value === "..") return false;
  if (value.toLowerCase() === "latest") return false;
  if (utf8Length(value) > MAX_RELEASE_BYTES) return false;
  return !hasForbiddenChar(value);
}
function isValidEnvironment(value) {
  if (value === "" || value === "." || value === "..") return false;
  if (value.toLowerCase() === "none") return false;
  if (utf8Length(value) > MAX_ENVIRONMENT_BYTES) return false;
  return !hasForbiddenChar(value);
}
function softDeleteInvalid(event, meta, key) {
  const node = meta.at([key]);
  node.addError("invalid_data");
  node.setOriginal(event[key]);
  event[key] = void 0;
}
function validateReleaseAndEnvironment(event, meta) {
  if (typeof event.release === "string" && !isValidRelease(event.release))
    softDeleteInvalid(event, meta, "release");
  if (typeof event.environment === "string" && !isValidEnvironment(event.environment)) {
    softDeleteInvalid(event, meta, "environment");
  }
}
function normalizeDist(holder, key, meta, path) {
  const dist = holder[key];
  if (typeof dist !== "string") return;
  const trimmed = dist.trim();
  if (trimmed === "") {
    holder[key] = void 0;
    return;
  }
  if (charCount(trimmed) > MAX_DIST_CHARS) {
    const node = meta.at(path);
    node.addError("value_too_long");
    node.setOriginal(dist);
    holder[key] = void 0;
    return;
  }
  holder[key] = trimmed;
}
export {
  isValidEnvironment,
  isValidRelease,
  normalizeDist,
  validateReleaseAndEnvironment
};
//# sourceMappingURL=release.js.map
