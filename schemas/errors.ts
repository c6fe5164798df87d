// Errors of the codecs. Every decoder in schemas/ throws only `DecodeError` for bad input,
// whatever the bytes are; its `reason` is a closed code that ends up in the DLQ header and
// the `reason` label of `ingest_messages_dead_lettered_total`, so the list below is the
// contract: add a code here (and to docs) before using it.

/** Msgpack structure (Relay's ingest-* topics). */
export const MSGPACK_DECODE_REASONS = [
  "truncated-msgpack",
  "trailing-bytes",
  "invalid-msgpack",
  "not-msgpack-map",
  "non-string-key",
] as const;

/** Values inside a decoded message. */
export const MESSAGE_VALUE_DECODE_REASONS = [
  "missing-field",
  "wrong-type",
  "invalid-value",
  "out-of-range",
  "unknown-message-type",
] as const;

/** Text and JSON payloads. */
export const PAYLOAD_DECODE_REASONS = [
  "invalid-utf8",
  "invalid-json",
  "payload-not-json-object",
  "payload-too-large",
  "too-deep",
  /** An object key `__proto__`, where the reader refuses it (relay-intake; json-payload.ts). */
  "proto-key",
] as const;

/** Eventstream (`events`). */
export const EVENTSTREAM_DECODE_REASONS = [
  "not-eventstream-tuple",
  "unsupported-version",
  "unknown-operation",
] as const;

/** Avro in Confluent wire format (events-raw, events-normalized). */
export const AVRO_DECODE_REASONS = [
  "bad-magic-byte",
  "unknown-schema-id",
  "truncated-avro",
  "invalid-avro",
  "incompatible-schema",
] as const;

// Consumers build their own closed lists from the groups above, so a code is spelled once.
export const DECODE_REASONS = [
  ...MSGPACK_DECODE_REASONS,
  ...MESSAGE_VALUE_DECODE_REASONS,
  ...PAYLOAD_DECODE_REASONS,
  ...EVENTSTREAM_DECODE_REASONS,
  ...AVRO_DECODE_REASONS,
] as const;

export type DecodeReason = (typeof DECODE_REASONS)[number];

/** Which wire format the decoder was reading when it gave up. */
export type CodecFormat = "relay-msgpack" | "json" | "eventstream-json" | "avro" | "dlq";

/**
 * Input that cannot be decoded. Never retriable: the same bytes fail the same way, so the
 * caller dead-letters the message (InvalidMessage with `reason`).
 */
export class DecodeError extends Error {
  constructor(
    readonly format: CodecFormat,
    readonly reason: DecodeReason,
    readonly detail: string,
    /** Where in the value the problem is, e.g. `attachments[0].chunks`; empty at the top. */
    readonly path: string = "",
  ) {
    super(`${format}: ${reason}${path ? ` at ${path}` : ""}: ${detail}`);
    this.name = "DecodeError";
  }
}

export function isDecodeError(error: unknown): error is DecodeError {
  return error instanceof DecodeError;
}

export const ENCODE_REASONS = ["invalid-value", "unknown-schema", "payload-too-large"] as const;
export type EncodeReason = (typeof ENCODE_REASONS)[number];

/**
 * A value our own code built does not fit its wire format. A bug on our side (or a schema
 * that lags the code), not bad input: callers let it crash the step rather than DLQ it.
 */
export class EncodeError extends Error {
  constructor(
    readonly format: CodecFormat,
    readonly reason: EncodeReason,
    readonly detail: string,
    readonly path: string = "",
  ) {
    super(`${format}: cannot encode (${reason})${path ? ` at ${path}` : ""}: ${detail}`);
    this.name = "EncodeError";
  }
}

/**
 * The schema registry could not be reached or answered with a server error. Transient:
 * the message is retried, never dead-lettered as `unknown-schema-id`.
 */
export class RegistryUnavailableError extends Error {
  constructor(
    readonly operation: string,
    options: { cause?: unknown } = {},
  ) {
    super(`schema registry unavailable during ${operation}`, options);
    this.name = "RegistryUnavailableError";
  }
}
