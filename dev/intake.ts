import { randomUUID } from "node:crypto";
import { inflateSync } from "node:zlib";
import type { KafkaPayload } from "../pipelines/types.ts";
import type { Producer } from "../producers/types.ts";
import { encodeRelayMessage, eventIdToKey } from "../schemas/relay/codec.ts";
import type { ChunkedAttachment, RelayEventMessage, RelayMessage } from "../schemas/relay/types.ts";
import {
  type Envelope,
  type EnvelopeItem,
  isUuid,
  type JsonObject,
  normalizeEventId,
  parseJsonObject,
} from "./envelope.ts";
import { HttpProblem } from "./problems.ts";

// What Relay's store service puts on Kafka for one request (relay-server `services/store.rs`,
// formats.md §2.1/2.2), built as a plan first (pure, testable) and then produced in order.
//
// Routing: the event-like item (event, transaction, security) is taken out of the envelope;
// if any attachment or user_report item is left, everything goes to `ingest-attachments`;
// else a transaction goes to `ingest-transactions`, anything else to `ingest-events`.
// Items are handled in envelope order: an attachment's chunks (or, without an error event,
// its standalone `attachment` message), user reports, feedback; the event message comes
// last and carries the descriptors of the chunked attachments. Every message is keyed by
// the event UUID's 16 bytes, so all of them land on one partition in that order.
//
// Relay normalizes the event before producing; in this pipeline the normalize consumer does
// that, so payloads pass through byte for byte (only checked to be JSON objects).

/** Relay's `attachment_chunk_size` default: 1 MiB. */
export const ATTACHMENT_CHUNK_SIZE = 1024 * 1024;
const UNNAMED_ATTACHMENT = "Unnamed Attachment";
const DEFAULT_ATTACHMENT_TYPE = "event.attachment";

/**
 * Where each kind of message goes. This pipeline only consumes errors: `transactions` and
 * `feedback` may be null, and those items are then counted as dropped instead of produced
 * to a topic nobody reads (or that the in-memory broker does not have).
 */
export interface RelayTopics {
  readonly events: string;
  readonly attachments: string;
  readonly transactions: string | null;
  readonly feedback: string | null;
}

/** Relay's default topic names. */
export const RELAY_TOPICS: RelayTopics = {
  events: "ingest-events",
  attachments: "ingest-attachments",
  transactions: "ingest-transactions",
  feedback: "ingest-feedback-events",
};

/** Item types whose payload becomes the `event` message. */
const EVENT_ITEM_TYPES = new Set(["event", "transaction", "security"]);
/** Item types Relay sends elsewhere (sessions, metrics, replays, ...): counted and dropped here. */
export const ITEM_TYPE_LABELS = [
  "event",
  "transaction",
  "security",
  "attachment",
  "user_report",
  "feedback",
  "session",
  "sessions",
  "client_report",
  "other",
] as const;
export type ItemTypeLabel = (typeof ITEM_TYPE_LABELS)[number];

export function itemTypeLabel(type: string): ItemTypeLabel {
  return (ITEM_TYPE_LABELS as ReadonlyArray<string>).includes(type) ? (type as ItemTypeLabel) : "other";
}

export interface IntakeContext {
  readonly projectId: number;
  /** Receive time, Unix seconds (Relay's `start_time`). */
  readonly startTime: number;
  readonly remoteAddr: string | null;
  readonly topics: RelayTopics;
  /** Largest event/transaction/feedback payload (Relay's `max_event_size`). */
  readonly maxEventBytes: number;
}

export interface PlannedMessage {
  readonly topic: string;
  /** The event id whose 16 bytes key the message (user reports carry it only there). */
  readonly eventId: string;
  readonly message: RelayMessage;
}

export interface IntakePlan {
  /** The id answered to the SDK; undefined for envelopes without event-bound items. */
  readonly eventId: string | undefined;
  readonly messages: PlannedMessage[];
  /** Items accepted by type label, and items dropped (not forwarded to our topics). */
  readonly produced: Map<ItemTypeLabel, number>;
  readonly dropped: Map<ItemTypeLabel, number>;
}

function increment(counts: Map<ItemTypeLabel, number>, type: string): void {
  const label = itemTypeLabel(type);
  counts.set(label, (counts.get(label) ?? 0) + 1);
}

function checkEventSize(payload: Buffer, type: string, context: IntakeContext): void {
  if (payload.length > context.maxEventBytes) {
    throw new HttpProblem(
      "too_large",
      `${type} item exceeds the event size limit of ${context.maxEventBytes} bytes`,
    );
  }
}

