// consumers/storage/row-errors.ts
var ROW_MAPPING_REASONS = [
  /** A required field of the insert body (event_id, project_id, group_id, ...) is missing. */
  "missing_field",
  /** A field has a JSON type or value Snuba's processor rejects (e.g. a non-UUID trace_id). */
  "invalid_field",
  /** `data.type == "transaction"`: transactions never go to the errors table. */
  "transaction_event"
];
var RowMappingError = class extends Error {
  constructor(reason, field, detail) {
    super(`${field}: ${detail}`);
    this.reason = reason;
    this.field = field;
    this.name = "RowMappingError";
  }
  reason;
  field;
};
export {
  ROW_MAPPING_REASONS,
  RowMappingError
};
//# sourceMappingURL=row-errors.js.map
