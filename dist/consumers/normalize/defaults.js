// consumers/normalize/defaults.ts
import { asArray, asObject, charCount, isObject, takeChars } from "./json.js";
import { isKnownDebugImage } from "./parse.js";
import { isEmptyValue } from "./struct-value.js";
var VALID_PLATFORMS = /* @__PURE__ */ new Set([
  "as3",
  "c",
  "cfml",
  "cocoa",
  "csharp",
  "elixir",
  "go",
  "groovy",
  "haskell",
  "java",
  "javascript",
  "native",
  "node",
  "objc",
  "other",
  "perl",
  "php",
  "python",
  "ruby"
]);
var MAX_LOGGER_CHARS = 64;
function normalizeDebugMeta(event, meta) {
  const images = asArray(asObject(event.debug_meta)?.images);
  if (images === void 0) return;
  for (let i = 0; i < images.length; i++) {
    const image = images[i];
    if (image === null || isKnownDebugImage(image)) continue;
    const node = meta.at(["debug_meta", "images", i]);
    node.addError("invalid_data", { reason: "unsupported debug image type" });
    node.setOriginal(image);
    images[i] = null;
  }
}
function normalizeBreadcrumbs(event) {
  for (const crumb of asArray(asObject(event.breadcrumbs)?.values) ?? []) {
    if (!isObject(crumb)) continue;
    if (isEmptyValue(crumb.type)) crumb.type = "default";
    if (crumb.level === void 0) crumb.level = "info";
  }
}
function normalizePlatformAndLevel(event) {
  if (event.platform === void 0) event.platform = "other";
  if (event.level === void 0) event.level = event.type === "transaction" ? "info" : "error";
}
function normalizeMeasurements(event, meta) {
  if (event.type === "transaction") return;
  event.measurements = void 0;
  meta.remove(["measurements"]);
}
function inferEventType(event) {
  if (event.type === "transaction" || event.type === "userreportv2") return event.type;
  const values = asArray(asObject(event.exception)?.values);
  if (values !== void 0 && values.length > 0) return "error";
  if (event.csp !== void 0) return "csp";
  if (event.hpkp !== void 0) return "hpkp";
  if (event.expectct !== void 0) return "expectct";
  if (event.expectstaple !== void 0) return "expectstaple";
  const nel = asObject(asObject(event.contexts)?.nel);
  if (nel !== void 0 && nel.type === "nel") return "nel";
  return "default";
}
function sdkFromClient(client) {
  let index = client.indexOf("/");
  if (index < 0) index = client.indexOf(" ");
  if (index < 0) return void 0;
  return { name: client.slice(0, index), version: client.slice(index + 1) };
}
function shortenLogger(logger, meta) {
  const originalLength = charCount(logger);
  const trimmed = logger.trim();
  const trimmedLength = charCount(trimmed);
  if (trimmedLength <= MAX_LOGGER_CHARS) {
    if (trimmed === logger) return logger;
    const root = meta.root;
    if (trimmed === "") root.addRemark(["@logger:remove", "x", 0, originalLength]);
    else root.addRemark(["@logger:trim", "s"]);
    root.setLength(originalLength);
    return trimmed;
  }
  const chars = Array.from(trimmed);
  const removeCount = chars.length - MAX_LOGGER_CHARS + 1;
  let wordCut = false;
  for (let i = 0; i < removeCount; i++) {
    const char = chars[i];
    if (!wordCut && char !== ".") wordCut = true;
    else if (wordCut && char === ".") wordCut = false;
  }
  let kept = chars.slice(removeCount);
  if (wordCut) {
    const dot = kept.indexOf(".");
    if (dot >= 0) kept = kept.slice(dot);
  }
  meta.root.addRemark(["@logger:replace", "s", 0, trimmedLength - kept.length]);
  meta.root.setLength(originalLength);
  return `*${kept.join("")}`;
}
function normalizeDefaultAttributes(event, meta, config) {
  const type = inferEventType(event);
  event.type = type;
  event.project = config.projectId;
  event.key_id = config.keyId;
  event.version = config.protocolVersion;
  event.grouping_config = config.groupingConfig === void 0 ? void 0 : groupingConfigValue(config.groupingConfig);
  const rootChildren = meta.root.children;
  if (rootChildren !== void 0)
    for (const key of ["type", "project", "key_id", "version", "grouping_config"]) rootChildren.delete(key);
  if (typeof event.platform === "string" && !VALID_PLATFORMS.has(event.platform)) {
    meta.at(["platform"]).setOriginal(event.platform);
    event.platform = void 0;
  }
  if (event.event_id === void 0) event.event_id = config.fallbackEventId ?? randomEventId();
  if (event.platform === void 0) event.platform = "other";
  if (event.logger === void 0) event.logger = "";
  if (event.extra === void 0) event.extra = {};
  if (event.errors === void 0) event.errors = [];
  if (event.level === void 0) event.level = type === "transaction" ? "info" : "error";
  if (event.sdk === void 0 && config.client !== void 0) {
    const sdk = sdkFromClient(config.client);
    if (sdk !== void 0) event.sdk = sdk;
  }
  if (event.platform === "java" && typeof event.logger === "string")
    event.logger = shortenLogger(event.logger, meta);
}
function groupingConfigValue(config) {
  const out = {};
  for (const key of Object.keys(config).sort()) out[key] = config[key];
  if (typeof out.id === "string" && charCount(out.id) > 128) out.id = takeChars(out.id, 128);
  return out;
}
function randomEventId() {
  return crypto.randomUUID().replaceAll("-", "");
}
export {
  VALID_PLATFORMS,
  inferEventType,
  normalizeBreadcrumbs,
  normalizeDebugMeta,
  normalizeDefaultAttributes,
  normalizeMeasurements,
  normalizePlatformAndLevel,
  sdkFromClient,
  shortenLogger
};
//# sourceMappingURL=defaults.js.map
