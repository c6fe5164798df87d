// Public surface of schemas/: the codecs per topic and the domain types on each topic.
// Consumers import from here; the modules behind it are free to move.

export { AvroCodec } from "./avro/codec.ts";
export type {
  AvroRecordBySchema,
  EventKind,
  EventNormalizedRecord,
  EventRawRecord,
  ProcessingError,
  StoredAttachment,
} from "./avro/types.ts";
export type { Codec } from "./codec.ts";
export {
  CODEC_NAMES,
  type CodecDependencies,
  type CodecName,
  codecForTopic,
  dlqCodec,
  eventStreamCodec,
  jsonCodec,
  relayCodec,
  type TopicCodec,
  type TopicCodecSpec,
} from "./codecs.ts";
export { checkSchemas, type SchemaCheckResult, type SchemaProblem } from "./compat.ts";
export {
  type CodecFormat,
  DECODE_REASONS,
  DecodeError,
  type DecodeReason,
  EncodeError,
  isDecodeError,
  RegistryUnavailableError,
} from "./errors.ts";
export {
  eventStreamHeaders,
  eventStreamKey,
  type InsertHeaderOptions,
  parseEventStreamMessage,
  serializeEventStreamMessage,
} from "./eventstream/codec.ts";
export * from "./eventstream/types.ts";
export {
  isLegacyPythonClient,
  type JsonObject,
  type JsonValue,
  type PayloadLimits,
  parseEventPayload,
  parseJsonBytes,
  translateLegacyPythonJson,
} from "./json-payload.ts";
export * from "./registry/index.ts";
export * from "./relay/build.ts";
export {
  decodeRelayMessage,
  encodeRelayMessage,
  eventIdFromKey,
  eventIdToKey,
  RELAY_MAX_MSGPACK_DEPTH,
  type RelayDecodeOptions,
} from "./relay/codec.ts";
export * from "./relay/types.ts";
