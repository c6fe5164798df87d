// schemas/index.ts
import { AvroCodec } from "./avro/codec.js";
import {
  CODEC_NAMES,
  codecForTopic,
  dlqCodec,
  eventStreamCodec,
  jsonCodec,
  relayCodec
} from "./codecs.js";
import { checkSchemas } from "./compat.js";
import {
  DECODE_REASONS,
  DecodeError,
  EncodeError,
  isDecodeError,
  RegistryUnavailableError
} from "./errors.js";
import {
  eventStreamHeaders,
  eventStreamKey,
  parseEventStreamMessage,
  serializeEventStreamMessage
} from "./eventstream/codec.js";
export * from "./eventstream/types.js";
import {
  isLegacyPythonClient,
  parseEventPayload,
  parseJsonBytes,
  translateLegacyPythonJson
} from "./json-payload.js";
export * from "./registry/index.js";
export * from "./relay/build.js";
import {
  decodeRelayMessage,
  encodeRelayMessage,
  eventIdFromKey,
  eventIdToKey,
  RELAY_MAX_MSGPACK_DEPTH
} from "./relay/codec.js";
export * from "./relay/types.js";
export {
  AvroCodec,
  CODEC_NAMES,
  DECODE_REASONS,
  DecodeError,
  EncodeError,
  RELAY_MAX_MSGPACK_DEPTH,
  RegistryUnavailableError,
  checkSchemas,
  codecForTopic,
  decodeRelayMessage,
  dlqCodec,
  encodeRelayMessage,
  eventIdFromKey,
  eventIdToKey,
  eventStreamCodec,
  eventStreamHeaders,
  eventStreamKey,
  isDecodeError,
  isLegacyPythonClient,
  jsonCodec,
  parseEventPayload,
  parseEventStreamMessage,
  parseJsonBytes,
  relayCodec,
  serializeEventStreamMessage,
  translateLegacyPythonJson
};
//# sourceMappingURL=index.js.map
