// consumers/normalize/parse.ts
import { normalizeHeaderName, parseCookieHeader, parseQueryString } from "./http-text.js";
import { compactJson, getOwn, isObject, sanitizeJson, setOwn, sortedKeys } from "./json.js";
import {
  CONTEXT_DEFS,
  LOGENTRY,
  MECHANISM,
  TAG_KEY_CHARS,
  TAG_VALUE_CHARS
} from "./schema.js";
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
  scalarError
} from "./values.js";
function recordInvalid(ctx, reason, original) {
  const node = ctx.meta.at(ctx.path);
  if (reason === void 0) node.addError("invalid_data");
  else node.addError("invalid_data", { reason });
  if (original !== void 0 && original !== null) node.setOriginal(sanitizeJson(original));
}
function attachInputMeta(ctx, inMeta) {
  if (inMeta !== void 0 && !inMeta.isInnerEmpty()) ctx.meta.at(ctx.path).mergeInner(inMeta);
}
function attachValueMeta(ctx, value, inMeta) {
  if (inMeta?.children === void 0 || typeof value !== "object" || value === null) return;
  for (const [key, child] of inMeta.children) {
    let item;
    if (Array.isArray(value)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= value.length) continue;
      item = value[index];
    } else {
      item = getOwn(value, key);
      if (item === void 0) continue;
    }
    ctx.path.push(key);
    attachInputMeta(ctx, child);
    attachValueMeta(ctx, item, child);
    ctx.path.pop();
  }
}
function parseField(input, field, ctx, inMeta) {
  if (inMeta === void 0) {
    const kind = field.ty.k;
    if (typeof input === "string") {
      if ((kind === "string" || kind === "lenient" || kind === "jsonLenient") && !field.trim && !field.nonempty && field.badChar === void 0) {
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
  if (input === null || input === void 0) return void 0;
  let value = parseValue(input, field.ty, ctx, inMeta);
  if (value === void 0) return void 0;
  if (typeof value === "string") {
    if (field.trim) value = value.trim();
    if (field.nonempty && value === "" && !ctx.meta.hasInner(ctx.path)) {
      ctx.meta.addError(ctx.path, "invalid_data", { reason: "expected a non-empty string" });
      return void 0;
    }
    if (field.badChar !== void 0) {
      const bad = field.badChar(value);
      if (bad !== void 0) {
        recordInvalid(ctx, `invalid character ${rustDebugChar(bad)}`, value);
        return void 0;
      }
    }
  } else if (field.nonempty && typeof value === "object" && value !== null) {
    const empty = Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
    if (empty && !ctx.meta.hasInner(ctx.path)) {
      ctx.meta.addError(ctx.path, "invalid_data", { reason: "expected a non-empty value" });
      return void 0;
    }
  }
  return value;
}
function rustDebugChar(char) {
  switch (char) {
    case "\n":
      return "'\\n'";
    case "\r":
      return "'\\r'";
    case "	":
      return "'\\t'";
    case "\0":
      return "'\\0'";
    case "'":
      return "'\\''";
    case "\\":
      return "'\\\\'";
  }
  const code = char.codePointAt(0) ?? 0;
  if (code < 32 || code >= 127 && code < 160) return `'\\u{${code.toString(16)}}'`;
  return `'${char}'`;
}
function scalar(ctx, input, value) {
  if (value === void 0) recordInvalid(ctx, scalarError.reason, input);
  return value;
}
function parseValue(input, ty, ctx, inMeta) {
  if (typeof input === "number" && !Number.isFinite(input)) return void 0;
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
      return void 0;
    }
    case "value": {
      const value = sanitizeJson(input);
      attachValueMeta(ctx, value, inMeta);
      return value === null ? void 0 : value;
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
function parseItem(input, ty, ctx, inMeta) {
  attachInputMeta(ctx, inMeta);
  if (input === null || input === void 0) return null;
  return parseValue(input, ty, ctx, inMeta) ?? null;
}
function parseArray(input, item, ctx, inMeta) {
  if (!Array.isArray(input)) {
    recordInvalid(ctx, "expected an array", input);
    return void 0;
  }
  const out = new Array(input.length);
  for (let i = 0; i < input.length; i++) {
    ctx.path.push(i);
    out[i] = parseItem(input[i], item, ctx, inMeta?.child(i));
    ctx.path.pop();
  }
  return out;
}
function parseObject(input, item, ctx, inMeta) {
  if (!isObject(input)) {
    recordInvalid(ctx, "expected an object", input);
    return void 0;
  }
  if (item.k === "value" && inMeta?.children === void 0) {
    const clean = sanitizeJson(input);
    return clean;
  }
  const out = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === void 0) continue;
    ctx.path.push(key);
    setOwn(out, key, parseItem(value, item, ctx, inMeta?.child(key)));
    ctx.path.pop();
  }
  return out;
}
function parseStruct(input, def, ctx, inMeta) {
  if (def === LOGENTRY) {
    input = coerceLogEntryInput(input);
    if (input === null || input === void 0) return void 0;
  } else if (def === MECHANISM && isObject(input)) {
    if (Object.keys(input).length === 0) return void 0;
    if (!Object.hasOwn(input, "type")) input = convertLegacyMechanism(input);
  }
  if (!isObject(input)) {
    recordInvalid(ctx, `expected ${def.expect}`, input);
    return void 0;
  }
  const fields = def.fields;
  let otherKeys;
  const out = {};
  for (const key of Object.keys(input)) {
    const index = def.lookup.get(key);
    if (index === void 0) {
      if (def.contextType !== void 0 && key === "type") continue;
      otherKeys ??= [];
      otherKeys.push(key);
      continue;
    }
    const field = fields[index];
    if (key !== field.name && Object.hasOwn(input, field.name) && input[field.name] !== void 0) continue;
    const raw = input[key];
    if (raw === void 0) continue;
    ctx.path.push(field.name);
    const value = parseField(raw, field, ctx, inMeta?.child(field.name));
    if (value !== void 0) out[field.name] = value;
    ctx.path.pop();
  }
  for (const index of def.requiredIndexes) {
    const field = fields[index];
    if (out[field.name] !== void 0) continue;
    ctx.path.push(field.name);
    if (!ctx.meta.hasErrors(ctx.path)) ctx.meta.addError(ctx.path, "missing_attribute");
    ctx.path.pop();
  }
  if (otherKeys !== void 0) handleOther(input, otherKeys, def, out, ctx, inMeta);
  if (def === LOGENTRY && out.params !== void 0 && typeof out.params !== "object") {
    ctx.path.push("params");
    recordInvalid(ctx, "expected message parameters", out.params);
    ctx.path.pop();
    out.params = void 0;
  }
  return out;
}
function convertLegacyMechanism(input) {
  const meta = {};
  const data = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (key === "posix_signal") {
      if (isObject(value)) {
        meta.signal = {
          number: value.signal,
          code: value.code,
          name: value.name,
          code_name: value.code_name
        };
      } else meta.signal = value;
    } else if (key === "mach_exception") {
      if (isObject(value)) {
        meta.mach_exception = {
          exception: value.exception,
          code: value.code,
          subcode: value.subcode,
          name: value.exception_name
        };
      } else meta.mach_exception = value;
    } else setOwn(data, key, value);
  }
  return { type: "generic", data, meta };
}
function handleOther(input, keys, def, out, ctx, inMeta) {
  switch (def.other) {
    case "drop":
      return;
    case "retain":
      for (const key of keys) {
        const value = input[key];
        if (value === void 0) continue;
        ctx.path.push(key);
        attachInputMeta(ctx, inMeta?.child(key));
        const clean = sanitizeJson(value);
        attachValueMeta(ctx, clean, inMeta?.child(key));
        setOwn(out, key, clean);
        ctx.path.pop();
      }
      return;
    case "userData": {
      let data = out.data;
      if (!isObject(data)) data = {};
      else data = { ...data };
      for (const key of keys) {
        const value = input[key];
        if (value !== void 0) setOwn(data, key, sanitizeJson(value));
      }
      out.data = data;
      return;
    }
    case "error": {
      const sorted = [...keys].sort();
      for (const key of sorted) {
        if (def.silentlyDropped?.has(key)) continue;
        if (input[key] === void 0) continue;
        ctx.path.push(key);
        const node = ctx.meta.at(ctx.path);
        node.clearInner();
        node.children = void 0;
        node.addError("invalid_attribute");
        ctx.path.pop();
        setOwn(out, key, null);
      }
      return;
    }
  }
}
function parseValues(input, item, ctx, inMeta) {
  const valuesMeta = inMeta?.child("values");
  if (Array.isArray(input)) {
    ctx.path.push("values");
    const values = parseArray(input, item, ctx, valuesMeta);
    ctx.path.pop();
    return { values };
  }
  if (isObject(input)) {
    const keys = Object.keys(input);
    if (keys.length === 0) return void 0;
    ctx.path.push("values");
    let values;
    if (Object.hasOwn(input, "values")) {
      attachInputMeta(ctx, valuesMeta);
      const raw = input.values;
      values = raw === null || raw === void 0 ? void 0 : parseArray(raw, item, ctx, valuesMeta);
    } else {
      ctx.path.push(0);
      values = [parseItem(input, item, ctx, valuesMeta?.child(0))];
      ctx.path.pop();
    }
    if (values === void 0 && !ctx.meta.hasErrors(ctx.path))
      ctx.meta.addError(ctx.path, "missing_attribute");
    ctx.path.pop();
    return values === void 0 ? {} : { values };
  }
  recordInvalid(ctx, "expected a list or values object", input);
  return void 0;
}
function pairItems(input) {
  return sortedKeys(input).map((key) => [key, input[key]]);
}
function parsePairs(input, variant, ctx, inMeta) {
  if (variant === "cookies" && typeof input === "string") return parseCookieString(input, ctx);
  if (variant === "query" && typeof input === "string") return parseQueryString(input);
  let items;
  if (Array.isArray(input)) items = input;
  else if (isObject(input)) items = pairItems(input);
  else {
    const reason = variant === "cookies" ? "expected cookies" : variant === "query" ? "expected a query string or map" : "expected an array";
    recordInvalid(ctx, reason, input);
    return void 0;
  }
  const out = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    ctx.path.push(i);
    out[i] = parsePair(items[i], variant, ctx, inMeta?.child(i));
    ctx.path.pop();
  }
  if (variant === "headers" && isObject(input)) {
    out.sort((a, b) => compareHeaderNames(a, b));
  }
  return out;
}
function headerNameOf(pair) {
  if (!Array.isArray(pair)) return void 0;
  return typeof pair[0] === "string" ? pair[0] : void 0;
}
function compareHeaderNames(a, b) {
  const left = headerNameOf(a);
  const right = headerNameOf(b);
  if (left === right) return 0;
  if (left === void 0) return -1;
  if (right === void 0) return 1;
  return left < right ? -1 : 1;
}
function parsePair(item, variant, ctx, inMeta) {
  attachInputMeta(ctx, inMeta);
  if (item === null || item === void 0) return null;
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
function parsePairKey(input, variant, ctx) {
  if (input === null || input === void 0) return void 0;
  if (variant === "tags") {
    const key2 = scalar(ctx, input, parseLenientString(input));
    if (key2 === void 0) return void 0;
    const normalized = key2.replaceAll(" ", "-").trim();
    const bad = TAG_KEY_CHARS(normalized);
    if (bad !== void 0) {
      recordInvalid(ctx, `invalid character ${rustDebugChar(bad)}`, normalized);
      return void 0;
    }
    return normalized;
  }
  const key = scalar(ctx, input, parseString(input));
  if (key === void 0) return void 0;
  return variant === "headers" ? normalizeHeaderName(key) : key;
}
function parsePairValue(input, variant, ctx) {
  if (input === null || input === void 0) return void 0;
  switch (variant) {
    case "tags": {
      const value = scalar(ctx, input, parseLenientString(input));
      if (value === void 0) return void 0;
      const trimmed = value.trim();
      const bad = TAG_VALUE_CHARS(trimmed);
      if (bad !== void 0) {
        recordInvalid(ctx, `invalid character ${rustDebugChar(bad)}`, trimmed);
        return void 0;
      }
      return trimmed;
    }
    case "headers": {
      if (!Array.isArray(input)) return scalar(ctx, input, parseLenientString(input));
      let joined = "";
      let first = true;
      for (const part of input) {
        if (part === null || part === void 0) continue;
        const text = parseLenientString(part);
        if (text === void 0) {
          ctx.meta.addError(ctx.path, "invalid_data", {
            reason: scalarError.reason ?? "expected a primitive value"
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
      return scalar(ctx, input, parseString(input));
  }
}
function parseCookieString(text, ctx) {
  const { pairs, errors } = parseCookieHeader(text);
  if (errors.length > 0) {
    const node = ctx.meta.at(ctx.path);
    for (const reason of errors) node.addError("invalid_data", { reason });
    if (!node.hasOriginal) node.setOriginal(text);
  }
  return pairs;
}
function parseFingerprint(input, ctx) {
  if (!Array.isArray(input)) {
    recordInvalid(ctx, "expected an array", input);
    return void 0;
  }
  const out = [];
  let bad;
  let count = 0;
  for (const item of input) {
    if (item === null || item === void 0) continue;
    count++;
    const text = parseLenientString(item);
    if (text === void 0) {
      bad ??= [];
      bad.push(sanitizeJson(item));
    } else out.push(text);
  }
  if (bad !== void 0) {
    const node = ctx.meta.at(ctx.path);
    node.addError("invalid_data", { value: bad });
    node.setLength(count);
    if (out.length === 0) return void 0;
  }
  return out;
}
function isValidContextType(value) {
  return typeof value === "string" && value !== "";
}
function parseContexts(input, ctx, inMeta) {
  if (!isObject(input)) {
    recordInvalid(ctx, "expected an object", input);
    return void 0;
  }
  const out = {};
  for (const key of sortedKeys(input)) {
    const raw = input[key];
    if (raw === void 0) continue;
    ctx.path.push(key);
    const childMeta = inMeta?.child(key);
    attachInputMeta(ctx, childMeta);
    setOwn(out, key, parseContext(key, raw, ctx, childMeta) ?? null);
    ctx.path.pop();
  }
  return out;
}
function parseContext(key, raw, ctx, inMeta) {
  if (raw === null) return void 0;
  if (!isObject(raw)) {
    recordInvalid(ctx, "expected an object", raw);
    return void 0;
  }
  const type = isValidContextType(raw.type) ? raw.type : key;
  const def = CONTEXT_DEFS.get(type);
  if (def === void 0) {
    const clean = sanitizeJson(raw);
    attachValueMeta(ctx, clean, inMeta);
    const out2 = {};
    for (const name of sortedKeys(clean)) if (name !== "type") setOwn(out2, name, clean[name]);
    out2.type = type;
    return sortObject(out2);
  }
  const out = parseStruct(raw, def, ctx, inMeta);
  out.type = type;
  return out;
}
function sortObject(value) {
  const out = {};
  for (const key of sortedKeys(value)) setOwn(out, key, value[key]);
  return out;
}
var DEBUG_IMAGE_TYPES = /* @__PURE__ */ new Set([
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
  "dart_symbols"
]);
function isKnownDebugImage(image) {
  return isObject(image) && typeof image.type === "string" && DEBUG_IMAGE_TYPES.has(image.type);
}
function parseDebugImage(input, ctx) {
  if (!isObject(input)) {
    recordInvalid(ctx, "expected a debug image", input);
    return void 0;
  }
  const clean = sanitizeJson(input);
  if (clean.type !== "apple") return clean;
  const converted = {};
  for (const key of Object.keys(clean)) {
    if (key === "type") continue;
    const name = key === "uuid" ? "debug_id" : key === "name" ? "code_file" : key;
    setOwn(converted, name, clean[key]);
  }
  converted.type = "macho";
  return converted;
}
function parseFrameVars(input, ctx, inMeta) {
  if (Array.isArray(input)) {
    const out = {};
    input.forEach((item, index) => {
      out[String(index)] = item === void 0 ? null : sanitizeJson(item);
    });
    return out;
  }
  return parseObject(input, { k: "value" }, ctx, inMeta);
}
function coerceLogEntryInput(input) {
  if (typeof input === "string") return { formatted: input };
  if (input === false) return null;
  if (isObject(input) || input === null || input === void 0) return input;
  return { formatted: compactJson(sanitizeJson(input)) };
}
export {
  coerceLogEntryInput,
  isKnownDebugImage,
  parseField,
  parseStruct,
  parseValue,
  rustDebugChar
};
//# sourceMappingURL=parse.js.map
