import type { Options } from "../config/options.ts";
import { AvroCodec } from "./avro/codec.ts";
import type { AvroRecordBySchema } from "./avro/types.ts";
import type { Codec } from "./codec.ts";
import { EncodeError } from "./errors.ts";
import { parseEventStreamMessage, serializeEventStreamMessage } from "./eventstream/codec.ts";
import type { EventStreamMessage } from "./eventstream/types.ts";
import { type JsonObject, type PayloadLimits, parseEventPayload } from "./json-payload.ts";
import { DEFAULT_SCHEMAS_DIR, loadSchemaManifest } from "./registry/manifest.ts";
import { type SchemaRegistry, valueSubject } from "./registry/types.ts";
import { decodeRelayMessage, encodeRelayMessage } from "./relay/codec.ts";
import type { RelayMessage, RelayMessageType } from "./relay/types.ts";

export const CODEC_NAMES = ["relay-msgpack", "avro", "eventstream-json", "json", "dlq"] as const;
export type CodecName = (typeof CODEC_NAMES)[number];

/** The parts of a topology.yaml topic a codec depends on. */
export interface TopicCodecSpec {
  readonly name: string;
  readonly codec: CodecName;
  /** Schema family of avro topics (`events-raw` → `schemas/avro/events-raw.vN.avsc`). */
  readonly schema?: string;
  readonly maxMessageBytes?: number;
}

export interface CodecDependencies {
  readonly registry: SchemaRegistry;
  readonly options: Pick<Options, "maxPayloadBytes" | "maxJsonDepth">;
  readonly schemasDir?: string;
}

export type RelayCodec = Codec<RelayMessage> & { readonly format: "relay-msgpack" };
export type EventStreamCodec = Codec<EventStreamMessage> & { readonly format: "eventstream-json" };
export type JsonCodec = Codec<JsonObject> & { readonly format: "json" };
export type DlqCodec = Codec<Buffer> & { readonly format: "dlq" };
export type EventsAvroCodec = AvroCodec<AvroRecordBySchema[keyof AvroRecordBySchema]>;
export type TopicCodec = RelayCodec | EventStreamCodec | JsonCodec | DlqCodec | EventsAvroCodec;

/** Which Relay message types each ingest topic carries (Sentry's consumers reject the rest). */
const RELAY_TYPES_BY_TOPIC: Readonly<Record<string, ReadonlySet<RelayMessageType>>> = {
  "ingest-events": new Set(["event"]),
  "ingest-transactions": new Set(["event"]),
  "ingest-feedback-events": new Set(["event"]),
  "ingest-attachments": new Set(["event", "attachment_chunk", "attachment", "user_report"]),
};

/**
 * The codec for a topic of topology.yaml. Avro codecs register the newest local schema
 * version with `registry` (idempotent) and preload the manifest's older versions.
 */
export async function codecForTopic(spec: TopicCodecSpec, deps: CodecDependencies): Promise<TopicCodec> {
  switch (spec.codec) {
    case "relay-msgpack":
      return relayCodec(RELAY_TYPES_BY_TOPIC[spec.name]);
    case "eventstream-json":
      return eventStreamCodec({
        maxBytes: spec.maxMessageBytes ?? Number.MAX_SAFE_INTEGER,
        // The tuple and the insert body wrap the event JSON in two more levels.
        maxDepth: deps.options.maxJsonDepth + 2,
      });
    case "json":
      return jsonCodec({ maxBytes: deps.options.maxPayloadBytes, maxDepth: deps.options.maxJsonDepth });
    case "dlq":
      return dlqCodec();
    case "avro":
      return avroCodecForTopic(spec, deps);
  }
}

export function relayCodec(allowedTypes?: ReadonlySet<RelayMessageType>): RelayCodec {
  const options = allowedTypes ? { allowedTypes } : {};
  return {
    format: "relay-msgpack",
    encode: encodeRelayMessage,
    decode: (bytes) => decodeRelayMessage(bytes, options),
    decodeAsync: async (bytes) => decodeRelayMessage(bytes, options),
  };
}

export function eventStreamCodec(limits: PayloadLimits): EventStreamCodec {
  return {
    format: "eventstream-json",
    encode: serializeEventStreamMessage,
    decode: (bytes) => parseEventStreamMessage(bytes, limits),
    decodeAsync: async (bytes) => parseEventStreamMessage(bytes, limits),
  };
}

export function jsonCodec(limits: PayloadLimits): JsonCodec {
  return {
    format: "json",
    encode: (value) => Buffer.from(JSON.stringify(value), "utf8"),
    decode: (bytes) => parseEventPayload(bytes, limits),
    decodeAsync: async (bytes) => parseEventPayload(bytes, limits),
  };
}

/** Dead-letter topics carry the original bytes unchanged. */
export function dlqCodec(): DlqCodec {
  const copy = (bytes: Uint8Array): Buffer => Buffer.from(bytes);
  return { format: "dlq", encode: copy, decode: copy, decodeAsync: async (bytes) => copy(bytes) };
}

async function avroCodecForTopic(spec: TopicCodecSpec, deps: CodecDependencies): Promise<EventsAvroCodec> {
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
      `schemas/manifest.json has no subject ${subject} for schema ${spec.schema}`,
    );
  }
  const newest = entry.versions[entry.versions.length - 1]!;
  // Manifest ids are the embedded registry's; a Confluent registry assigns its own.
  const knownIds = deps.registry.kind === "embedded" ? entry.versions.map((v) => v.id) : [];
  return AvroCodec.create(subject, newest.text, deps.registry, knownIds);
}
