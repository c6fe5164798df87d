// P2 (schema coercion) fused with N2 (schema constraints) and the part of F2 (remove other) that
// only depends on the payload: one walk over the input builds the typed event as fresh objects
// (the only copy we make), records `_meta`, and never mutates the input. Databags that are
// already clean JSON are shared with the input, not copied; later steps copy on write.

import { normalizeHeaderName, parseCookieHeader, parseQueryString } from "./http-text.ts";
import { compactJson, getOwn, isObject, type JsonObject, sanitizeJson, setOwn, sortedKeys } from "./json.ts";
import type { MetaNode, MetaTree, PathSegment } from "./meta.ts";
import {
  CONTEXT_DEFS,
  type Field,
  LOGENTRY,
  MECHANISM,
  type PairVariant,
  type StructDef,
  TAG_KEY_CHARS,
  TAG_VALUE_CHARS,
  type Ty,
} from "./schema.ts";
import {
  parseAddr,
  parseBool,
  parseEventType,
  parseF64,
  parseHexId,
  parseI64,
  parseIp,
  parseJsonLenientString,
  parseLenientString,
  parseLevel,
  parseSpanStatus,
  parseString,
  parseThreadId,
  parseTimestamp,
  parseU64,
  parseUuid,
  scalarError,
} from "./values.ts";

export interface ParseContext {
  readonly meta: MetaTree;
  /** Path of the value being parsed; pushed and popped as the walk descends. */
  readonly path: PathSegment[];
}

function recordInvalid(ctx: ParseContext, reason: string | undefined, original: unknown): void {
  const node = ctx.meta.at(ctx.path);
  if (reason === undefined) node.addError("invalid_data");
  else node.addError("invalid_data", { reason });
  if (original !== undefined && original !== null) node.setOriginal(sanitizeJson(original));
}

function attachInputMeta(ctx: ParseContext, inMeta: MetaNode | undefined): void {
  if (inMeta !== undefined && !inMeta.isInnerEmpty()) ctx.meta.at(ctx.path).mergeInner(inMeta);
}

/** Meta that a client attached below a free-form value (e.g. remarks inside `extra`). */
function attachValueMeta(ctx: ParseContext, value: unknown, inMeta: MetaNode | undefined): void {
  if (inMeta?.children === undefined || typeof value !== "object" || value === null) return;
  for (const [key, child] of inMeta.children) {
    let item: unknown;
    if (Array.isArray(value)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= value.length) continue;
      item = value[index];
    } else {
      item = getOwn(value as JsonObject, key);
      if (item === undefined) continue;
    }
    ctx.path.push(key);
    attachInputMeta(ctx, child);
    attachValueMeta(ctx, item, child);
    ctx.path.pop();
  }
}

/**
 * Parses one struct field: merges client meta, coerces the value, then applies the field's
 * schema constraints (trim, non-empty, character set). Returns undefined for "no value".
 */
export function parseField(
  input: unknown,
  field: Field,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): unknown {
  if (inMeta === undefined) {
    // The common case: a value of the declared scalar type, nothing to check.
    const kind = field.ty.k;
    if (typeof input === "string") {
      if (
        (kind === "string" || kind === "lenient" || kind === "jsonLenient") &&
        !field.trim &&
        !field.nonempty &&
        field.badChar === undefined
      ) {
        return input;
      }
    } else if (typeof input === "boolean") {
      if (kind === "bool") return input;
    } else if (typeof input === "number" && kind === "f64" && Number.isFinite(input)) {
      return input;
    }
  } else {
    attachInputMeta(ctx, inMeta);
  }
  if (input === null || input === undefined) return undefined;
  let value = parseValue(input, field.ty, ctx, inMeta);
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    if (field.trim) value = (value as string).trim();
    if (field.nonempty && value === "" && !ctx.meta.hasInner(ctx.path)) {
      ctx.meta.addError(ctx.path, "invalid_data", { reason: "expected a non-empty string" });
      return undefined;
    }
    if (field.badChar !== undefined) {
      const bad = field.badChar(value as string);
      if (bad !== undefined) {
        recordInvalid(ctx, `invalid character ${rustDebugChar(bad)}`, value);
        return undefined;
      }
    }
  } else if (field.nonempty && typeof value === "object" && value !== null) {
    const empty = Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
    if (empty && !ctx.meta.hasInner(ctx.path)) {
      ctx.meta.addError(ctx.path, "invalid_data", { reason: "expected a non-empty value" });
      return undefined;
    }
  }
  return value;
}

