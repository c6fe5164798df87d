// consumers/storage/coerce.ts
import { createHash } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { JsonFloat } from "./json-float.js";
import { RowMappingError } from "./row-errors.js";
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonFloat);
}
function isNumber(value) {
  return typeof value === "number" || value instanceof JsonFloat;
}
function numberValue(value) {
  return typeof value === "number" ? value : value.value;
}
var U64_LIMIT = 2 ** 64;
function formatFloat(value) {
  if (Object.is(value, -0)) return "-0.0";
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e16) return `${value}.0`;
  if (Number.isInteger(value)) return value.toExponential().replace("e+", "e");
  return String(value).replace("e+", "e");
}
function formatJsonNumber(value) {
  if (value instanceof JsonFloat) return formatFloat(value.value);
  if (!Number.isInteger(value) || Math.abs(value) >= U64_LIMIT) return formatFloat(value);
  return String(value);
}
function unicodify(value) {
  if (value === null || value === void 0) return null;
  if (typeof value === "string") return value;
  if (isNumber(value)) return formatJsonNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return JSON.stringify(value);
}
function contextStringify(value) {
  if (typeof value === "string") return value;
  if (isNumber(value)) return formatJsonNumber(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  return null;
}
function compareUtf8(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}
function utf8Rank(unit) {
  if (unit >= 55296 && unit <= 57343) return unit + 8192;
  if (unit >= 57344) return unit - 2048;
  return unit;
}
var UUID_SIMPLE = /^[0-9a-fA-F]{32}$/;
var UUID_HYPHENATED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
function hyphenate(hex32) {
  const h = hex32.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
function parseUuid(text) {
  let body = text;
  if (body.length === 45 && body.slice(0, 9).toLowerCase() === "urn:uuid:") body = body.slice(9);
  else if (body.length === 38 && body.startsWith("{") && body.endsWith("}")) body = body.slice(1, -1);
  if (UUID_SIMPLE.test(body)) return hyphenate(body);
  if (UUID_HYPHENATED.test(body)) return body.toLowerCase();
  return null;
}
function hashToUuid(hash) {
  return parseUuid(hash) ?? hyphenate(createHash("md5").update(hash, "utf8").digest("hex"));
}
function uuidSimple(uuid) {
  return uuid.replaceAll("-", "");
}
function expandIPv6(text) {
  let head = text;
  const groups = [];
  const lastColon = head.lastIndexOf(":");
  const tail = head.slice(lastColon + 1);
  const v4Tail = [];
  if (tail.includes(".")) {
    const octets = tail.split(".").map(Number);
    v4Tail.push((octets[0] ?? 0) << 8 | (octets[1] ?? 0), (octets[2] ?? 0) << 8 | (octets[3] ?? 0));
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  const parse = (part) => part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16));
  const left = parse(halves[0] ?? "");
  const right = halves.length > 1 ? parse(halves[1] ?? "") : [];
  const zeros = 8 - left.length - right.length;
  if (halves.length === 1 && zeros !== 0) return null;
  groups.push(...left, ...new Array(Math.max(zeros, 0)).fill(0), ...right);
  if (v4Tail.length === 2) groups.splice(6, 2, ...v4Tail);
  return groups.length === 8 ? groups : null;
}
function formatIPv6(groups) {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 65535) {
    const a = groups[6] ?? 0;
    const b = groups[7] ?? 0;
    return `::ffff:${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}
function parseIpAddress(text) {
  if (isIPv4(text)) return { v4: text, v6: null };
  if (!text.includes("%") && isIPv6(text)) {
    const groups = expandIPv6(text);
    if (groups) return { v4: null, v6: formatIPv6(groups) };
  }
  return { v4: null, v6: null };
}
function ipv4ToNumber(text) {
  return text.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}
var SNUBA_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;
function parseSnubaDatetime(text) {
  const match = SNUBA_DATETIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h) || check.getUTCMinutes() !== Number(mi) || check.getUTCSeconds() !== Number(s)) {
    return null;
  }
  return ms + (fraction ? Number(fraction.slice(0, 3).padEnd(3, "0")) : 0);
}
function parseHexU64(text) {
  if (!/^\+?[0-9a-fA-F]{1,16}$/.test(text)) return null;
  return BigInt(`0x${text.replace("+", "")}`).toString();
}
function readOptionalString(value, field) {
  if (value === null || value === void 0) return null;
  if (typeof value === "string") return value;
  throw new RowMappingError("invalid_field", field, `expected a string, got ${describe(value)}`);
}
function readOptionalBool(value, field) {
  if (value === null || value === void 0) return null;
  if (typeof value === "boolean") return value;
  throw new RowMappingError("invalid_field", field, `expected a boolean, got ${describe(value)}`);
}
function readOptionalUuid(value, field) {
  const text = readOptionalString(value, field);
  if (text === null) return null;
  const uuid = parseUuid(text);
  if (uuid === null) throw new RowMappingError("invalid_field", field, `not a UUID: ${JSON.stringify(text)}`);
  return uuid;
}
function readOptionalUnsigned(value, field, max) {
  if (value === null || value === void 0) return null;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max) return value;
  throw new RowMappingError(
    "invalid_field",
    field,
    `expected an integer in 0..${max}, got ${describe(value)}`
  );
}
function readOptionalNumber(value, field) {
  if (value === null || value === void 0) return null;
  if (isNumber(value)) return numberValue(value);
  throw new RowMappingError("invalid_field", field, `expected a number, got ${describe(value)}`);
}
function readOptionalArray(value, field) {
  if (value === null || value === void 0) return null;
  if (Array.isArray(value)) return value;
  throw new RowMappingError("invalid_field", field, `expected an array, got ${describe(value)}`);
}
function readOptionalObject(value, field) {
  if (value === null || value === void 0) return {};
  if (isObject(value)) return value;
  throw new RowMappingError("invalid_field", field, `expected an object, got ${describe(value)}`);
}
function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof JsonFloat) return "a number";
  return `a ${typeof value}`;
}
export {
  compareUtf8,
  contextStringify,
  describe,
  formatJsonNumber,
  hashToUuid,
  ipv4ToNumber,
  isNumber,
  isObject,
  numberValue,
  parseHexU64,
  parseIpAddress,
  parseSnubaDatetime,
  parseUuid,
  readOptionalArray,
  readOptionalBool,
  readOptionalNumber,
  readOptionalObject,
  readOptionalString,
  readOptionalUnsigned,
  readOptionalUuid,
  unicodify,
  uuidSimple
};
//# sourceMappingURL=coerce.js.map
