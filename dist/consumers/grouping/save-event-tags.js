// consumers/grouping/save-event-tags.ts
import { isIP } from "node:net";
var MAX_TAG_VALUE_LENGTH = 200;
function truncateChars(value, length) {
  const chars = Array.from(value);
  if (chars.length <= length) return value;
  return `${chars.slice(0, Math.max(0, length - 3)).join("")}...`;
}
function keyOf(entry) {
  return Array.isArray(entry) ? entry[0] : void 0;
}
function popTag(tags, key) {
  return tags.filter((entry) => entry === null || keyOf(entry) !== key);
}
function setTag(tags, key, value) {
  const kept = popTag(tags, key);
  if (value === void 0 || value === null) return kept;
  kept.push([key, typeof value === "string" ? truncateChars(value, MAX_TAG_VALUE_LENGTH) : value]);
  return kept;
}
function hasTag(tags, key) {
  return tags.some((entry) => keyOf(entry) === key && Array.isArray(entry) && entry[1] != null);
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function truthy(value) {
  if (value === void 0 || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}
function pythonText(value) {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  if (value === null) return "None";
  return JSON.stringify(value);
}
function tagsOf(data) {
  const tags = data.tags;
  if (Array.isArray(tags)) return [...tags];
  if (isObject(tags)) return Object.entries(tags).map(([key, value]) => [key, value ?? null]);
  return [];
}
function eventUserTag(user) {
  if (!isObject(user) || !truthy(user)) return void 0;
  const ip = user.ip_address;
  const ipAddress = typeof ip === "string" && isIP(ip) !== 0 ? ip : void 0;
  const candidates = [
    ["id", user.id],
    ["email", user.email],
    ["username", user.username],
    ["ip", ipAddress]
  ];
  for (const [kind, value] of candidates) {
    if (value !== void 0 && truthy(value)) return `${kind}:${pythonText(value)}`;
  }
  return void 0;
}
var CONTEXT_TAGS = {
  app: [["device", ["device_app_hash"]]],
  device: [
    ["", ["model"]],
    ["family", ["family"]]
  ],
  runtime: [
    ["", ["name", "version"]],
    ["name", ["name"]]
  ],
  browser: [
    ["", ["name", "version"]],
    ["name", ["name"]]
  ],
  os: [
    ["", ["name", "version"]],
    ["name", ["name"]],
    ["rooted", ["rooted"]]
  ],
  gpu: [
    ["name", ["name"]],
    ["vendor", ["vendor_name"]]
  ],
  monitor: [
    ["id", ["id"]],
    ["slug", ["slug"]]
  ]
};
function formatContextTag(context, fields) {
  const parts = [];
  for (const field of fields) {
    const value = context[field];
    if (value === void 0 || value === null) return void 0;
    parts.push(typeof value === "boolean" ? value ? "yes" : "no" : pythonText(value));
  }
  const text = parts.join(" ").trim();
  return text === "" ? void 0 : text;
}
function contextTags(contexts) {
  if (!isObject(contexts)) return [];
  const out = [];
  for (const [alias, context] of Object.entries(contexts)) {
    if (!isObject(context)) continue;
    const type = typeof context.type === "string" ? context.type : alias;
    const specs = Object.hasOwn(CONTEXT_TAGS, type) ? CONTEXT_TAGS[type] : void 0;
    for (const [suffix, fields] of specs ?? []) {
      const value = formatContextTag(context, fields);
      if (value !== void 0) out.push([suffix === "" ? alias : `${alias}.${suffix}`, value]);
    }
  }
  return out;
}
function exceptionTags(exception) {
  const values = isObject(exception) ? exception.values : void 0;
  const first = Array.isArray(values) ? values[0] : void 0;
  const mechanism = isObject(first) ? first.mechanism : void 0;
  if (!isObject(mechanism) || !truthy(mechanism)) return [];
  const out = [["mechanism", mechanism.type]];
  if (typeof mechanism.handled === "boolean") out.push(["handled", mechanism.handled ? "yes" : "no"]);
  return out;
}
function saveEventTags(data) {
  let tags = tagsOf(data);
  tags = setTag(tags, "level", data.level);
  if (truthy(data.logger)) tags = setTag(tags, "logger", data.logger);
  if (truthy(data.environment)) tags = setTag(tags, "environment", data.environment);
  if (truthy(data.transaction)) tags = setTag(tags, "transaction", data.transaction);
  if (truthy(data.release)) {
    tags = setTag(popTag(tags, "release"), "sentry:release", pythonText(data.release));
    if (truthy(data.dist)) {
      tags = setTag(popTag(tags, "dist"), "sentry:dist", pythonText(data.dist));
    }
  }
  const user = eventUserTag(data.user);
  if (user !== void 0) tags = setTag(popTag(tags, "user"), "sentry:user", user);
  const request = data.request;
  const url = isObject(request) ? request.url : void 0;
  if (typeof url === "string" && url !== "" && !hasTag(tags, "url")) tags = setTag(tags, "url", url);
  for (const [key, value] of exceptionTags(data.exception)) tags = setTag(tags, key, value);
  for (const [key, value] of contextTags(data.contexts)) tags = setTag(tags, key, value);
  return tags;
}
export {
  eventUserTag,
  saveEventTags,
  truncateChars
};
//# sourceMappingURL=save-event-tags.js.map