/** Rust's `{:?}` of a char: `'a'`, `'\n'`, `'\''`, `'\u{7f}'`. */
export function rustDebugChar(char: string): string {
  switch (char) {
    case "\n":
      return "'\\n'";
    case "\r":
      return "'\\r'";
    case "\t":
      return "'\\t'";
    case "\0":
      return "'\\0'";
    case "'":
      return "'\\''";
    case "\\":
      return "'\\\\'";
  }
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return `'\\u{${code.toString(16)}}'`;
  return `'${char}'`;
}

function scalar(ctx: ParseContext, input: unknown, value: unknown): unknown {
  if (value === undefined) recordInvalid(ctx, scalarError.reason, input);
  return value;
}

export function parseValue(input: unknown, ty: Ty, ctx: ParseContext, inMeta: MetaNode | undefined): unknown {
  // JSON has no NaN or Infinity; a caller handing us one gets "no value", like null.
  if (typeof input === "number" && !Number.isFinite(input)) return undefined;
  switch (ty.k) {
    case "string":
      return scalar(ctx, input, parseString(input));
    case "lenient":
      return scalar(ctx, input, parseLenientString(input));
    case "jsonLenient":
      return parseJsonLenientString(sanitizeJson(input));
    case "u64":
      return scalar(ctx, input, parseU64(input));
    case "i64":
      return scalar(ctx, input, parseI64(input));
    case "f64":
      return scalar(ctx, input, parseF64(input));
    case "bool":
      return scalar(ctx, input, parseBool(input));
    case "level":
      return scalar(ctx, input, parseLevel(input));
    case "ip":
      return scalar(ctx, input, parseIp(input));
    case "uuid":
      return scalar(ctx, input, parseUuid(input, ty.expect));
    case "hexId":
      return scalar(ctx, input, parseHexId(input, ty.expect, ty.invalid, ty.length));
    case "addr":
      return scalar(ctx, input, parseAddr(input, ty.expect));
    case "threadId":
      return scalar(ctx, input, parseThreadId(input));
    case "spanStatus":
      return scalar(ctx, input, parseSpanStatus(input));
    case "eventType":
      return parseEventType(input);
    case "timestamp": {
      const parsed = parseTimestamp(input);
      if ("seconds" in parsed) return parsed.seconds;
      recordInvalid(ctx, parsed.reason, parsed.original);
      return undefined;
    }
    case "value": {
      const value = sanitizeJson(input);
      attachValueMeta(ctx, value, inMeta);
      return value === null ? undefined : value;
    }
    case "struct":
      return parseStruct(input, ty.def, ctx, inMeta);
    case "array":
      return parseArray(input, ty.item, ctx, inMeta);
    case "object":
      return parseObject(input, ty.item, ctx, inMeta);
    case "values":
      return parseValues(input, ty.item, ctx, inMeta);
    case "pairs":
      return parsePairs(input, ty.variant, ctx, inMeta);
    case "fingerprint":
      return parseFingerprint(input, ctx);
    case "contexts":
      return parseContexts(input, ctx, inMeta);
    case "debugImage":
      return parseDebugImage(input, ctx);
    case "frameVars":
      return parseFrameVars(input, ctx, inMeta);
  }
}

function parseItem(input: unknown, ty: Ty, ctx: ParseContext, inMeta: MetaNode | undefined): unknown {
  attachInputMeta(ctx, inMeta);
  if (input === null || input === undefined) return null;
  return parseValue(input, ty, ctx, inMeta) ?? null;
}

