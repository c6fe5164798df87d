// consumers/normalize/normalize.ts
import { ensureTraceContext, normalizeContexts } from "./contexts.js";
import {
  normalizeBreadcrumbs,
  normalizeDebugMeta,
  normalizeDefaultAttributes,
  normalizeMeasurements,
  normalizePlatformAndLevel
} from "./defaults.js";
import { deriveFields } from "./derived.js";
import { collectErrors, mergeErrors } from "./emit.js";
import { normalizeExceptions, normalizeMechanisms } from "./exceptions.js";
import { Finisher, inSchemaOrder } from "./finalize.js";
import { isObject, JsonTooDeep, setOwn } from "./json.js";
import { normalizeLogEntry } from "./logentry.js";
import { MetaTree, metaNodeFromWire, metaNodeToWire } from "./meta.js";
import { parseStruct } from "./parse.js";
import { normalizeDist, validateReleaseAndEnvironment } from "./release.js";
import { normalizeEventRequest } from "./request.js";
import { EVENT } from "./schema.js";
import { normalizeStacktraces } from "./stacktrace.js";
import { normalizeEventTags } from "./tags.js";
import {
  normalizeTimestamps,
  rejectStaleTimestamps,
  validateTransaction
} from "./timestamps.js";
import { normalizeIpAddresses, normalizeNelReport, normalizeSecurityReport, normalizeUser } from "./user.js";
import { normalizeUserAgent } from "./user-agent.js";
function isRejected(result) {
  return "rejected" in result;
}
function parseEvent(input) {
  const meta = new MetaTree();
  const inMeta = metaNodeFromWire(input._meta);
  if (inMeta !== void 0) meta.root.mergeInner(inMeta);
  const ctx = { meta, path: [] };
  const event = parseStruct(input, EVENT, ctx, inMeta);
  return { event, meta };
}
function runSteps(event, meta, config) {
  normalizeSecurityReport(event, config);
  normalizeNelReport(event, config);
  normalizeIpAddresses(event, config);
  validateReleaseAndEnvironment(event, meta);
  normalizeUser(event);
  normalizeLogEntry(event, "logentry", meta, ["logentry"]);
  normalizeDebugMeta(event, meta);
  normalizeBreadcrumbs(event);
  normalizeDist(event, "dist", meta, ["dist"]);
  normalizeEventTags(event, meta);
  normalizePlatformAndLevel(event);
  normalizeStacktraces(event, meta);
  normalizeExceptions(event, meta);
  if (config.normalizeUserAgent) normalizeUserAgent(event);
  normalizeMeasurements(event, meta);
  normalizeDefaultAttributes(event, meta, config);
  normalizeEventRequest(event, meta);
  normalizeContexts(event, meta, config);
  normalizeMechanisms(event, meta);
  ensureTraceContext(event, meta);
}
function normalizeEvent(input, config) {
  if (!isObject(input)) {
    return { rejected: { reason: "invalid_event", message: "invalid event: expected an object" } };
  }
  let parsed;
  try {
    parsed = parseEvent(input);
  } catch (error) {
    if (error instanceof JsonTooDeep)
      return { rejected: { reason: "too_deep", message: "invalid event: recursion limit exceeded" } };
    throw error;
  }
  const { event, meta } = parsed;
  normalizeTimestamps(event, meta, config);
  const stale = rejectStaleTimestamps(event, meta);
  if (stale !== void 0) return { rejected: stale };
  const invalidTransaction = validateTransaction(event);
  if (invalidTransaction !== void 0) return { rejected: invalidTransaction };
  runSteps(event, meta, config);
  const finished = new Finisher(meta, config.enableTrimming).finishRoot(event, EVENT);
  return complete(finished, meta);
}
function complete(event, meta) {
  const emitted = collectErrors(event, meta);
  const existing = Array.isArray(event.errors) ? event.errors : [];
  event.errors = void 0;
  const errors = emitted.length === 0 ? existing : mergeErrors(existing, emitted);
  return { event, errors, meta: metaNodeToWire(meta.root), derived: deriveFields(event) };
}
var AFTER_ERRORS = new Set(
  EVENT.fields.slice(EVENT.fields.findIndex((field) => field.name === "errors") + 1).map((f) => f.name)
);
function toRelayJson(result) {
  const out = {};
  let placed = result.errors.length === 0;
  const event = inSchemaOrder(result.event, EVENT);
  for (const key of Object.keys(event)) {
    if (!placed && (AFTER_ERRORS.has(key) || !EVENT.lookup.has(key))) {
      out.errors = result.errors;
      placed = true;
    }
    setOwn(out, key, event[key]);
  }
  if (!placed) out.errors = result.errors;
  if (result.meta !== void 0) out._meta = result.meta;
  return out;
}
function toStoredEvent(result) {
  const out = toRelayJson(result);
  out.culprit = result.derived.culprit;
  out.title = result.derived.title;
  if (result.derived.location !== void 0) out.location = result.derived.location;
  out.metadata = result.derived.metadata;
  return out;
}
export {
  isRejected,
  normalizeEvent,
  parseEvent,
  toRelayJson,
  toStoredEvent
};
//# sourceMappingURL=normalize.js.map
