// consumers/storage/row-contexts.ts
import {
  compareUtf8,
  contextStringify,
  isObject,
  parseHexU64,
  readOptionalArray,
  readOptionalBool,
  readOptionalObject,
  readOptionalString,
  readOptionalUuid,
  unicodify,
  uuidSimple
} from "./coerce.js";
import { RowMappingError } from "./row-errors.js";
var TYPED_CONTEXTS = /* @__PURE__ */ new Set(["trace", "replay", "flags"]);
var TRACE_STRING_KEYS = ["client_sample_rate", "op"];
function sortedEntries(object) {
  return Object.entries(object).sort(([a], [b]) => compareUtf8(a, b));
}
function appendGeneric(name, context, keys, values) {
  for (const [key, raw] of sortedEntries(context)) {
    if (key === "type") continue;
    const value = contextStringify(raw);
    if (value === null) continue;
    keys.push(`${name}.${key}`);
    values.push(value);
  }
}
function readFlags(flagsContext) {
  const keys = [];
  const values = [];
  const context = readOptionalObject(flagsContext, "data.contexts.flags");
  const items = readOptionalArray(context.values, "data.contexts.flags.values") ?? [];
  items.forEach((item, index) => {
    if (item === null) return;
    if (!isObject(item)) {
      throw new RowMappingError("invalid_field", `data.contexts.flags.values.${index}`, "expected an object");
    }
    const flag = unicodify(item.flag);
    const result = unicodify(item.result);
    if (flag === null || result === null) return;
    keys.push(flag);
    values.push(result);
  });
  return { keys, values };
}
function mapContexts(contextsValue, geoValue) {
  const contexts = readOptionalObject(contextsValue, "data.contexts");
  const generic = /* @__PURE__ */ new Map();
  for (const [name, context] of Object.entries(contexts)) {
    if (TYPED_CONTEXTS.has(name)) continue;
    generic.set(name, readOptionalObject(context, `data.contexts.${name}`));
  }
  const geo = readOptionalObject(geoValue, "data.user.geo");
  if (Object.keys(geo).length > 0) generic.set("geo", geo);
  const keys = [];
  const values = [];
  for (const name of [...generic.keys()].sort(compareUtf8)) {
    appendGeneric(name, generic.get(name) ?? {}, keys, values);
  }
  const trace = readOptionalObject(contexts.trace, "data.contexts.trace");
  const traceId = readOptionalUuid(trace.trace_id, "data.contexts.trace.trace_id");
  const spanIdText = readOptionalString(trace.span_id, "data.contexts.trace.span_id");
  const sampled = readOptionalBool(trace.sampled, "data.contexts.trace.sampled");
  for (const key of TRACE_STRING_KEYS) {
    const value = contextStringify(trace[key]);
    if (value !== null) {
      keys.push(`trace.${key}`);
      values.push(value);
    }
  }
  if (spanIdText !== null) {
    keys.push("trace.span_id");
    values.push(spanIdText);
  }
  const status = contextStringify(trace.status);
  if (status !== null) {
    keys.push("trace.status");
    values.push(status);
  }
  if (traceId !== null) {
    keys.push("trace.trace_id");
    values.push(uuidSimple(traceId));
  }
  const parentSpanId = contextStringify(trace.parent_span_id);
  if (parentSpanId !== null) {
    keys.push("trace.parent_span_id");
    values.push(parentSpanId);
  }
  const replay = readOptionalObject(contexts.replay, "data.contexts.replay");
  const flags = readFlags(contexts.flags);
  return {
    keys,
    values,
    traceId,
    spanId: spanIdText === null ? null : parseHexU64(spanIdText),
    traceSampled: sampled === null ? null : Number(sampled),
    replayId: readOptionalUuid(replay.replay_id, "data.contexts.replay.replay_id"),
    flagKeys: flags.keys,
    flagValues: flags.values
  };
}
export {
  mapContexts
};
//# sourceMappingURL=row-contexts.js.map
