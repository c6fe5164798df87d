// N8, N9, N14: release, environment and dist. Release and environment follow Sentry's release
// parser (byte limits, reserved names, no path separators or control characters); an invalid
// one is soft-deleted with a bare `invalid_data`. Dist is trimmed, dropped when blank, and
// flagged `value_too_long` past 64 chars.

import { charCount, type JsonObject, utf8Length } from "./json.ts";
import type { MetaTree } from "./meta.ts";

const MAX_RELEASE_BYTES = 200;
const MAX_ENVIRONMENT_BYTES = 64;
const MAX_DIST_CHARS = 64;

function hasForbiddenChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // `/` and `\` separate paths in release URLs; control characters never belong in names.
    if (code === 47 || code === 92 || code < 0x20 || (code >= 0x7f && code < 0xa0)) return true;
  }
  return false;
}

export function isValidRelease(value: string): boolean {
  if (value === "" || value === "." || value === "..") return false;
  if (value.toLowerCase() === "latest") return false;
  if (utf8Length(value) > MAX_RELEASE_BYTES) return false;
  return !hasForbiddenChar(value);
}

export function isValidEnvironment(value: string): boolean {
  if (value === "" || value === "." || value === "..") return false;
  if (value.toLowerCase() === "none") return false;
  if (utf8Length(value) > MAX_ENVIRONMENT_BYTES) return false;
  return !hasForbiddenChar(value);
}

function softDeleteInvalid(event: JsonObject, meta: MetaTree, key: string): void {
  const node = meta.at([key]);
  node.addError("invalid_data");
  node.setOriginal(event[key]);
  event[key] = undefined;
}

/** N8 and N9. */
export function validateReleaseAndEnvironment(event: JsonObject, meta: MetaTree): void {
  if (typeof event.release === "string" && !isValidRelease(event.release))
    softDeleteInvalid(event, meta, "release");
  if (typeof event.environment === "string" && !isValidEnvironment(event.environment)) {
    softDeleteInvalid(event, meta, "environment");
  }
}

/** N14 on any holder (the event, or a bare value in unit tests). */
export function normalizeDist(
  holder: JsonObject,
  key: string,
  meta: MetaTree,
  path: readonly (string | number)[],
): void {
  const dist = holder[key];
  if (typeof dist !== "string") return;
  const trimmed = dist.trim();
  if (trimmed === "") {
    holder[key] = undefined;
    return;
  }
  if (charCount(trimmed) > MAX_DIST_CHARS) {
    const node = meta.at(path);
    node.addError("value_too_long");
    node.setOriginal(dist);
    holder[key] = undefined;
    return;
  }
  holder[key] = trimmed;
}
