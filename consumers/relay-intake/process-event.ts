import type {
  EventKind,
  EventRawRecord,
  ProcessingError,
  StoredAttachment,
} from "../../schemas/avro/types.ts";
import { type JsonObject, type PayloadLimits, parseEventPayload } from "../../schemas/json-payload.ts";
import type { RelayEventMessage } from "../../schemas/relay/types.ts";
import { IntakeRuleError } from "./reasons.ts";

// What relay-intake reads out of an event message's payload, and the `events-raw` record it
// builds. The payload is parsed once, bounded (size, depth), only to check it and to lift a
// few header fields; what goes on is the text Relay wrote, so nothing the parser would
// normalize (large integers, key order) changes on the way. A `__proto__` key at any depth
// is hostile input here: the payload is refused (`proto-key`) and dead-lettered with its
// bytes rather than stored with a key every later reader would have to defuse.

export interface EventFacts {
  /** The payload text as produced: Relay's, with `event_id` appended when it had none. */
  readonly payloadText: string;
  readonly kind: EventKind;
  /** Receive time in float Unix seconds: the payload's `received`, else `start_time`. */
  readonly received: number;
  /** `sdk.name/sdk.version` of the payload, when both are strings. */
  readonly client: string | null;
}

/** Relay's hex form of an id: no dashes, lowercase (it accepts both spellings on input). */
export function simpleEventId(value: string): string {
  return value.replaceAll("-", "").toLowerCase();
}

/**
 * Parses and checks an event payload. Throws `DecodeError` (payload-too-large, too-deep,
 * invalid-utf8, invalid-json, payload-not-json-object, proto-key) or `IntakeRuleError`
 * (event-id-mismatch).
 */
export function readEventPayload(message: RelayEventMessage, limits: PayloadLimits): EventFacts {
  const event = parseEventPayload(message.payload, limits, "reject");
  const text = message.payload.toString("utf8");
  return {
    payloadText: withEventId(event, text, message.event_id),
    kind: eventKind(event),
    received: receivedSeconds(event, message.start_time),
    client: sdkClient(event),
  };
}

/**
 * Relay's normalization guarantees the payload's id equals the message's (specs/formats.md
 * §6.4); a payload without one gets the message's. It is appended as the object's last key:
 * with duplicate keys every JSON reader here takes the last one, so an explicit
 * `"event_id": null` is overridden too, and the rest of the text stays byte for byte.
 */
function withEventId(event: JsonObject, text: string, eventId: string): string {
  const own = event.event_id;
  if (own === undefined || own === null) {
    const close = text.lastIndexOf("}");
    const open = text.indexOf("{");
    const empty = text.slice(open + 1, close).trim() === "";
    return `${text.slice(0, close)}${empty ? "" : ","}"event_id":"${eventId}"${text.slice(close)}`;
  }
  if (typeof own !== "string") {
    throw new IntakeRuleError(
      "event-id-mismatch",
      `payload event_id is a ${typeOf(own)}, message has ${eventId}`,
    );
  }
  if (simpleEventId(own) !== eventId) {
    throw new IntakeRuleError(
      "event-id-mismatch",
      `payload event_id ${JSON.stringify(own.slice(0, 64))} differs from the message's ${eventId}`,
    );
  }
  return text;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** How Sentry's ingest consumer dispatches: transactions and feedback apart, the rest as errors. */
function eventKind(event: JsonObject): EventKind {
  const type = event.type;
  if (type === "transaction") return "transaction";
  if (type === "feedback") return "feedback";
  return "event";
}

function receivedSeconds(event: JsonObject, startTime: number): number {
  const received = event.received;
  if (typeof received === "number" && Number.isFinite(received) && received >= 0) return received;
  if (typeof received === "string") {
    const ms = Date.parse(received);
    if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  }
  return startTime;
}

function sdkClient(event: JsonObject): string | null {
  const sdk = event.sdk;
  if (typeof sdk !== "object" || sdk === null || Array.isArray(sdk)) return null;
  const { name, version } = sdk;
  return typeof name === "string" && typeof version === "string" ? `${name}/${version}` : null;
}

export interface EventRecordInput {
  readonly message: RelayEventMessage;
  readonly facts: EventFacts;
  readonly organizationId: number;
  readonly sourceTopic: string;
  readonly attachments: StoredAttachment[];
  readonly processingErrors: ProcessingError[];
  /** Unix milliseconds. */
  readonly now: number;
}

export function eventRawRecord(input: EventRecordInput): EventRawRecord {
  const { message, facts } = input;
  return {
    kind: facts.kind,
    event_id: message.event_id,
    project_id: message.project_id,
    organization_id: input.organizationId,
    source_topic: input.sourceTopic,
    start_time: message.start_time,
    received: facts.received,
    ingested_at_ms: input.now,
    remote_addr: message.remote_addr ?? null,
    client: facts.client,
    attachments: input.attachments,
    processing_errors: input.processingErrors,
    payload: facts.payloadText,
  };
}