function newEventId(): string {
  return randomUUID().replaceAll("-", "");
}

function eventMessage(
  eventId: string,
  payload: Buffer,
  context: IntakeContext,
  attachments: ChunkedAttachment[],
) {
  const message: RelayEventMessage = {
    type: "event",
    payload,
    start_time: context.startTime,
    event_id: eventId,
    project_id: context.projectId,
    remote_addr: context.remoteAddr,
    attachments,
  };
  return message;
}

/**
 * The messages for one attachment item: chunks then (standalone) the `attachment` message,
 * or chunks only, returning the descriptor for the event message.
 */
function planAttachment(
  item: EnvelopeItem,
  eventId: string,
  standalone: boolean,
  context: IntakeContext,
  out: PlannedMessage[],
): ChunkedAttachment {
  const id = newEventId();
  const size = item.payload.length;
  let chunks = 0;
  let data: Buffer | undefined;
  // A standalone attachment smaller than a chunk travels inline, as Relay does, saving the
  // consumer a round trip through its chunk cache; empty ones have neither data nor chunks.
  if (standalone && size < ATTACHMENT_CHUNK_SIZE) {
    if (size > 0) data = item.payload;
  } else {
    for (let offset = 0; offset < size; offset += ATTACHMENT_CHUNK_SIZE) {
      out.push({
        topic: context.topics.attachments,
        eventId,
        message: {
          type: "attachment_chunk",
          payload: item.payload.subarray(offset, Math.min(size, offset + ATTACHMENT_CHUNK_SIZE)),
          event_id: eventId,
          project_id: context.projectId,
          id,
          chunk_index: chunks,
        },
      });
      chunks += 1;
    }
  }
  const attachment: ChunkedAttachment = {
    id,
    name: item.filename ?? UNNAMED_ATTACHMENT,
    ...(item.contentType !== undefined ? { content_type: item.contentType } : {}),
    attachment_type: item.attachmentType ?? DEFAULT_ATTACHMENT_TYPE,
    chunks,
    ...(data !== undefined ? { data } : {}),
    size,
    rate_limited: false,
  };
  if (standalone) {
    out.push({
      topic: context.topics.attachments,
      eventId,
      message: { type: "attachment", event_id: eventId, project_id: context.projectId, attachment },
    });
  }
  return attachment;
}

/** The id Relay keys everything by: the envelope header's, else the event payload's, else a new one. */
function envelopeEventId(envelope: Envelope, eventPayload: JsonObject | undefined): string {
  return envelope.headers.eventId ?? normalizeEventId(eventPayload?.event_id) ?? newEventId();
}

/** Plans the messages of one envelope. Throws `HttpProblem` for payloads Relay would refuse. */
export function planEnvelope(envelope: Envelope, context: IntakeContext): IntakePlan {
  const produced = new Map<ItemTypeLabel, number>();
  const dropped = new Map<ItemTypeLabel, number>();
  let eventItem: EnvelopeItem | undefined;
  let eventPayload: JsonObject | undefined;
  let slow = false;
  let needsEventId = false;
  for (const item of envelope.items) {
    if (EVENT_ITEM_TYPES.has(item.type)) {
      if (eventItem) throw new HttpProblem("bad_envelope", `duplicate event item of type ${item.type}`);
      checkEventSize(item.payload, item.type, context);
      eventItem = item;
      eventPayload = parseJsonObject(item.payload, `${item.type} payload`, "bad_payload");
      needsEventId = true;
    } else if (item.type === "attachment" || item.type === "user_report") {
      slow = true;
      needsEventId = true;
    } else if (item.type === "feedback") {
      checkEventSize(item.payload, item.type, context);
      needsEventId = true;
    }
  }
  const eventId = needsEventId ? envelopeEventId(envelope, eventPayload) : envelope.headers.eventId;

  const isTransaction = eventItem?.type === "transaction";
  // Relay sends a transaction with attachments to ingest-attachments too; without a
  // transactions topic the transaction is dropped whatever came with it.
  const topic =
    isTransaction && context.topics.transactions === null
      ? null
      : slow
        ? context.topics.attachments
        : isTransaction
          ? context.topics.transactions
          : context.topics.events;
  // Attachments ride on the event message only for error events (store.rs
  // `send_individual_attachments`); with a transaction or no event they stand alone.
  const standalone = eventItem === undefined || eventItem.type === "transaction";

  const messages: PlannedMessage[] = [];
  const attachments: ChunkedAttachment[] = [];
  for (const item of envelope.items) {
    if (item === eventItem) continue;
    if (item.type === "attachment" && eventId !== undefined) {
      const descriptor = planAttachment(item, eventId, standalone, context, messages);
      if (!standalone) attachments.push(descriptor);
      increment(produced, item.type);
    } else if (item.type === "user_report" && eventId !== undefined) {
      parseJsonObject(item.payload, "user_report payload", "bad_payload");
      messages.push({
        topic: context.topics.attachments,
        eventId,
        message: {
          type: "user_report",
          project_id: context.projectId,
          start_time: context.startTime,
          payload: item.payload,
        },
      });
      increment(produced, item.type);
    } else if (item.type === "feedback" && eventId !== undefined && context.topics.feedback !== null) {
      parseJsonObject(item.payload, "feedback payload", "bad_payload");
      messages.push({
        topic: context.topics.feedback,
        eventId,
        message: eventMessage(eventId, item.payload, context, []),
      });
      increment(produced, item.type);
    } else {
      increment(dropped, item.type);
    }
  }
  if (eventItem && eventId !== undefined && topic !== null) {
    messages.push({
      topic,
      eventId,
      message: eventMessage(eventId, eventItem.payload, context, attachments),
    });
    increment(produced, eventItem.type);
  } else if (eventItem) {
    increment(dropped, eventItem.type);
  }
  return { eventId, messages, produced, dropped };
}

