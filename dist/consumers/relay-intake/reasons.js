// consumers/relay-intake/reasons.ts
import {
  MESSAGE_VALUE_DECODE_REASONS,
  MSGPACK_DECODE_REASONS,
  PAYLOAD_DECODE_REASONS
} from "../../schemas/errors.js";
var INTAKE_DECODE_REASONS = [
  ...MSGPACK_DECODE_REASONS,
  ...MESSAGE_VALUE_DECODE_REASONS,
  ...PAYLOAD_DECODE_REASONS
];
var INTAKE_RULE_REASONS = [
  /** The payload's `event_id` is not the message's (after removing dashes and case). */
  "event-id-mismatch",
  /** The project id is not in the project config source. */
  "unknown-project",
  /** The project's stored settings do not validate (fix them, then replay the DLQ). */
  "invalid-project-config",
  /** A user report Sentry would refuse: a required field missing, too long, or a bad event id. */
  "invalid-user-report",
  /** An attachment descriptor announces more bytes or chunks than the limits allow. */
  "attachment-too-large",
  /** A standalone attachment's chunks are not all in the chunk store (expired, never sent). */
  "attachment-chunks-missing",
  /** A standalone attachment's joined bytes differ from the size Relay announced. */
  "attachment-size-mismatch"
];
var INTAKE_DLQ_REASONS = [...INTAKE_DECODE_REASONS, ...INTAKE_RULE_REASONS];
var IntakeRuleError = class extends Error {
  constructor(reason, detail) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
    this.detail = detail;
    this.name = "IntakeRuleError";
  }
  reason;
  detail;
};
export {
  INTAKE_DECODE_REASONS,
  INTAKE_DLQ_REASONS,
  INTAKE_RULE_REASONS,
  IntakeRuleError
};
//# sourceMappingURL=reasons.js.map
