import type { DecodeReason } from "../../schemas/errors.ts";
import type { RejectReason } from "./normalize.ts";

// Why the normalize consumer dead-lettered an `events-raw` record. The list is closed: each
// code ends up in the DLQ `reason` header and the `reason` label of the invalid and
// dead-lettered metrics, so dashboards and replay tooling can rely on it. Codes shared with
// the codecs (schemas/errors.ts) keep their spelling there. Everything else about an event,
// however malformed, is not fatal: Relay's normalization records it in `errors` and `_meta`.

/**
 * Decoder codes this consumer can meet: the Avro record, its event id, its payload JSON.
 * (No `invalid-utf8`: Avro strings arrive decoded, and the payload is checked as text.)
 */
export const NORMALIZE_DECODE_REASONS = [
  "bad-magic-byte",
  "unknown-schema-id",
  "truncated-avro",
  "invalid-avro",
  "incompatible-schema",
  /** `event_id` of the record is not 32 lowercase hex characters (it keys the output). */
  "invalid-value",
  "invalid-json",
  "payload-not-json-object",
  "payload-too-large",
  /** Nested deeper than `maxJsonDepth`, or than Relay's 128 levels once normalizing. */
  "too-deep",
] as const satisfies ReadonlyArray<DecodeReason>;

/** Events Relay's normalization itself rejects (spec normalization.md §3.3 V2, V3). */
export const NORMALIZE_RULE_REASONS = [
  /** Event `timestamp` or `start_timestamp` before 1970: "timestamp is too stale". */
  "stale-timestamp",
  /** A transaction Relay's `validate_transaction` refuses. */
  "invalid-transaction",
  /** The payload is not an event object at all. */
  "invalid-event",
] as const;

export const NORMALIZE_DLQ_REASONS = [...NORMALIZE_DECODE_REASONS, ...NORMALIZE_RULE_REASONS] as const;

export type NormalizeDlqReason = (typeof NORMALIZE_DLQ_REASONS)[number];
export type NormalizeDecodeReason = (typeof NORMALIZE_DECODE_REASONS)[number];

/** The normalizer's rejection codes in the DLQ spelling (exhaustive: a new one fails to compile). */
export const REJECTION_DLQ_REASON: Readonly<Record<RejectReason, NormalizeDlqReason>> = {
  stale_timestamp: "stale-timestamp",
  invalid_transaction: "invalid-transaction",
  invalid_event: "invalid-event",
  too_deep: "too-deep",
};

export function isNormalizeDecodeReason(reason: DecodeReason): reason is NormalizeDecodeReason {
  return (NORMALIZE_DECODE_REASONS as ReadonlyArray<string>).includes(reason);
}
