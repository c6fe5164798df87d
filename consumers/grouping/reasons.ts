import { AVRO_DECODE_REASONS, type DecodeReason, PAYLOAD_DECODE_REASONS } from "../../schemas/errors.ts";

// Why the grouping consumer dead-lettered an `events-normalized` record. The list is
// closed: each code ends up in the DLQ `reason` header and the `reason` label of the
// invalid/dead-lettered metrics. Decoder codes (schemas/errors.ts) keep their spelling;
// the codes after them are this consumer's own rules. Redis being away is never a reason:
// that is retried, not dead-lettered.

/** Decoder codes the grouping consumer can meet: Avro records and the payload JSON inside. */
export const GROUPING_DECODE_REASONS = [...AVRO_DECODE_REASONS, ...PAYLOAD_DECODE_REASONS] as const;

export const GROUPING_RULE_REASONS = [
  /** The project id is not in the project config source. */
  "unknown-project",
  /** The project's stored settings do not validate (fix them, then replay the DLQ). */
  "invalid-project-config",
  /** A transaction or feedback record: save_event groups error and default events only. */
  "unsupported-event-kind",
  /** The record's `project_id` cannot be a project (negative, fractional, too large). */
  "invalid-project-id",
  /** The payload's `event_id` is not the record's. */
  "event-id-mismatch",
  /** The event time is not a finite number of seconds. */
  "invalid-timestamp",
  /** The grouping algorithm gave up on this event (e.g. a structure too deep to walk). */
  "grouping-failed",
] as const;

export const GROUPING_DLQ_REASONS = [...GROUPING_DECODE_REASONS, ...GROUPING_RULE_REASONS] as const;

export type GroupingDlqReason = (typeof GROUPING_DLQ_REASONS)[number];
export type GroupingRuleReason = (typeof GROUPING_RULE_REASONS)[number];

/**
 * An event that breaks one of this consumer's rules. Never retriable: the same record
 * fails the same way, so the step raising it turns it into an InvalidMessage.
 */
export class GroupingRuleError extends Error {
  constructor(
    readonly reason: GroupingRuleReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = "GroupingRuleError";
  }
}

/**
 * The DLQ code for a decoder's error. The decoders this consumer calls (Avro, the payload
 * JSON) only produce the codes listed above; anything else would be a new decoder code
 * not yet listed here, reported under its format's generic code rather than crashing.
 */
export function decodeDlqReason(reason: DecodeReason, format: "avro" | "json"): GroupingDlqReason {
  return (GROUPING_DECODE_REASONS as ReadonlyArray<string>).includes(reason)
    ? (reason as GroupingDlqReason)
    : format === "avro"
      ? "invalid-avro"
      : "invalid-json";
}