function parseArray(
  input: unknown,
  item: Ty,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): unknown[] | undefined {
  if (!Array.isArray(input)) {
    recordInvalid(ctx, "expected an array", input);
    return undefined;
  }
  const out = new Array<unknown>(input.length);
  for (let i = 0; i < input.length; i++) {
    ctx.path.push(i);
    out[i] = parseItem(input[i], item, ctx, inMeta?.child(i));
    ctx.path.pop();
  }
  return out;
}

function parseObject(
  input: unknown,
  item: Ty,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): JsonObject | undefined {
  if (!isObject(input)) {
    recordInvalid(ctx, "expected an object", input);
    return undefined;
  }
  if (item.k === "value" && inMeta?.children === undefined) {
    // Free-form maps (extra, env, data): share the input when it is clean JSON.
    const clean = sanitizeJson(input) as JsonObject;
    return clean;
  }
  const out: JsonObject = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === undefined) continue;
    ctx.path.push(key);
    setOwn(out, key, parseItem(value, item, ctx, inMeta?.child(key)));
    ctx.path.pop();
  }
  return out;
}

export function parseStruct(
  input: unknown,
  def: StructDef,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): JsonObject | undefined {
  if (def === LOGENTRY) {
    input = coerceLogEntryInput(input);
    if (input === null || input === undefined) return undefined;
  } else if (def === MECHANISM && isObject(input)) {
    if (Object.keys(input).length === 0) return undefined;
    if (!Object.hasOwn(input, "type")) input = convertLegacyMechanism(input);
  }
  if (!isObject(input)) {
    recordInvalid(ctx, `expected ${def.expect}`, input);
    return undefined;
  }
  const fields = def.fields;
  let otherKeys: string[] | undefined;
  const out: JsonObject = {};
  // Output follows the input's key order; schema order only matters where Relay's walk order
  // is observable (errors, budgets), and those walks follow the schema themselves.
  for (const key of Object.keys(input)) {
    const index = def.lookup.get(key);
    if (index === undefined) {
      if (def.contextType !== undefined && key === "type") continue;
      otherKeys ??= [];
      otherKeys.push(key);
      continue;
    }
    const field = fields[index] as Field;
    // The canonical name wins over a legacy alias when both are sent.
    if (key !== field.name && Object.hasOwn(input, field.name) && input[field.name] !== undefined) continue;
    const raw = input[key];
    if (raw === undefined) continue;
    ctx.path.push(field.name);
    const value = parseField(raw, field, ctx, inMeta?.child(field.name));
    if (value !== undefined) out[field.name] = value;
    ctx.path.pop();
  }
  for (const index of def.requiredIndexes) {
    const field = fields[index] as Field;
    if (out[field.name] !== undefined) continue;
    ctx.path.push(field.name);
    if (!ctx.meta.hasErrors(ctx.path)) ctx.meta.addError(ctx.path, "missing_attribute");
    ctx.path.pop();
  }
  if (otherKeys !== undefined) handleOther(input, otherKeys, def, out, ctx, inMeta);
  if (def === LOGENTRY && out.params !== undefined && typeof out.params !== "object") {
    // Message parameters must be a list or a map.
    ctx.path.push("params");
    recordInvalid(ctx, "expected message parameters", out.params);
    ctx.path.pop();
    out.params = undefined;
  }
  return out;
}

/** Old SDKs sent `posix_signal` / `mach_exception` without a type: Relay reads them as `generic`. */
function convertLegacyMechanism(input: JsonObject): JsonObject {
  const meta: JsonObject = {};
  const data: JsonObject = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (key === "posix_signal") {
      if (isObject(value)) {
        meta.signal = {
          number: value.signal,
          code: value.code,
          name: value.name,
          code_name: value.code_name,
        };
      } else meta.signal = value;
    } else if (key === "mach_exception") {
      if (isObject(value)) {
        meta.mach_exception = {
          exception: value.exception,
          code: value.code,
          subcode: value.subcode,
          name: value.exception_name,
        };
      } else meta.mach_exception = value;
    } else setOwn(data, key, value);
  }
  return { type: "generic", data, meta };
}

