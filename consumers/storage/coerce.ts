import { createHash } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { JsonFloat } from "./json-float.ts";
import { RowMappingError } from "./row-errors.ts";

// Value coercions of Snuba's Rust errors processor (rust_snuba/src/processors/errors.rs),
// reproduced so our rows compare equal to its snapshots. Each function names the Rust type
// or helper it stands for.

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonFloat)
  );
}

export function isNumber(value: unknown): value is number | JsonFloat {
  return typeof value === "number" || value instanceof JsonFloat;
}

export function numberValue(value: number | JsonFloat): number {
  return typeof value === "number" ? value : value.value;
}

// 2^64: integers at or above it do not fit serde_json's u64 and print as floats.
const U64_LIMIT = 2 ** 64;

/** serde_json's rendering of an f64: ryu's shortest form, always with `.0` or an exponent. */
function formatFloat(value: number): string {
  if (Object.is(value, -0)) return "-0.0";
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e16) return `${value}.0`;
  if (Number.isInteger(value)) return value.toExponential().replace("e+", "e");
  return String(value).replace("e+", "e");
}

/** serde_json `Number::to_string`: integers as integers, floats through ryu. */
export function formatJsonNumber(value: number | JsonFloat): string {
  if (value instanceof JsonFloat) return formatFloat(value.value);
  if (!Number.isInteger(value) || Math.abs(value) >= U64_LIMIT) return formatFloat(value);
  return String(value);
}

/** `Unicodify`: strings as is, numbers/bools as JSON text, arrays/objects as compact JSON. */
export function unicodify(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (isNumber(value)) return formatJsonNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return JSON.stringify(value);
}

/** `ContextStringify`: scalars only, with Python's spelling of booleans; others dropped. */
export function contextStringify(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (isNumber(value)) return formatJsonNumber(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  return null;
}

/**
 * Rust orders `String`s by their UTF-8 bytes; JavaScript's `<` compares UTF-16 code units.
 * They differ only between astral characters (surrogates) and U+E000..U+FFFF, so shifting
 * those two ranges makes code-unit comparison agree with byte order.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

function utf8Rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

const UUID_SIMPLE = /^[0-9a-fA-F]{32}$/;
const UUID_HYPHENATED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function hyphenate(hex32: string): string {
  const h = hex32.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `Uuid::parse_str`: simple, hyphenated, braced or URN form; returns dashed lowercase. */
export function parseUuid(text: string): string | null {
  let body = text;
  if (body.length === 45 && body.slice(0, 9).toLowerCase() === "urn:uuid:") body = body.slice(9);
  else if (body.length === 38 && body.startsWith("{") && body.endsWith("}")) body = body.slice(1, -1);
  if (UUID_SIMPLE.test(body)) return hyphenate(body);
  if (UUID_HYPHENATED.test(body)) return body.toLowerCase();
  return null;
}

/** `to_uuid`: the hash as a UUID when it is one, else the MD5 of its UTF-8 bytes. */
export function hashToUuid(hash: string): string {
  return parseUuid(hash) ?? hyphenate(createHash("md5").update(hash, "utf8").digest("hex"));
}

/** The 32-hex form Snuba writes into `contexts.value` for trace ids. */
export function uuidSimple(uuid: string): string {
  return uuid.replaceAll("-", "");
}

function expandIPv6(text: string): number[] | null {
  let head = text;
  const groups: number[] = [];
  const lastColon = head.lastIndexOf(":");
  const tail = head.slice(lastColon + 1);
  const v4Tail: number[] = [];
  if (tail.includes(".")) {
    const octets = tail.split(".").map(Number);
    v4Tail.push(((octets[0] ?? 0) << 8) | (octets[1] ?? 0), ((octets[2] ?? 0) << 8) | (octets[3] ?? 0));
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  const parse = (part: string): number[] =>
    part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16));
  const left = parse(halves[0] ?? "");
  const right = halves.length > 1 ? parse(halves[1] ?? "") : [];
  const zeros = 8 - left.length - right.length;
  if (halves.length === 1 && zeros !== 0) return null;
  groups.push(...left, ...new Array<number>(Math.max(zeros, 0)).fill(0), ...right);
  if (v4Tail.length === 2) groups.splice(6, 2, ...v4Tail);
  return groups.length === 8 ? groups : null;
}

