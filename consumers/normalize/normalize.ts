// Relay's store normalization of one event, as a pure function (spec normalization.md §2):
// parse and schema checks (P2, N2, F2), timestamp validation (V1–V3), the normalization steps
// (N4–N28), trimming (F1), errors (F3), and Sentry's derived fields (S1–S4). No I/O and no
// clock: the received time, client IP and SDK string come in the config.

import { type DerivedFields, deriveFields } from "../../schemas/event-derived.ts";
import type { NormalizeConfig } from "./config.ts";
import { ensureTraceContext, normalizeContexts } from "./contexts.ts";
import {
  normalizeBreadcrumbs,
  normalizeDebugMeta,
  normalizeDefaultAttributes,
  normalizeMeasurements,
  normalizePlatformAndLevel,
} from "./defaults.ts";
import { collectErrors, mergeErrors } from "./emit.ts";
import { normalizeExceptions, normalizeMechanisms } from "./exceptions.ts";
import { Finisher, inSchemaOrder } from "./finalize.ts";
import { isObject, type JsonObject, JsonTooDeep, setOwn } from "./json.ts";
import { normalizeLogEntry } from "./logentry.ts";
import { MetaTree, metaNodeFromWire, metaNodeToWire } from "./meta.ts";
import { type ParseContext, parseStruct } from "./parse.ts";
import { normalizeDist, validateReleaseAndEnvironment } from "./release.ts";
import { normalizeEventRequest } from "./request.ts";
import { EVENT } from "./schema.ts";
import { normalizeStacktraces } from "./stacktrace.ts";
import { normalizeEventTags } from "./tags.ts";
import {
  normalizeTimestamps,
  type Rejection,
  rejectStaleTimestamps,
  validateTransaction,
} from "./timestamps.ts";
import { normalizeIpAddresses, normalizeNelReport, normalizeSecurityReport, normalizeUser } from "./user.ts";
import { normalizeUserAgent } from "./user-agent.ts";

export type { DerivedFields } from "../../schemas/event-derived.ts";
export type { EventProcessingError } from "./emit.ts";
export type { Rejection, RejectReason } from "./timestamps.ts";

export interface NormalizedEvent {
  /** The event as Relay outputs it, without `errors` and `_meta`. */
  readonly event: JsonObject;
  /** Relay's `errors`: what the client sent plus one entry per meta error. */
  readonly errors: readonly unknown[];
  /** Relay's `_meta` tree in wire form, or undefined when nothing was annotated. */
  readonly meta: JsonObject | undefined;
  /** Sentry's save-step fields: title, culprit, location, metadata. */
  readonly derived: DerivedFields;
}

export interface NormalizeRejection {
  readonly rejected: Rejection;
}

export type NormalizeResult = NormalizedEvent | NormalizeRejection;

export function isRejected(result: NormalizeResult): result is NormalizeRejection {
  return "rejected" in result;
}

/** The typed event after parsing, with its meta; exported for the unit-level entry points. */
export interface ParsedEvent {
  readonly event: JsonObject;
  readonly meta: MetaTree;
}

/** P2 + N2 + F2 on a whole event. Throws `JsonTooDeep` for payloads nested past 128 levels. */
export function parseEvent(input: JsonObject): ParsedEvent {
  const meta = new MetaTree();
  const inMeta = metaNodeFromWire(input._meta);
  if (inMeta !== undefined) meta.root.mergeInner(inMeta);
  const ctx: ParseContext = { meta, path: [] };
  const event = parseStruct(input, EVENT, ctx, inMeta) as JsonObject;
  return { event, meta };
}

function runSteps(event: JsonObject, meta: MetaTree, config: NormalizeConfig): void {
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

export function normalizeEvent(input: unknown, config: NormalizeConfig): NormalizeResult {
  if (!isObject(input)) {
    return { rejected: { reason: "invalid_event", message: "invalid event: expected an object" } };
  }
  let parsed: ParsedEvent;
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
  if (stale !== undefined) return { rejected: stale };
  const invalidTransaction = validateTransaction(event);
  if (invalidTransaction !== undefined) return { rejected: invalidTransaction };

  runSteps(event, meta, config);
  const finished = new Finisher(meta, config.enableTrimming).finishRoot(event, EVENT);
  return complete(finished, meta);
}

/** F3 and the derived fields, on a finished event. */
function complete(event: JsonObject, meta: MetaTree): NormalizedEvent {
  const emitted = collectErrors(event, meta);
  const existing = Array.isArray(event.errors) ? event.errors : [];
  if (event.errors !== undefined) event.errors = undefined;
  const errors = emitted.length === 0 ? existing : mergeErrors(existing, emitted);
  return { event, errors, meta: metaNodeToWire(meta.root), derived: deriveFields(event) };
}

/** Fields after `errors` in Relay's field order: `errors` is written just before them. */
const AFTER_ERRORS = new Set(
  EVENT.fields.slice(EVENT.fields.findIndex((field) => field.name === "errors") + 1).map((f) => f.name),
);

/** The event in Relay's wire form: payload, `errors` and `_meta`. */
export function toRelayJson(result: NormalizedEvent): JsonObject {
  const out: JsonObject = {};
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
  if (result.meta !== undefined) out._meta = result.meta;
  return out;
}

/** What the pipeline stores: Relay's wire form plus Sentry's derived fields. */
export function toStoredEvent(result: NormalizedEvent): JsonObject {
  const out = toRelayJson(result);
  out.culprit = result.derived.culprit;
  out.title = result.derived.title;
  if (result.derived.location !== undefined) out.location = result.derived.location;
  out.metadata = result.derived.metadata;
  return out;
}

export type { NormalizeConfig } from "./config.ts";
