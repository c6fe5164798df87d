// consumers/relay-intake/process-event.ts
import { parseEventPayload } from "../../schemas/json-payload.js";
import { IntakeRuleError } from "./reasons.js";
function simpleEventId(value) {
  return value.replaceAll("-", "").toLowerCase();
}
function readEventPayload(message, limits) {
  const event = parseEventPayload(message.payload, limits, "reject");
  const text = message.payload.toString("utf8");
  return {
    payloadText: withEventId(event, text, message.event_id),
    kind: eventKind(event),
    received: receivedSeconds(event, message.start_time),
    client: sdkClient(event)
  };
}
function withEventId(event, text, eventId) {
  const own = event.event_id;
  if (own === void 0 || own === null) {
    const close = text.lastIndexOf("}");
    const open = text.indexOf("{");
    const empty = text.slice(open + 1, close).trim() === "";
    return `${text.slice(0, close)}${empty ? "" : ","}"event_id":"${eventId}"${text.slice(close)}`;
  }
  if (typeof own !== "string") {
    throw new IntakeRuleError(
      "event-id-mismatch",
      `payload event_id is a ${typeOf(own)}, message has ${eventId}`
    );
  }
  if (simpleEventId(own) !== eventId) {
    throw new IntakeRuleError(
      "event-id-mismatch",
      `payload event_id ${JSON.stringify(own.slice(0, 64))} differs from the message's ${eventId}`
    );
  }
  return text;
}
function typeOf(value) {
  if (Array.isArray(value)) return "array";
  return typeof value;
}
function eventKind(event) {
  const type = event.type;
  if (type === "transaction") return "transaction";
  if (type === "feedback") return "feedback";
  return "event";
}
function receivedSeconds(event, startTime) {
  const received = event.received;
  if (typeof received === "number" && Number.isFinite(received) && received >= 0) return received;
  if (typeof received === "string") {
    const ms = Date.parse(received);
    if (Number.isFinite(ms) && ms >= 0) return ms / 1e3;
  }
  return startTime;
}
function sdkClient(event) {
  const sdk = event.sdk;
  if (typeof sdk !== "object" || sdk === null || Array.isArray(sdk)) return null;
  const { name, version } = sdk;
  return typeof name === "string" && typeof version === "string" ? `${name}/${version}` : null;
}
function eventRawRecord(input) {
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
    payload: facts.payloadText
  };
}
export {
  eventRawRecord,
  readEventPayload,
  simpleEventId
};
//# sourceMappingURL=process-event.js.map