/** Rust's `Ipv6Addr` Display: RFC 5952 compression; IPv4-mapped addresses end in dotted quad. */
function formatIPv6(groups: ReadonlyArray<number>): string {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const a = groups[6] ?? 0;
    const b = groups[7] ?? 0;
    return `::ffff:${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
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

/** `str::parse::<IpAddr>`: canonical text of a v4 or v6 address; anything else (zones too) is null. */
export function parseIpAddress(text: string): { v4: string | null; v6: string | null } {
  if (isIPv4(text)) return { v4: text, v6: null };
  if (!text.includes("%") && isIPv6(text)) {
    const groups = expandIPv6(text);
    if (groups) return { v4: null, v6: formatIPv6(groups) };
  }
  return { v4: null, v6: null };
}

/** IPv4StringToNum: the portable table stores IPv4 as UInt32. */
export function ipv4ToNumber(text: string): number {
  return text.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

const SNUBA_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

/**
 * `%Y-%m-%dT%H:%M:%S%.fZ` → epoch milliseconds, or null when the text does not parse or
 * names an impossible date (Snuba then uses "now").
 */
export function parseSnubaDatetime(text: string): number | null {
  const match = SNUBA_DATETIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) ||
    check.getUTCMinutes() !== Number(mi) ||
    check.getUTCSeconds() !== Number(s)
  ) {
    return null;
  }
  return ms + (fraction ? Number(fraction.slice(0, 3).padEnd(3, "0")) : 0);
}

/** `u64::from_str_radix(text, 16)` as a decimal string (u64 exceeds JavaScript's safe integers). */
export function parseHexU64(text: string): string | null {
  if (!/^\+?[0-9a-fA-F]{1,16}$/.test(text)) return null;
  return BigInt(`0x${text.replace("+", "")}`).toString();
}

// --- typed field readers: the JSON types serde would accept, else RowMappingError ------

export function readOptionalString(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  throw new RowMappingError("invalid_field", field, `expected a string, got ${describe(value)}`);
}

export function readOptionalBool(value: unknown, field: string): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value;
  throw new RowMappingError("invalid_field", field, `expected a boolean, got ${describe(value)}`);
}

export function readOptionalUuid(value: unknown, field: string): string | null {
  const text = readOptionalString(value, field);
  if (text === null) return null;
  const uuid = parseUuid(text);
  if (uuid === null) throw new RowMappingError("invalid_field", field, `not a UUID: ${JSON.stringify(text)}`);
  return uuid;
}

/** An unsigned integer no larger than `max` (u16/u32/u64 in the Rust struct). */
export function readOptionalUnsigned(value: unknown, field: string, max: number): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max) return value;
  throw new RowMappingError(
    "invalid_field",
    field,
    `expected an integer in 0..${max}, got ${describe(value)}`,
  );
}

export function readOptionalNumber(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (isNumber(value)) return numberValue(value);
  throw new RowMappingError("invalid_field", field, `expected a number, got ${describe(value)}`);
}

export function readOptionalArray(value: unknown, field: string): ReadonlyArray<unknown> | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value;
  throw new RowMappingError("invalid_field", field, `expected an array, got ${describe(value)}`);
}

/** A struct field with `#[serde(default)]`: absent and null both read as an empty object. */
export function readOptionalObject(value: unknown, field: string): JsonObject {
  if (value === null || value === undefined) return {};
  if (isObject(value)) return value;
  throw new RowMappingError("invalid_field", field, `expected an object, got ${describe(value)}`);
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof JsonFloat) return "a number";
  return `a ${typeof value}`;
}
