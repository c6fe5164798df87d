// dev/intake.ts
import { randomUUID } from "node:crypto";
import { inflateSync } from "node:zlib";
import { encodeRelayMessage, eventIdToKey } from "../schemas/relay/codec.js";
import {
  isUuid,
  normalizeEventId,
  parseJsonObject
} from "./envelope.js";
import { HttpProblem } from "./problems.js";
var ATTACHMENT_CHUNK_SIZE = 1024 * 1024;
var UNNAMED_ATTACHMENT = "Unnamed Attachment";
var DEFAULT_ATTACHMENT_TYPE = "event.attachment";
var RELAY_TOPICS = {
  events: "ingest-events",
  attachments: "ingest-attachments",
  transactions: "ingest-transactions",
  feedback: "ingest-feedback-events"
};
var EVENT_ITEM_TYPES = /* @__PURE__ */ new Set(["event", "transaction", "security"]);
var ITEM_TYPE_LABELS = [
  "event",
  "transaction",
  "security",
  "attachment",
  "user_report",
  "feedback",
  "session",
  "sessions",
  "client_report",
  "other"
];
function itemTypeLabel(type) {
  return ITEM_TYPE_LABELS.includes(type) ? type : "other";
}
function increment(counts, type) {
  const label = itemTypeLabel(type);
  counts.set(label, (counts.get(label) ?? 0) + 1);
}
function checkEventSize(payload, type, context) {
  if (payload.length > context.maxEventBytes) {
    throw new HttpProblem(
      "too_large",
      `${type} item exceeds the event size limit of ${context.maxEventBytes} bytes`
    );
  }
}
function newEventId() {
  return randomUUID().replaceAll("-", "");
}
function eventMessage(eventId, payload, context, attachments) {
  const message = {
    type: "event",
    payload,
    start_time: context.startTime,
    event_id: eventId,
    project_id: context.projectId,
    remote_addr: context.remoteAddr,
    attachments
  };
  return message;
}
function planAttachment(item, eventId, standalone, context, out) {
  const id = newEventId();
  const size = item.payload.length;
  let chunks = 0;
  let data;
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
          chunk_index: chunks
        }
      });
      chunks += 1;
    }
  }
  const attachment = {
    id,
    name: item.filename ?? UNNAMED_ATTACHMENT,
    ...item.contentType !== void 0 ? { content_type: item.contentType } : {},
    attachment_type: item.attachmentType ?? DEFAULT_ATTACHMENT_TYPE,
    chunks,
    ...data !== void 0 ? { data } : {},
    size,
    rate_limited: false
  };
  if (standalone) {
    out.push({
      topic: context.topics.attachments,
      eventId,
      message: { type: "attachment", event_id: eventId, project_id: context.projectId, attachment }
    });
  }
  return attachment;
}
function envelopeEventId(envelope, eventPayload) {
  return envelope.headers.eventId ?? normalizeEventId(eventPayload?.event_id) ?? newEventId();
}
function planEnvelope(envelope, context) {
  const produced = /* @__PURE__ */ new Map();
  const dropped = /* @__PURE__ */ new Map();
  let eventItem;
  let eventPayload;
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
  const topic = isTransaction && context.topics.transactions === null ? null : slow ? context.topics.attachments : isTransaction ? context.topics.transactions : context.topics.events;
  const standalone = eventItem === void 0 || eventItem.type === "transaction";
  const messages = [];
  const attachments = [];
  for (const item of envelope.items) {
    if (item === eventItem) continue;
    if (item.type === "attachment" && eventId !== void 0) {
      const descriptor = planAttachment(item, eventId, standalone, context, messages);
      if (!standalone) attachments.push(descriptor);
      increment(produced, item.type);
    } else if (item.type === "user_report" && eventId !== void 0) {
      parseJsonObject(item.payload, "user_report payload", "bad_payload");
      messages.push({
        topic: context.topics.attachments,
        eventId,
        message: {
          type: "user_report",
          project_id: context.projectId,
          start_time: context.startTime,
          payload: item.payload
        }
      });
      increment(produced, item.type);
    } else if (item.type === "feedback" && eventId !== void 0 && context.topics.feedback !== null) {
      parseJsonObject(item.payload, "feedback payload", "bad_payload");
      messages.push({
        topic: context.topics.feedback,
        eventId,
        message: eventMessage(eventId, item.payload, context, [])
      });
      increment(produced, item.type);
    } else {
      increment(dropped, item.type);
    }
  }
  if (eventItem && eventId !== void 0 && topic !== null) {
    messages.push({
      topic,
      eventId,
      message: eventMessage(eventId, eventItem.payload, context, attachments)
    });
    increment(produced, eventItem.type);
  } else if (eventItem) {
    increment(dropped, eventItem.type);
  }
  return { eventId, messages, produced, dropped };
}
function decodeStoreBody(body, maxEventBytes) {
  let start = 0;
  while (start < body.length && (body[start] === 32 || body[start] === 10 || body[start] === 13 || body[start] === 9)) {
    start += 1;
  }
  if (start === body.length || body[start] === 123) return body;
  const compressed = Buffer.from(body.toString("latin1").trim(), "base64");
  try {
    return inflateSync(compressed, { maxOutputLength: maxEventBytes });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new HttpProblem("too_large", `event exceeds the event size limit of ${maxEventBytes} bytes`, {
        cause: error
      });
    }
    if (error instanceof Error && "errno" in error) {
      throw new HttpProblem("bad_payload", "store body is neither JSON nor base64-encoded zlib", {
        cause: error
      });
    }
    throw error;
  }
}
function planStore(body, context) {
  const payload = decodeStoreBody(body, context.maxEventBytes);
  checkEventSize(payload, "event", context);
  const event = parseJsonObject(payload, "event payload", "bad_payload");
  if (event.event_id !== void 0 && event.event_id !== null && !isUuid(event.event_id)) {
    throw new HttpProblem("bad_payload", "invalid event id");
  }
  const eventId = normalizeEventId(event.event_id) ?? newEventId();
  const type = event.type === "transaction" ? "transaction" : "event";
  const topic = type === "transaction" ? context.topics.transactions : context.topics.events;
  if (topic === null) {
    return {
      eventId,
      messages: [],
      produced: /* @__PURE__ */ new Map(),
      dropped: /* @__PURE__ */ new Map([[type, 1]])
    };
  }
  return {
    eventId,
    messages: [{ topic, eventId, message: eventMessage(eventId, payload, context, []) }],
    produced: /* @__PURE__ */ new Map([[type, 1]]),
    dropped: /* @__PURE__ */ new Map()
  };
}
function toKafkaPayload(planned) {
  return { key: eventIdToKey(planned.eventId), value: encodeRelayMessage(planned.message), headers: [] };
}
async function producePlan(producer, plan) {
  for (const planned of plan.messages) {
    await producer.produce(planned.topic, toKafkaPayload(planned));
  }
}
export {
  ATTACHMENT_CHUNK_SIZE,
  ITEM_TYPE_LABELS,
  RELAY_TOPICS,
  itemTypeLabel,
  planEnvelope,
  planStore,
  producePlan,
  toKafkaPayload
};
//# sourceMappingURL=intake.js.map
