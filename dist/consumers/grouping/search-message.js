// consumers/grouping/search-message.ts
import { truncateChars } from "./save-event-tags.js";
var SENTRY_MAX_MESSAGE_LENGTH = 8192;
var SKIPPED_KEYS = /* @__PURE__ */ new Set(["in_app_frame_mix"]);
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function forceStr(value) {
  if (typeof value === "string") return value;
  if (value === null) return "None";
  return JSON.stringify(value);
}
function searchMessage(data) {
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
export {
  searchMessage
};
//# sourceMappingURL=search-message.js.map
