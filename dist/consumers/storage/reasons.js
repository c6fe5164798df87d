// consumers/storage/reasons.ts
var STORAGE_DLQ_REASONS = [
  /** The value is not UTF-8. */
  "invalid-utf8",
  /** The value is not JSON. */
  "invalid-json",
  /** Nested deeper than the parser can follow. */
  "too-deep",
  /** Not a JSON array, or an array with the wrong number of elements for its operation. */
  "not-eventstream-tuple",
  /** Element 0 is not protocol version 2. */
  "unsupported-version",
  /** Element 1 names no eventstream operation. */
  "unknown-operation",
  /**
   * A replacement (merge, unmerge, delete, tombstone, ...). Snuba forwards these to its
   * replacer; we have none yet, so they are kept on the DLQ instead of silently dropped.
   */
  "unsupported-replacement",
  /** A required field of the insert body is missing. */
  "missing-field",
  /** A field has a type or value Snuba's errors processor refuses. */
  "invalid-field",
  /** `data.type == "transaction"`: transactions are not stored as errors. */
  "transaction-event",
  /** The store refused the mapped row (ClickHouse's code and message in `reason_detail`). */
  "storage-row-rejected"
];
var ROW_MAPPING_DLQ_REASON = {
  missing_field: "missing-field",
  invalid_field: "invalid-field",
  transaction_event: "transaction-event"
};
export {
  ROW_MAPPING_DLQ_REASON,
  STORAGE_DLQ_REASONS
};
//# sourceMappingURL=reasons.js.map
