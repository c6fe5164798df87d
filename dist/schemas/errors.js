// schemas/errors.ts
var MSGPACK_DECODE_REASONS = [
  "truncated-msgpack",
  "trailing-bytes",
  "invalid-msgpack",
  "not-msgpack-map",
  "non-string-key"
];
var MESSAGE_VALUE_DECODE_REASONS = [
  "missing-field",
  "wrong-type",
  "invalid-value",
  "out-of-range",
  "unknown-message-type"
];
var PAYLOAD_DECODE_REASONS = [
  "invalid-utf8",
  "invalid-json",
  "payload-not-json-object",
  "payload-too-large",
  "too-deep",
  /** An object key `__proto__`, where the reader refuses it (relay-intake; json-payload.ts). */
  "proto-key"
];
var EVENTSTREAM_DECODE_REASONS = [
  "not-eventstream-tuple",
  "unsupported-version",
  "unknown-operation"
];
var AVRO_DECODE_REASONS = [
  "bad-magic-byte",
  "unknown-schema-id",
  "truncated-avro",
  "invalid-avro",
  "incompatible-schema"
];
var DECODE_REASONS = [
  ...MSGPACK_DECODE_REASONS,
  ...MESSAGE_VALUE_DECODE_REASONS,
  ...PAYLOAD_DECODE_REASONS,
  ...EVENTSTREAM_DECODE_REASONS,
  ...AVRO_DECODE_REASONS
];
var DecodeError = class extends Error {
  constructor(format, reason, detail, path = "") {
    super(`${format}: ${reason}${path ? ` at ${path}` : ""}: ${detail}`);
    this.format = format;
    this.reason = reason;
    this.detail = detail;
    this.path = path;
    this.name = "DecodeError";
  }
  format;
  reason;
  detail;
  path;
};
function isDecodeError(error) {
  return error instanceof DecodeError;
}
var ENCODE_REASONS = ["invalid-value", "unknown-schema", "payload-too-large"];
var EncodeError = class extends Error {
  constructor(format, reason, detail, path = "") {
    super(`${format}: cannot encode (${reason})${path ? ` at ${path}` : ""}: ${detail}`);
    this.format = format;
    this.reason = reason;
    this.detail = detail;
    this.path = path;
    this.name = "EncodeError";
  }
  format;
  reason;
  detail;
  path;
};
var RegistryUnavailableError = class extends Error {
  constructor(operation, options = {}) {
    super(`schema registry unavailable during ${operation}`, options);
    this.operation = operation;
    this.name = "RegistryUnavailableError";
  }
  operation;
};
export {
  AVRO_DECODE_REASONS,
  DECODE_REASONS,
  DecodeError,
  ENCODE_REASONS,
  EVENTSTREAM_DECODE_REASONS,
  EncodeError,
  MESSAGE_VALUE_DECODE_REASONS,
  MSGPACK_DECODE_REASONS,
  PAYLOAD_DECODE_REASONS,
  RegistryUnavailableError,
  isDecodeError
};
//# sourceMappingURL=errors.js.map
