// schemas/codecs.ts
import { AvroCodec } from "./avro/codec.js";
import { EncodeError } from "./errors.js";
import { parseEventStreamMessage, serializeEventStreamMessage } from "./eventstream/codec.js";
import { parseEventPayload } from "./json-payload.js";
import { DEFAULT_SCHEMAS_DIR, loadSchemaManifest } from "./registry/manifest.js";
import { valueSubject } from "./registry/types.js";
import { decodeRelayMessage, encodeRelayMessage } from "./relay/codec.js";
var CODEC_NAMES = ["relay-msgpack", "avro", "eventstream-json", "json", "dlq"];
var RELAY_TYPES_BY_TOPIC = {
  "ingest-events": /* @__PURE__ */ new Set(["event"]),
  "ingest-transactions": /* @__PURE__ */ new Set(["event"]),
  "ingest-feedback-events": /* @__PURE__ */ new Set(["event"]),
  "ingest-attachments": /* @__PURE__ */ new Set(["event", "attachment_chunk", "attachment", "user_report"])
};
async function codecForTopic(spec, deps) {
  switch (spec.codec) {
    case "relay-msgpack":
      return relayCodec(RELAY_TYPES_BY_TOPIC[spec.name]);
    case "eventstream-json":
      return eventStreamCodec({
        maxBytes: spec.maxMessageBytes ?? Number.MAX_SAFE_INTEGER,
        // The tuple and the insert body wrap the event JSON in two more levels.
        maxDepth: deps.options.maxJsonDepth + 2
      });
    case "json":
      return jsonCodec({ maxBytes: deps.options.maxPayloadBytes, maxDepth: deps.options.maxJsonDepth });
    case "dlq":
      return dlqCodec();
    case "avro":
      return avroCodecForTopic(spec, deps);
  }
}
function relayCodec(allowedTypes) {
  const options = allowedTypes ? { allowedTypes } : {};
  return {
    format: "relay-msgpack",
    encode: encodeRelayMessage,
    decode: (bytes) => decodeRelayMessage(bytes, options),
    decodeAsync: async (bytes) => decodeRelayMessage(bytes, options)
  };
}
function eventStreamCodec(limits) {
  return {
    format: "eventstream-json",
    encode: serializeEventStreamMessage,
    decode: (bytes) => parseEventStreamMessage(bytes, limits),
    decodeAsync: async (bytes) => parseEventStreamMessage(bytes, limits)
  };
}
function jsonCodec(limits) {
  return {
    format: "json",
    encode: (value) => Buffer.from(JSON.stringify(value), "utf8"),
    decode: (bytes) => parseEventPayload(bytes, limits),
    decodeAsync: async (bytes) => parseEventPayload(bytes, limits)
  };
}
function dlqCodec() {
  const copy = (bytes) => Buffer.from(bytes);
  return { format: "dlq", encode: copy, decode: copy, decodeAsync: async (bytes) => copy(bytes) };
}
async function avroCodecForTopic(spec, deps) {
  if (!spec.schema) {
    throw new EncodeError("avro", "unknown-schema", `avro topic ${spec.name} names no schema`);
  }
  const manifest = loadSchemaManifest(deps.schemasDir ?? DEFAULT_SCHEMAS_DIR);
  const subject = valueSubject(spec.name);
  const entry = manifest.subjects.get(subject);
  if (!entry || entry.schema !== spec.schema) {
    throw new EncodeError(
      "avro",
      "unknown-schema",
      `schemas/manifest.json has no subject ${subject} for schema ${spec.schema}`
    );
  }
  const newest = entry.versions[entry.versions.length - 1];
  const knownIds = deps.registry.kind === "embedded" ? entry.versions.map((v) => v.id) : [];
  return AvroCodec.create(subject, newest.text, deps.registry, knownIds);
}
export {
  CODEC_NAMES,
  codecForTopic,
  dlqCodec,
  eventStreamCodec,
  jsonCodec,
  relayCodec
};
//# sourceMappingURL=codecs.js.map
