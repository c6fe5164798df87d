// V1–V3: the timestamp window with clock-drift correction, `received`, stale timestamps, and
// the few checks Relay makes on transactions before normalizing them.

import type { NormalizeConfig } from "./config.ts";
import { asArray, asObject, isObject, type JsonObject, shallowCopy } from "./json.ts";
import type { MetaTree } from "./meta.ts";
import { formatRfc3339, formatUtcDisplay, parseTimestamp, roundMicros } from "./values.ts";

/** Relay only trusts `sent_at` for drift of at least 55 minutes (network latency aside). */
const MIN_CLOCK_DRIFT_SECS = 55 * 60;
/** Sentry's `BoundedIntegerField`. */
const MAX_TIME_SPENT = 2_147_483_647;

export type Rejection = { readonly reason: RejectReason; readonly message: string };
export type RejectReason = "stale_timestamp" | "invalid_transaction" | "invalid_event" | "too_deep";

function shiftTimestamp(value: unknown, drift: number): unknown {
  return typeof value === "number" ? roundMicros(value + drift) : value;
}

/** Span timestamps are free-form here; numeric and RFC 3339 forms are shifted alike. */
function shiftSpan(span: unknown, drift: number): unknown {
  if (!isObject(span)) return span;
  let copy: JsonObject | undefined;
  for (const key of ["start_timestamp", "timestamp"]) {
    const raw = span[key];
    if (raw === undefined || raw === null) continue;
    const parsed = parseTimestamp(raw);
    if (!("seconds" in parsed)) continue;
    copy ??= shallowCopy(span);
    copy[key] = roundMicros(parsed.seconds + drift);
  }
  return copy ?? span;
}

/** Shifts every timestamp of the event by `drift` seconds (ClockDriftProcessor). */
function applyDrift(event: JsonObject, drift: number): void {
  if (event.timestamp !== undefined) event.timestamp = shiftTimestamp(event.timestamp, drift);
  if (event.start_timestamp !== undefined)
    event.start_timestamp = shiftTimestamp(event.start_timestamp, drift);
  if (event.received !== undefined) event.received = shiftTimestamp(event.received, drift);
  const crumbs = asArray(asObject(event.breadcrumbs)?.values);
  if (crumbs !== undefined) {
    for (const crumb of crumbs) {
      if (isObject(crumb) && crumb.timestamp !== undefined)
        crumb.timestamp = shiftTimestamp(crumb.timestamp, drift);
    }
  }
  const spans = asArray(event.spans);
  if (spans !== undefined) event.spans = spans.map((span) => shiftSpan(span, drift));
}

/**
 * V1: window check and drift correction. An out-of-window event is not dropped: all its
 * timestamps move by (received − timestamp) and the error lands on `_meta.timestamp`.
 */
export function normalizeTimestamps(event: JsonObject, meta: MetaTree, config: NormalizeConfig): void {
  const receivedAt = config.receivedAt;
  let sentAt: number | undefined;
  let kind = "clock_drift";

  if (
    config.sentAt !== undefined &&
    Math.abs(Math.trunc(receivedAt - config.sentAt)) >= MIN_CLOCK_DRIFT_SECS
  ) {
    sentAt = config.sentAt;
  }
  const timestamp = event.timestamp;
  if (typeof timestamp === "number") {
    if (config.maxSecsInFuture !== undefined && timestamp > receivedAt + config.maxSecsInFuture) {
      kind = "future_timestamp";
      sentAt = timestamp;
    } else if (config.maxSecsInPast !== undefined && timestamp < receivedAt - config.maxSecsInPast) {
      kind = "past_timestamp";
      sentAt = timestamp;
    }
  }
  if (sentAt !== undefined) {
    applyDrift(event, receivedAt - sentAt);
    meta.addError(["timestamp"], kind, {
      sdk_time: formatRfc3339(sentAt),
      server_time: formatRfc3339(receivedAt),
    });
  }
  event.received = roundMicros(receivedAt);
  if (event.timestamp === undefined) event.timestamp = roundMicros(receivedAt);
  if (typeof event.time_spent === "number" && event.time_spent >= MAX_TIME_SPENT)
    event.time_spent = undefined;
}

/**
 * V2: timestamps before 1970. The event itself is rejected (Relay's message says "transaction"
 * for every event type); stale breadcrumbs and spans are removed with an error.
 */
export function rejectStaleTimestamps(event: JsonObject, meta: MetaTree): Rejection | undefined {
  for (const key of ["timestamp", "start_timestamp"]) {
    const value = event[key];
    if (typeof value === "number" && value < 0) {
      return { reason: "stale_timestamp", message: "invalid transaction event: timestamp is too stale" };
    }
  }
  const crumbs = asArray(asObject(event.breadcrumbs)?.values);
  if (crumbs !== undefined) {
    for (let i = 0; i < crumbs.length; i++) {
      const crumb = crumbs[i];
      if (!isObject(crumb) || typeof crumb.timestamp !== "number" || crumb.timestamp >= 0) continue;
      const path = ["breadcrumbs", "values", i];
      meta.remove(path);
      meta.addError(path, "invalid_data", {
        reason: `timestamp is too stale: ${formatUtcDisplay(crumb.timestamp)}`,
      });
      crumbs[i] = null;
    }
  }
  const spans = asArray(event.spans);
  if (spans !== undefined) {
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      if (!isObject(span)) continue;
      for (const key of ["start_timestamp", "timestamp"]) {
        const parsed = span[key] === undefined || span[key] === null ? undefined : parseTimestamp(span[key]);
        if (parsed === undefined || !("seconds" in parsed) || parsed.seconds >= 0) continue;
        const path = ["spans", i];
        meta.remove(path);
        meta.addError(path, "invalid_data", {
          reason: `${key} is too stale: ${formatUtcDisplay(parsed.seconds)}`,
        });
        spans[i] = null;
        break;
      }
    }
  }
  return undefined;
}

/** V3: what Relay requires of a transaction before normalizing it. */
export function validateTransaction(event: JsonObject): Rejection | undefined {
  if (event.type !== "transaction") return undefined;
  const reject = (message: string): Rejection => ({
    reason: "invalid_transaction",
    message: `invalid transaction event: ${message}`,
  });
  if (typeof event.timestamp !== "number") return reject("timestamp hard-required for transaction events");
  if (typeof event.start_timestamp !== "number")
    return reject("start_timestamp hard-required for transaction events");
  if (event.timestamp < event.start_timestamp) return reject("end timestamp is smaller than start timestamp");
  const trace = asObject(asObject(event.contexts)?.trace);
  if (trace === undefined || trace.type !== "trace") return reject("missing valid trace context");
  if (typeof trace.trace_id !== "string") return reject("trace context is missing trace_id");
  if (typeof trace.span_id !== "string") return reject("trace context is missing span_id");
  for (const span of asArray(event.spans) ?? []) {
    if (!isObject(span)) return reject("spans must be valid in transaction event");
    const start =
      span.start_timestamp === undefined || span.start_timestamp === null
        ? undefined
        : parseTimestamp(span.start_timestamp);
    const end =
      span.timestamp === undefined || span.timestamp === null ? undefined : parseTimestamp(span.timestamp);
    if (end === undefined || !("seconds" in end)) return reject("span is missing timestamp");
    if (start === undefined || !("seconds" in start)) return reject("span is missing start_timestamp");
    if (end.seconds < start.seconds) return reject("end timestamp is smaller than start timestamp");
    if (typeof span.trace_id !== "string") return reject("span is missing trace_id");
    if (typeof span.span_id !== "string") return reject("span is missing span_id");
  }
  return undefined;
}
