// JSON helpers shared by the normalizer: safe object construction (client keys such as
// `__proto__` must never reach a prototype), Relay's size estimates, and serde_json-compatible
// compact serialization (Relay's objects are BTreeMaps, so keys come out sorted).

export type JsonObject = Record<string, unknown>;

/** Deepest nesting accepted, like serde_json's recursion limit in Relay. */
export const MAX_JSON_DEPTH = 128;

export class JsonTooDeep extends Error {
  constructor() {
    super("recursion limit exceeded");
    this.name = "JsonTooDeep";
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Assigns an own enumerable property even for keys like `__proto__`. */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

export function getOwn(source: JsonObject, key: string): unknown {
  return Object.hasOwn(source, key) ? source[key] : undefined;
}

/**
 * Returns `value` as plain JSON data: the same reference when it already is (the common case),
 * a cleaned copy otherwise (non-JSON leaves become null, undefined members disappear).
 * Throws `JsonTooDeep` past `MAX_JSON_DEPTH` levels, which also stops cycles.
 */
export function sanitizeJson(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "object":
      break;
    default:
      return null;
  }
  if (value === null) return null;
  if (depth >= MAX_JSON_DEPTH) throw new JsonTooDeep();
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const clean = item === undefined ? null : sanitizeJson(item, depth + 1);
      if (clean !== item && copy === undefined) copy = value.slice(0, i);
      if (copy !== undefined) copy.push(clean);
    }
    return copy ?? value;
  }
  const source = value as JsonObject;
  const keys = Object.keys(source);
  let copy: JsonObject | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = source[key];
    if (item === undefined) {
      if (copy === undefined) copy = copyKeys(source, keys, i);
      continue;
    }
    const clean = sanitizeJson(item, depth + 1);
    if (clean !== item && copy === undefined) copy = copyKeys(source, keys, i);
    if (copy !== undefined) setOwn(copy, key, clean);
  }
  if (
    copy === undefined &&
    Object.getPrototypeOf(source) !== Object.prototype &&
    Object.getPrototypeOf(source) !== null
  ) {
    copy = copyKeys(source, keys, keys.length);
  }
  return copy ?? source;
}

function copyKeys(source: JsonObject, keys: readonly string[], upTo: number): JsonObject {
  const copy: JsonObject = {};
  for (let i = 0; i < upTo; i++) {
    const key = keys[i] as string;
    const item = source[key];
    if (item !== undefined) setOwn(copy, key, item);
  }
  return copy;
}

/** Number formatting of Rust's `f64`/`u64` Display (never exponent notation). */
export function rustNumberString(value: number): string {
  const text = String(value);
  if (!text.includes("e")) return text;
  if (Number.isInteger(value)) return BigInt(value).toString();
  const fixed = value.toFixed(20);
  return fixed.replace(/\.?0+$/, "");
}

/** serde_json/ryu float formatting: exponents without `+`. */
function serdeNumberString(value: number): string {
  const text = String(value);
  return text.includes("e+") ? text.replace("e+", "e") : text;
}

/** UTF-8 byte length without allocating. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i++;
        continue;
      }
      bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

const HIGH_SURROGATE = /[\ud800-\udbff]/;

/** Unicode scalar count (Relay counts chars, JS strings count UTF-16 units). */
export function charCount(text: string): number {
  if (!HIGH_SURROGATE.test(text)) return text.length;
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** The first `n` chars (code points) of `text`. */
export function takeChars(text: string, n: number): string {
  if (n <= 0) return "";
  let units = 0;
  let chars = 0;
  while (units < text.length && chars < n) {
    const code = text.charCodeAt(units);
    const next = units + 1 < text.length ? text.charCodeAt(units + 1) : 0;
    units += code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    chars++;
  }
  return text.slice(0, units);
}

/** Relay's `estimate_size_flat`: JSON size of a value not counting container contents. */
export function estimateFlatSize(value: unknown): number {
  switch (typeof value) {
    case "string":
      return utf8Length(value) + 2;
    case "number":
      return rustNumberString(value).length;
    case "boolean":
      return value ? 4 : 5;
    case "object":
      return value === null ? 4 : 2;
    default:
      return 0;
  }
}

/**
 * Relay's `estimate_size`: the JSON size, counting strings as raw bytes plus quotes. Stops
 * counting once `limit` is passed (callers only compare against a threshold).
 */
export function estimateSize(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return 0;
  // A string has at least as many bytes as UTF-16 units: no need to count past the limit.
  if (typeof value === "string" && value.length + 2 > limit) return value.length + 2;
  if (typeof value !== "object" || value === null) return estimateFlatSize(value);
  let size = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (i > 0) size += 1;
      size += value[i] === undefined ? 4 : estimateSize(value[i], limit - size);
      if (size > limit) return size;
    }
    return size;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const item = (value as JsonObject)[key];
    if (item === undefined) continue;
    if (!first) size += 1;
    first = false;
    size += utf8Length(key) + 3;
    size += estimateSize(item, limit - size);
    if (size > limit) return size;
  }
  return size;
}

/** serde_json's compact form of a `Value`: object keys sorted, floats in ryu style. */
export function compactJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? serdeNumberString(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return "null";
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += compactJson(value[i]);
    }
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = (value as JsonObject)[key];
    if (item === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += `${JSON.stringify(key)}:${compactJson(item)}`;
  }
  return `${out}}`;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as JsonObject)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as JsonObject)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.hasOwn(b, key)) return false;
    if (!jsonEqual((a as JsonObject)[key], (b as JsonObject)[key])) return false;
  }
  return true;
}

/** Sorted own keys, the iteration order of Relay's `Object<T>` (a BTreeMap). */
export function sortedKeys(value: JsonObject): string[] {
  return Object.keys(value).sort();
}

export function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A shallow copy that keeps client keys such as `__proto__` as plain data. */
export function shallowCopy(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(value)) setOwn(out, key, value[key]);
  return out;
}
