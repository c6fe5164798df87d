import type { JsonObject, JsonValue } from "../../schemas/json-payload.ts";
import { truncateChars } from "./save-event-tags.ts";

// Sentry's `BaseEvent.search_message` (sentry/eventstore/models.py): what the insert body
// carries as `message` and Snuba stores in the `message` column for full-text search. It is
// the log message, then every metadata value not already contained in it, then the
// culprit if not already contained, stripped and cut to SENTRY_MAX_MESSAGE_LENGTH.

const SENTRY_MAX_MESSAGE_LENGTH = 8192;
/** Metadata keys Sentry leaves out of the search message. */
const SKIPPED_KEYS: ReadonlySet<string> = new Set(["in_app_frame_mix"]);

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `force_str` of a metadata value; containers become JSON text (Python would repr them). */
function forceStr(value: JsonValue): string {
  if (typeof value === "string") return value;
  if (value === null) return "None";
  return JSON.stringify(value);
}

export function searchMessage(data: JsonObject): string {
  let message = "";
  const logentry = data.logentry;
  if (isObject(logentry)) {
    const text = logentry.formatted || logentry.message;
    if (typeof text === "string") message += text;
  }
  const metadata = data.metadata;
  if (isObject(metadata)) {
    for (const [key, value] of Object.entries(metadata)) {
      if (SKIPPED_KEYS.has(key) || typeof value === "boolean" || typeof value === "number") continue;
      const text = forceStr(value);
      if (!message.includes(text)) message = `${message} ${text}`;
    }
  }
  const culprit = data.culprit;
  if (typeof culprit === "string" && culprit !== "" && !message.includes(culprit)) {
    message = `${message} ${culprit}`;
  }
  return truncateChars(message.trim(), SENTRY_MAX_MESSAGE_LENGTH);
}