function handleOther(
  input: JsonObject,
  keys: readonly string[],
  def: StructDef,
  out: JsonObject,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): void {
  switch (def.other) {
    case "drop":
      return;
    case "retain":
      for (const key of keys) {
        const value = input[key];
        if (value === undefined) continue;
        ctx.path.push(key);
        attachInputMeta(ctx, inMeta?.child(key));
        const clean = sanitizeJson(value);
        attachValueMeta(ctx, clean, inMeta?.child(key));
        setOwn(out, key, clean);
        ctx.path.pop();
      }
      return;
    case "userData": {
      // N10: unknown user keys move into `user.data` (they win over keys already there).
      let data = out.data;
      if (!isObject(data)) data = {};
      else data = { ...data };
      for (const key of keys) {
        const value = input[key];
        if (value !== undefined) setOwn(data as JsonObject, key, sanitizeJson(value));
      }
      out.data = data;
      return;
    }
    case "error": {
      // F2: unknown attributes become null with a single `invalid_attribute` error, in key order.
      const sorted = [...keys].sort();
      for (const key of sorted) {
        if (def.silentlyDropped?.has(key)) continue;
        if (input[key] === undefined) continue;
        ctx.path.push(key);
        const node = ctx.meta.at(ctx.path);
        node.clearInner();
        node.children = undefined;
        node.addError("invalid_attribute");
        ctx.path.pop();
        setOwn(out, key, null);
      }
      return;
    }
  }
}

/** `Values<T>`: a bare array, `{"values": [...]}`, or a single object wrapped as one item. */
function parseValues(
  input: unknown,
  item: Ty,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): JsonObject | undefined {
  const valuesMeta = inMeta?.child("values");
  if (Array.isArray(input)) {
    ctx.path.push("values");
    const values = parseArray(input, item, ctx, valuesMeta);
    ctx.path.pop();
    return { values };
  }
  if (isObject(input)) {
    const keys = Object.keys(input);
    if (keys.length === 0) return undefined;
    ctx.path.push("values");
    let values: unknown;
    if (Object.hasOwn(input, "values")) {
      attachInputMeta(ctx, valuesMeta);
      const raw = input.values;
      values = raw === null || raw === undefined ? undefined : parseArray(raw, item, ctx, valuesMeta);
    } else {
      ctx.path.push(0);
      values = [parseItem(input, item, ctx, valuesMeta?.child(0))];
      ctx.path.pop();
    }
    if (values === undefined && !ctx.meta.hasErrors(ctx.path))
      ctx.meta.addError(ctx.path, "missing_attribute");
    ctx.path.pop();
    return values === undefined ? {} : { values };
  }
  recordInvalid(ctx, "expected a list or values object", input);
  return undefined;
}

// --- pair lists -------------------------------------------------------------------------------

function pairItems(input: JsonObject): unknown[] {
  return sortedKeys(input).map((key) => [key, input[key]]);
}

function parsePairs(
  input: unknown,
  variant: PairVariant,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): unknown[] | undefined {
  if (variant === "cookies" && typeof input === "string") return parseCookieString(input, ctx);
  if (variant === "query" && typeof input === "string") return parseQueryString(input);
  let items: unknown[];
  if (Array.isArray(input)) items = input;
  else if (isObject(input)) items = pairItems(input);
  else {
    const reason =
      variant === "cookies"
        ? "expected cookies"
        : variant === "query"
          ? "expected a query string or map"
          : "expected an array";
    recordInvalid(ctx, reason, input);
    return undefined;
  }
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    ctx.path.push(i);
    out[i] = parsePair(items[i], variant, ctx, inMeta?.child(i));
    ctx.path.pop();
  }
  if (variant === "headers" && isObject(input)) {
    // Object-form headers are sorted by normalized name (a stable sort keeps key order for ties).
    out.sort((a, b) => compareHeaderNames(a, b));
  }
  return out;
}

function headerNameOf(pair: unknown): string | undefined {
  if (!Array.isArray(pair)) return undefined;
  return typeof pair[0] === "string" ? pair[0] : undefined;
}

