// consumers/normalize/reasons.ts
var NORMALIZE_DECODE_REASONS = [
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
  "too-deep"
];
var NORMALIZE_RULE_REASONS = [
  /** Event `timestamp` or `start_timestamp` before 1970: "timestamp is too stale". */
  "stale-timestamp",
  /** A transaction Relay's `validate_transaction` refuses. */
  "invalid-transaction",
  /** The payload is not an event object at all. */
  "invalid-event"
];
var NORMALIZE_DLQ_REASONS = [...NORMALIZE_DECODE_REASONS, ...NORMALIZE_RULE_REASONS];
var REJECTION_DLQ_REASON = {
  stale_timestamp: "stale-timestamp",
  invalid_transaction: "invalid-transaction",
  invalid_event: "invalid-event",
  too_deep: "too-deep"
};
function isNormalizeDecodeReason(reason) {
  return NORMALIZE_DECODE_REASONS.includes(reason);
}
export {
  NORMALIZE_DECODE_REASONS,
  NORMALIZE_DLQ_REASONS,
  NORMALIZE_RULE_REASONS,
  REJECTION_DLQ_REASON,
  isNormalizeDecodeReason
};
//# sourceMappingURL=reasons.js.map
