// consumers/normalize/json.ts
var MAX_JSON_DEPTH = 128;
var JsonTooDeep = class extends Error {
  constructor() {
    super("recursion limit exceeded");
    this.name = "JsonTooDeep";
  }
};
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function setOwn(target, key, value) {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
function getOwn(source, key) {
  return Object.hasOwn(source, key) ? source[key] : void 0;
}
function sanitizeJson(value, depth = 0) {
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
    let copy2;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const clean = item === void 0 ? null : sanitizeJson(item, depth + 1);
      if (clean !== item && copy2 === void 0) copy2 = value.slice(0, i);
      if (copy2 !== void 0) copy2.push(clean);
    }
    return copy2 ?? value;
  }
  const source = value;
  const keys = Object.keys(source);
  let copy;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const item = source[key];
    if (item === void 0) {
      if (copy === void 0) copy = copyKeys(source, keys, i);
      continue;
    }
    const clean = sanitizeJson(item, depth + 1);
    if (clean !== item && copy === void 0) copy = copyKeys(source, keys, i);
    if (copy !== void 0) setOwn(copy, key, clean);
  }
  if (copy === void 0 && Object.getPrototypeOf(source) !== Object.prototype && Object.getPrototypeOf(source) !== null) {
    copy = copyKeys(source, keys, keys.length);
  }
  return copy ?? source;
}
function copyKeys(source, keys, upTo) {
  const copy = {};
  for (let i = 0; i < upTo; i++) {
    const key = keys[i];
    const item = source[key];
    if (item !== void 0) setOwn(copy, key, item);
  }
  return copy;
}
function rustNumberString(value) {
  const text = String(value);
  if (!text.includes("e")) return text;
  if (Number.isInteger(value)) return BigInt(value).toString();
  const fixed = value.toFixed(20);
  return fixed.replace(/\.?0+$/, "");
}
function serdeNumberString(value) {
  const text = String(value);
  return text.includes("e+") ? text.replace("e+", "e") : text;
}
function utf8Length(text) {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) continue;
    if (code < 2048) bytes += 1;
    else if (code >= 55296 && code <= 56319 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 56320 && next <= 57343) {
        bytes += 2;
        i++;
        continue;
      }
      bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
var HIGH_SURROGATE = /[\ud800-\udbff]/;
function charCount(text) {
  if (!HIGH_SURROGATE.test(text)) return text.length;
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 55296 && code <= 56319 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 56320 && next <= 57343) {
        count--;
        i++;
      }
    }
  }
  return count;
}
function takeChars(text, n) {
  if (n <= 0) return "";
  let units = 0;
  let chars = 0;
  while (units < text.length && chars < n) {
    const code = text.charCodeAt(units);
    const next = units + 1 < text.length ? text.charCodeAt(units + 1) : 0;
    units += code >= 55296 && code <= 56319 && next >= 56320 && next <= 57343 ? 2 : 1;
    chars++;
  }
  return text.slice(0, units);
}
function estimateFlatSize(value) {
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
function estimateSize(value, limit = Number.MAX_SAFE_INTEGER) {
  if (value === void 0) return 0;
  if (typeof value === "string" && value.length + 2 > limit) return value.length + 2;
  if (typeof value !== "object" || value === null) return estimateFlatSize(value);
  let size = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (i > 0) size += 1;
      size += value[i] === void 0 ? 4 : estimateSize(value[i], limit - size);
      if (size > limit) return size;
    }
    return size;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === void 0) continue;
    if (!first) size += 1;
    first = false;
    size += utf8Length(key) + 3;
    size += estimateSize(item, limit - size);
    if (size > limit) return size;
  }
  return size;
}
function compactJson(value) {
  if (value === null || value === void 0) return "null";
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
    let out2 = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out2 += ",";
      out2 += compactJson(value[i]);
    }
    return `${out2}]`;
  }
  const keys = Object.keys(value).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = value[key];
    if (item === void 0) continue;
    if (!first) out += ",";
    first = false;
    out += `${JSON.stringify(key)}:${compactJson(item)}`;
  }
  return `${out}}`;
}
function jsonEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => a[key] !== void 0);
  const keysB = Object.keys(b).filter((key) => b[key] !== void 0);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.hasOwn(b, key)) return false;
    if (!jsonEqual(a[key], b[key])) return false;
  }
  return true;
}
function sortedKeys(value) {
  return Object.keys(value).sort();
}
function asObject(value) {
  return isObject(value) ? value : void 0;
}
function asArray(value) {
  return Array.isArray(value) ? value : void 0;
}
function asString(value) {
  return typeof value === "string" ? value : void 0;
}
function shallowCopy(value) {
  const out = {};
  for (const key of Object.keys(value)) setOwn(out, key, value[key]);
  return out;
}
export {
  JsonTooDeep,
  MAX_JSON_DEPTH,
  asArray,
  asObject,
  asString,
  charCount,
  compactJson,
  estimateFlatSize,
  estimateSize,
  getOwn,
  isObject,
  jsonEqual,
  rustNumberString,
  sanitizeJson,
  setOwn,
  shallowCopy,
  sortedKeys,
  takeChars,
  utf8Length
};
//# sourceMappingURL=json.js.map
