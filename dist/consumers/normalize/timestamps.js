// consumers/normalize/timestamps.ts
import { asArray, asObject, isObject, shallowCopy } from "./json.js";
import { formatRfc3339, formatUtcDisplay, parseTimestamp, roundMicros } from "./values.js";
var MIN_CLOCK_DRIFT_SECS = 55 * 60;
var MAX_TIME_SPENT = 2147483647;
function shiftTimestamp(value, drift) {
  return typeof value === "number" ? roundMicros(value + drift) : value;
}
function shiftSpan(span, drift) {
  if (!isObject(span)) return span;
  let copy;
  for (const key of ["start_timestamp", "timestamp"]) {
    const raw = span[key];
    if (raw === void 0 || raw === null) continue;
    const parsed = parseTimestamp(raw);
    if (!("seconds" in parsed)) continue;
    copy ??= shallowCopy(span);
    copy[key] = roundMicros(parsed.seconds + drift);
  }
  return copy ?? span;
}
function applyDrift(event, drift) {
  if (event.timestamp !== void 0) event.timestamp = shiftTimestamp(event.timestamp, drift);
  if (event.start_timestamp !== void 0)
    event.start_timestamp = shiftTimestamp(event.start_timestamp, drift);
  if (event.received !== void 0) event.received = shiftTimestamp(event.received, drift);
  const crumbs = asArray(asObject(event.breadcrumbs)?.values);
  if (crumbs !== void 0) {
    for (const crumb of crumbs) {
      if (isObject(crumb) && crumb.timestamp !== void 0)
        crumb.timestamp = shiftTimestamp(crumb.timestamp, drift);
    }
  }
  const spans = asArray(event.spans);
  if (spans !== void 0) event.spans = spans.map((span) => shiftSpan(span, drift));
}
function normalizeTimestamps(event, meta, config) {
  const receivedAt = config.receivedAt;
  let sentAt;
  let kind = "clock_drift";
  if (config.sentAt !== void 0 && Math.abs(Math.trunc(receivedAt - config.sentAt)) >= MIN_CLOCK_DRIFT_SECS) {
    sentAt = config.sentAt;
  }
  const timestamp = event.timestamp;
  if (typeof timestamp === "number") {
    if (config.maxSecsInFuture !== void 0 && timestamp > receivedAt + config.maxSecsInFuture) {
      kind = "future_timestamp";
      sentAt = timestamp;
    } else if (config.maxSecsInPast !== void 0 && timestamp < receivedAt - config.maxSecsInPast) {
      kind = "past_timestamp";
      sentAt = timestamp;
    }
  }
  if (sentAt !== void 0) {
    applyDrift(event, receivedAt - sentAt);
    meta.addError(["timestamp"], kind, {
      sdk_time: formatRfc3339(sentAt),
      server_time: formatRfc3339(receivedAt)
    });
  }
  event.received = roundMicros(receivedAt);
  if (event.timestamp === void 0) event.timestamp = roundMicros(receivedAt);
  if (typeof event.time_spent === "number" && event.time_spent >= MAX_TIME_SPENT)
    event.time_spent = void 0;
}
function rejectStaleTimestamps(event, meta) {
  for (const key of ["timestamp", "start_timestamp"]) {
    const value = event[key];
    if (typeof value === "number" && value < 0) {
      return { reason: "stale_timestamp", message: "invalid transaction event: timestamp is too stale" };
    }
  }
  const crumbs = asArray(asObject(event.breadcrumbs)?.values);
  if (crumbs !== void 0) {
    for (let i = 0; i < crumbs.length; i++) {
      const crumb = crumbs[i];
      if (!isObject(crumb) || typeof crumb.timestamp !== "number" || crumb.timestamp >= 0) continue;
      const path = ["breadcrumbs", "values", i];
      meta.remove(path);
      meta.addError(path, "invalid_data", {
        reason: `timestamp is too stale: ${formatUtcDisplay(crumb.timestamp)}`
      });
      crumbs[i] = null;
    }
  }
  const spans = asArray(event.spans);
  if (spans !== void 0) {
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      if (!isObject(span)) continue;
      for (const key of ["start_timestamp", "timestamp"]) {
        const parsed = span[key] === void 0 || span[key] === null ? void 0 : parseTimestamp(span[key]);
        if (parsed === void 0 || !("seconds" in parsed) || parsed.seconds >= 0) continue;
        const path = ["spans", i];
        meta.remove(path);
        meta.addError(path, "invalid_data", {
          reason: `${key} is too stale: ${formatUtcDisplay(parsed.seconds)}`
        });
        spans[i] = null;
        break;
      }
    }
  }
  return void 0;
}
function validateTransaction(event) {
  if (event.type !== "transaction") return void 0;
  const reject = (message) => ({
    reason: "invalid_transaction",
    message: `invalid transaction event: ${message}`
  });
  if (typeof event.timestamp !== "number") return reject("timestamp hard-required for transaction events");
  if (typeof event.start_timestamp !== "number")
    return reject("start_timestamp hard-required for transaction events");
  if (event.timestamp < event.start_timestamp) return reject("end timestamp is smaller than start timestamp");
  const trace = asObject(asObject(event.contexts)?.trace);
  if (trace === void 0 || trace.type !== "trace") return reject("missing valid trace context");
  if (typeof trace.trace_id !== "string") return reject("trace context is missing trace_id");
  if (typeof trace.span_id !== "string") return reject("trace context is missing span_id");
  for (const span of asArray(event.spans) ?? []) {
    if (!isObject(span)) return reject("spans must be valid in transaction event");
    const start = span.start_timestamp === void 0 || span.start_timestamp === null ? void 0 : parseTimestamp(span.start_timestamp);
    const end = span.timestamp === void 0 || span.timestamp === null ? void 0 : parseTimestamp(span.timestamp);
    if (end === void 0 || !("seconds" in end)) return reject("span is missing timestamp");
    if (start === void 0 || !("seconds" in start)) return reject("span is missing start_timestamp");
    if (end.seconds < start.seconds) return reject("end timestamp is smaller than start timestamp");
    if (typeof span.trace_id !== "string") return reject("span is missing trace_id");
    if (typeof span.span_id !== "string") return reject("span is missing span_id");
  }
  return void 0;
}
export {
  normalizeTimestamps,
  rejectStaleTimestamps,
  validateTransaction
};
//# sourceMappingURL=timestamps.js.map
