// consumers/grouping/reasons.ts
import { AVRO_DECODE_REASONS, PAYLOAD_DECODE_REASONS } from "../../schemas/errors.js";
var GROUPING_DECODE_REASONS = [...AVRO_DECODE_REASONS, ...PAYLOAD_DECODE_REASONS];
var GROUPING_RULE_REASONS = [
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
  "grouping-failed"
];
var GROUPING_DLQ_REASONS = [...GROUPING_DECODE_REASONS, ...GROUPING_RULE_REASONS];
var GroupingRuleError = class extends Error {
  constructor(reason, detail) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
    this.detail = detail;
    this.name = "GroupingRuleError";
  }
  reason;
  detail;
};
function decodeDlqReason(reason, format) {
  return GROUPING_DECODE_REASONS.includes(reason) ? reason : format === "avro" ? "invalid-avro" : "invalid-json";
}
export {
  GROUPING_DECODE_REASONS,
  GROUPING_DLQ_REASONS,
  GROUPING_RULE_REASONS,
  GroupingRuleError,
  decodeDlqReason
};
//# sourceMappingURL=reasons.js.map
