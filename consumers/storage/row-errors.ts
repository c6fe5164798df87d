// Why an `events` insert could not become an errors row. The codes are a closed list: they
// end up in the DLQ `reason` header and the `reason` label of the dead-letter metric.

export const ROW_MAPPING_REASONS = [
  /** A required field of the insert body (event_id, project_id, group_id, ...) is missing. */
  "missing_field",
  /** A field has a JSON type or value Snuba's processor rejects (e.g. a non-UUID trace_id). */
  "invalid_field",
  /** `data.type == "transaction"`: transactions never go to the errors table. */
  "transaction_event",
] as const;

export type RowMappingReason = (typeof ROW_MAPPING_REASONS)[number];

/** An insert body that Snuba's errors processor would also refuse; the message is dead-lettered. */
export class RowMappingError extends Error {
  constructor(
    readonly reason: RowMappingReason,
    /** Dotted path of the offending field inside the insert body, e.g. `data.contexts.trace.trace_id`. */
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = "RowMappingError";
  }
}
