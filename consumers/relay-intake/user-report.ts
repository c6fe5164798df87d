import type { JsonObject, PayloadLimits } from "../../schemas/json-payload.ts";
import { parseEventPayload } from "../../schemas/json-payload.ts";
import type { RelayUserReportMessage } from "../../schemas/relay/types.ts";
import { IntakeRuleError } from "./reasons.ts";

// Legacy user feedback (`user_report` messages, payload `{event_id, name, email, comments}`),
// checked the way Sentry's `validate_user_report` does before it saves one
// (sentry/ingest/userreport.py): comments and event_id required, comments stripped and not
// empty, the model's column lengths (name 128, email 75, comments 4096, counted in code
// points as Python's len does), and an event id that parses as a UUID, kept as 32 lowercase
// hex. Sentry drops a report that fails; we dead-letter it, so it can be looked at.

export const USER_REPORT_MAX_NAME = 128;
export const USER_REPORT_MAX_EMAIL = 75;
export const USER_REPORT_MAX_COMMENTS = 4096;

/** The message Sentry's Unreal integration sends in unattended mode; Sentry filters it. */
export const UNREAL_UNATTENDED_MESSAGE = "Sent in the unattended mode";

const UUID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const BRACED = /^\{(.*)\}$/;

export interface UserReport {
  readonly eventId: string;
  readonly name: string;
  readonly email: string;
  readonly comments: string;
}

/**
 * Throws `DecodeError` for a payload that is not bounded JSON or holds a `__proto__` key
 * (`proto-key`, as for events), `IntakeRuleError` for a bad report.
 */
export function readUserReport(message: RelayUserReportMessage, limits: PayloadLimits): UserReport {
  const report = parseEventPayload(message.payload, limits, "reject");
  const comments = requiredString(report, "comments").trim();
  const eventId = parseEventId(requiredString(report, "event_id"));
  const name = optionalString(report, "name");
  const email = optionalString(report, "email");
  if (comments === "") invalid("comments are empty");
  if (comments === UNREAL_UNATTENDED_MESSAGE) invalid("comments are Unreal's unattended-mode message");
  tooLong("comments", comments, USER_REPORT_MAX_COMMENTS);
  tooLong("name", name, USER_REPORT_MAX_NAME);
  tooLong("email", email, USER_REPORT_MAX_EMAIL);
  return { eventId, name, email, comments };
}

function invalid(detail: string): never {
  throw new IntakeRuleError("invalid-user-report", detail);
}

function requiredString(report: JsonObject, key: string): string {
  const value = report[key];
  if (value === undefined || value === null) invalid(`${key} is missing`);
  if (typeof value !== "string") invalid(`${key} is not a string`);
  return value;
}

function optionalString(report: JsonObject, key: string): string {
  const value = report[key];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") invalid(`${key} is not a string`);
  return value;
}

function tooLong(key: string, value: string, max: number): void {
  // Cheap bound first: a string of at most `max` UTF-16 units has at most `max` code points.
  if (value.length <= max) return;
  let points = 0;
  for (const _ of value) if (++points > max) invalid(`${key} is longer than ${max} characters`);
}

/** Python's `uuid.UUID(s.lower()).hex` for the spellings it accepts, braces and `urn:uuid:` included. */
function parseEventId(raw: string): string {
  let text = raw.trim().toLowerCase();
  if (text.startsWith("urn:uuid:")) text = text.slice("urn:uuid:".length);
  text = BRACED.exec(text)?.[1] ?? text;
  if (!UUID.test(text)) invalid("event_id is not a UUID");
  return text.replaceAll("-", "");
}

/** The record on `user-reports` (JSON, keyed by the event id). */
export function userReportRecord(
  report: UserReport,
  message: RelayUserReportMessage,
  organizationId: number,
): JsonObject {
  return {
    project_id: message.project_id,
    organization_id: organizationId,
    event_id: report.eventId,
    name: report.name,
    email: report.email,
    comments: report.comments,
    start_time: message.start_time,
  };
}