function compareHeaderNames(a: unknown, b: unknown): number {
  const left = headerNameOf(a);
  const right = headerNameOf(b);
  if (left === right) return 0;
  if (left === undefined) return -1;
  if (right === undefined) return 1;
  return left < right ? -1 : 1;
}

function parsePair(
  item: unknown,
  variant: PairVariant,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): unknown {
  attachInputMeta(ctx, inMeta);
  if (item === null || item === undefined) return null;
  if (!Array.isArray(item) || item.length !== 2) {
    recordInvalid(ctx, "expected a tuple", item);
    return null;
  }
  ctx.path.push(0);
  attachInputMeta(ctx, inMeta?.child(0));
  const key = parsePairKey(item[0], variant, ctx);
  ctx.path.pop();
  ctx.path.push(1);
  attachInputMeta(ctx, inMeta?.child(1));
  const value = parsePairValue(item[1], variant, ctx);
  ctx.path.pop();
  return [key ?? null, value ?? null];
}

function parsePairKey(input: unknown, variant: PairVariant, ctx: ParseContext): string | undefined {
  if (input === null || input === undefined) return undefined;
  if (variant === "tags") {
    const key = scalar(ctx, input, parseLenientString(input)) as string | undefined;
    if (key === undefined) return undefined;
    const normalized = key.replaceAll(" ", "-").trim();
    const bad = TAG_KEY_CHARS(normalized);
    if (bad !== undefined) {
      recordInvalid(ctx, `invalid character ${rustDebugChar(bad)}`, normalized);
      return undefined;
    }
    return normalized;
  }
  const key = scalar(ctx, input, parseString(input)) as string | undefined;
  if (key === undefined) return undefined;
  return variant === "headers" ? normalizeHeaderName(key) : key;
}

function parsePairValue(input: unknown, variant: PairVariant, ctx: ParseContext): string | undefined {
  if (input === null || input === undefined) return undefined;
  switch (variant) {
    case "tags": {
      const value = scalar(ctx, input, parseLenientString(input)) as string | undefined;
      if (value === undefined) return undefined;
      const trimmed = value.trim();
      const bad = TAG_VALUE_CHARS(trimmed);
      if (bad !== undefined) {
        recordInvalid(ctx, `invalid character ${rustDebugChar(bad)}`, trimmed);
        return undefined;
      }
      return trimmed;
    }
    case "headers": {
      if (!Array.isArray(input)) return scalar(ctx, input, parseLenientString(input)) as string | undefined;
      // Repeated header values are joined with commas; bad parts only leave their errors.
      let joined = "";
      let first = true;
      for (const part of input) {
        if (part === null || part === undefined) continue;
        const text = parseLenientString(part);
        if (text === undefined) {
          ctx.meta.addError(ctx.path, "invalid_data", {
            reason: scalarError.reason ?? "expected a primitive value",
          });
          continue;
        }
        joined += first ? text : `,${text}`;
        first = false;
      }
      return joined;
    }
    case "query":
      return parseJsonLenientString(sanitizeJson(input));
    case "cookies":
      return scalar(ctx, input, parseString(input)) as string | undefined;
  }
}

function parseCookieString(text: string, ctx: ParseContext): unknown[] {
  const { pairs, errors } = parseCookieHeader(text);
  if (errors.length > 0) {
    const node = ctx.meta.at(ctx.path);
    for (const reason of errors) node.addError("invalid_data", { reason });
    if (!node.hasOriginal) node.setOriginal(text);
  }
  return pairs;
}

// --- special containers -------------------------------------------------------------------------