/**
 * Old SDKs post `/store/` bodies as base64 of zlib-compressed JSON; Relay's store endpoint
 * accepts both that and plain JSON (anything not starting with `{`, after whitespace, is
 * tried as base64+zlib).
 */
function decodeStoreBody(body: Buffer, maxEventBytes: number): Buffer {
  let start = 0;
  while (
    start < body.length &&
    (body[start] === 0x20 || body[start] === 0x0a || body[start] === 0x0d || body[start] === 0x09)
  ) {
    start += 1;
  }
  if (start === body.length || body[start] === 0x7b /* { */) return body;
  const compressed = Buffer.from(body.toString("latin1").trim(), "base64");
  try {
    return inflateSync(compressed, { maxOutputLength: maxEventBytes });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new HttpProblem("too_large", `event exceeds the event size limit of ${maxEventBytes} bytes`, {
        cause: error,
      });
    }
    if (error instanceof Error && "errno" in error) {
      throw new HttpProblem("bad_payload", "store body is neither JSON nor base64-encoded zlib", {
        cause: error,
      });
    }
    throw error;
  }
}

/** Plans the message of a `/store/` request: the body is the event JSON itself. */
export function planStore(body: Buffer, context: IntakeContext): IntakePlan {
  const payload = decodeStoreBody(body, context.maxEventBytes);
  checkEventSize(payload, "event", context);
  const event = parseJsonObject(payload, "event payload", "bad_payload");
  if (event.event_id !== undefined && event.event_id !== null && !isUuid(event.event_id)) {
    throw new HttpProblem("bad_payload", "invalid event id");
  }
  const eventId = normalizeEventId(event.event_id) ?? newEventId();
  // The store endpoint wraps the body in an item typed by the event's `type` (Relay's
  // `ItemType::from_event_type`): transactions get their own topic.
  const type = event.type === "transaction" ? "transaction" : "event";
  const topic = type === "transaction" ? context.topics.transactions : context.topics.events;
  if (topic === null) {
    return {
      eventId,
      messages: [],
      produced: new Map(),
      dropped: new Map<ItemTypeLabel, number>([[type, 1]]),
    };
  }
  return {
    eventId,
    messages: [{ topic, eventId, message: eventMessage(eventId, payload, context, []) }],
    produced: new Map<ItemTypeLabel, number>([[type, 1]]),
    dropped: new Map<ItemTypeLabel, number>(),
  };
}

/** The Kafka record Relay would write for a planned message. */
export function toKafkaPayload(planned: PlannedMessage): KafkaPayload {
  return { key: eventIdToKey(planned.eventId), value: encodeRelayMessage(planned.message), headers: [] };
}

/**
 * Produces a plan's messages one after the other, each acknowledged before the next is sent,
 * so chunks are on the broker before the message that references them even with a producer
 * that batches or retries.
 */
export async function producePlan(producer: Producer, plan: IntakePlan): Promise<void> {
  for (const planned of plan.messages) {
    await producer.produce(planned.topic, toKafkaPayload(planned));
  }
}
