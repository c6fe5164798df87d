// consumers/relay-intake/user-report.ts
import { parseEventPayload } from "../../schemas/json-payload.js";
import { IntakeRuleError } from "./reasons.js";
var USER_REPORT_MAX_NAME = 128;
var USER_REPORT_MAX_EMAIL = 75;
var USER_REPORT_MAX_COMMENTS = 4096;
var UNREAL_UNATTENDED_MESSAGE = "Sent in the unattended mode";
var UUID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
var BRACED = /^\{(.*)\}$/;
function readUserReport(message, limits) {
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
function invalid(detail) {
  throw new IntakeRuleError("invalid-user-report", detail);
}
function requiredString(report, key) {
  const value = report[key];
  if (value === void 0 || value === null) invalid(`${key} is missing`);
  if (typeof value !== "string") invalid(`${key} is not a string`);
  return value;
}
function optionalString(report, key) {
  const value = report[key];
  if (value === void 0 || value === null) return "";
  if (typeof value !== "string") invalid(`${key} is not a string`);
  return value;
}
function tooLong(key, value, max) {
  if (value.length <= max) return;
  let points = 0;
  for (const _ of value) if (++points > max) invalid(`${key} is longer than ${max} characters`);
}
function parseEventId(raw) {
  let text = raw.trim().toLowerCase();
  if (text.startsWith("urn:uuid:")) text = text.slice("urn:uuid:".length);
  text = BRACED.exec(text)?.[1] ?? text;
  if (!UUID.test(text)) invalid("event_id is not a UUID");
  return text.replaceAll("-", "");
}
function userReportRecord(report, message, organizationId) {
  return {
    project_id: message.project_id,
    organization_id: organizationId,
    event_id: report.eventId,
    name: report.name,
    email: report.email,
    comments: report.comments,
    start_time: message.start_time
  };
}
export {
  UNREAL_UNATTENDED_MESSAGE,
  USER_REPORT_MAX_COMMENTS,
  USER_REPORT_MAX_EMAIL,
  USER_REPORT_MAX_NAME,
  readUserReport,
  userReportRecord
};
//# sourceMappingURL=user-report.js.map
