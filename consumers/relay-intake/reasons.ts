import {
  MESSAGE_VALUE_DECODE_REASONS,
  MSGPACK_DECODE_REASONS,
  PAYLOAD_DECODE_REASONS,
} from "../../schemas/errors.ts";

// Why relay-intake dead-lettered a Relay message. The list is closed: each code ends up in
// the DLQ `reason` header and the `reason` label of the invalid/dead-lettered metrics, so
// dashboards and replay tooling can rely on it. The decoders' codes (schemas/errors.ts)
// keep their spelling; the codes below are this consumer's own rules.

/** Decoder codes relay-intake can meet: Relay's msgpack and the event/user-report JSON. */
export const INTAKE_DECODE_REASONS = [
  ...MSGPACK_DECODE_REASONS,
  ...MESSAGE_VALUE_DECODE_REASONS,
  ...PAYLOAD_DECODE_REASONS,
] as const;

export const INTAKE_RULE_REASONS = [
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
  "attachment-size-mismatch",
] as const;

export const INTAKE_DLQ_REASONS = [...INTAKE_DECODE_REASONS, ...INTAKE_RULE_REASONS] as const;

export type IntakeDlqReason = (typeof INTAKE_DLQ_REASONS)[number];
export type IntakeRuleReason = (typeof INTAKE_RULE_REASONS)[number];

/**
 * A Relay message that breaks one of this consumer's rules. Never retriable: the same
 * message fails the same way, so the step raising it turns it into an InvalidMessage.
 */
export class IntakeRuleError extends Error {
  constructor(
    readonly reason: IntakeRuleReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = "IntakeRuleError";
  }
}
