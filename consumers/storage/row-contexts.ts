import {
  compareUtf8,
  contextStringify,
  isObject,
  type JsonObject,
  parseHexU64,
  readOptionalArray,
  readOptionalBool,
  readOptionalObject,
  readOptionalString,
  readOptionalUuid,
  unicodify,
  uuidSimple,
} from "./coerce.ts";
import { RowMappingError } from "./row-errors.ts";

// Contexts, trace and feature flags of an event, flattened the way Snuba's errors processor
// does it (formats.md §4.3): every context but trace/replay/flags as "<name>.<key>" pairs in
// byte order, user.geo as a "geo" context, then a fixed list of trace fields.

export interface ContextColumns {
  readonly keys: string[];
  readonly values: string[];
  readonly traceId: string | null;
  /** Decimal text of the u64 span id (it does not fit a JavaScript number). */
  readonly spanId: string | null;
  readonly traceSampled: number | null;
  readonly replayId: string | null;
  readonly flagKeys: string[];
  readonly flagValues: string[];
}

const TYPED_CONTEXTS = new Set(["trace", "replay", "flags"]);

/** Trace keys copied into `contexts.*` after the generic contexts, in Snuba's order. */
const TRACE_STRING_KEYS = ["client_sample_rate", "op"] as const;

function sortedEntries(object: JsonObject): Array<[string, unknown]> {
  return Object.entries(object).sort(([a], [b]) => compareUtf8(a, b));
}

function appendGeneric(name: string, context: JsonObject, keys: string[], values: string[]): void {
  for (const [key, raw] of sortedEntries(context)) {
    if (key === "type") continue;
    const value = contextStringify(raw);
    if (value === null) continue;
    keys.push(`${name}.${key}`);
    values.push(value);
  }
}

function readFlags(flagsContext: unknown): { keys: string[]; values: string[] } {
  const keys: string[] = [];
  const values: string[] = [];
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

/**
 * @param contextsValue `data.contexts`
 * @param geoValue `data.user.geo`
 */
export function mapContexts(contextsValue: unknown, geoValue: unknown): ContextColumns {
  const contexts = readOptionalObject(contextsValue, "data.contexts");
  const generic = new Map<string, JsonObject>();
  for (const [name, context] of Object.entries(contexts)) {
    if (TYPED_CONTEXTS.has(name)) continue;
    generic.set(name, readOptionalObject(context, `data.contexts.${name}`));
  }
  const geo = readOptionalObject(geoValue, "data.user.geo");
  if (Object.keys(geo).length > 0) generic.set("geo", geo);

  const keys: string[] = [];
  const values: string[] = [];
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
    flagValues: flags.values,
  };
}