/** Fingerprints: lenient strings, nulls skipped, unconvertible entries reported together. */
function parseFingerprint(input: unknown, ctx: ParseContext): unknown[] | undefined {
  if (!Array.isArray(input)) {
    recordInvalid(ctx, "expected an array", input);
    return undefined;
  }
  const out: string[] = [];
  let bad: unknown[] | undefined;
  let count = 0;
  for (const item of input) {
    if (item === null || item === undefined) continue;
    count++;
    const text = parseLenientString(item);
    if (text === undefined) {
      bad ??= [];
      bad.push(sanitizeJson(item));
    } else out.push(text);
  }
  if (bad !== undefined) {
    const node = ctx.meta.at(ctx.path);
    node.addError("invalid_data", { value: bad });
    node.setLength(count);
    if (out.length === 0) return undefined;
  }
  return out;
}

function isValidContextType(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

function parseContexts(
  input: unknown,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): JsonObject | undefined {
  if (!isObject(input)) {
    recordInvalid(ctx, "expected an object", input);
    return undefined;
  }
  const out: JsonObject = {};
  for (const key of sortedKeys(input)) {
    const raw = input[key];
    if (raw === undefined) continue;
    ctx.path.push(key);
    const childMeta = inMeta?.child(key);
    attachInputMeta(ctx, childMeta);
    setOwn(out, key, parseContext(key, raw, ctx, childMeta) ?? null);
    ctx.path.pop();
  }
  return out;
}

function parseContext(
  key: string,
  raw: unknown,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): JsonObject | undefined {
  if (raw === null) return undefined;
  if (!isObject(raw)) {
    recordInvalid(ctx, "expected an object", raw);
    return undefined;
  }
  const type = isValidContextType(raw.type) ? raw.type : key;
  const def = CONTEXT_DEFS.get(type);
  if (def === undefined) {
    const clean = sanitizeJson(raw) as JsonObject;
    attachValueMeta(ctx, clean, inMeta);
    const out: JsonObject = {};
    for (const name of sortedKeys(clean)) if (name !== "type") setOwn(out, name, clean[name]);
    out.type = type;
    return sortObject(out);
  }
  const out = parseStruct(raw, def, ctx, inMeta) as JsonObject;
  out.type = type;
  return out;
}

function sortObject(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of sortedKeys(value)) setOwn(out, key, value[key]);
  return out;
}

const DEBUG_IMAGE_TYPES = new Set([
  "macho",
  "elf",
  "pe",
  "pe_dotnet",
  "symbolic",
  "sourcemap",
  "wasm",
  "jvm",
  "proguard",
  "il2cpp",
  "native",
  "dart_symbols",
]);

/** Known image kinds stay free-form; unknown ones are flagged in N12. */
export function isKnownDebugImage(image: unknown): boolean {
  return isObject(image) && typeof image.type === "string" && DEBUG_IMAGE_TYPES.has(image.type);
}

function parseDebugImage(input: unknown, ctx: ParseContext): JsonObject | undefined {
  if (!isObject(input)) {
    recordInvalid(ctx, "expected a debug image", input);
    return undefined;
  }
  const clean = sanitizeJson(input) as JsonObject;
  if (clean.type !== "apple") return clean;
  // N1, the only legacy conversion left: `apple` images are Mach-O images.
  const converted: JsonObject = {};
  for (const key of Object.keys(clean)) {
    if (key === "type") continue;
    const name = key === "uuid" ? "debug_id" : key === "name" ? "code_file" : key;
    setOwn(converted, name, clean[key]);
  }
  converted.type = "macho";
  return converted;
}

function parseFrameVars(
  input: unknown,
  ctx: ParseContext,
  inMeta: MetaNode | undefined,
): JsonObject | undefined {
  if (Array.isArray(input)) {
    // Buggy PHP SDKs send a list; Relay keys it by index.
    const out: JsonObject = {};
    input.forEach((item, index) => {
      out[String(index)] = item === undefined ? null : sanitizeJson(item);
    });
    return out;
  }
  return parseObject(input, { k: "value" }, ctx, inMeta);
}

/** LogEntry from a non-object: a string is the formatted message, `false` means none. */
export function coerceLogEntryInput(input: unknown): unknown {
  if (typeof input === "string") return { formatted: input };
  if (input === false) return null;
  if (isObject(input) || input === null || input === undefined) return input;
  return { formatted: compactJson(sanitizeJson(input)) };
}
