// N12, N13, N16, N21, N23: debug images, breadcrumb defaults, platform and level defaults,
// measurements, and the attributes every stored event has (type, project, ids, logger, SDK).

import type { NormalizeConfig } from "./config.ts";
import { asArray, asObject, charCount, isObject, type JsonObject, takeChars } from "./json.ts";
import type { MetaTree } from "./meta.ts";
import { isKnownDebugImage } from "./parse.ts";
import { isEmptyValue } from "./struct-value.ts";

/** Relay's VALID_PLATFORMS (protocol version 7). */
export const VALID_PLATFORMS: ReadonlySet<string> = new Set([
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
  "ruby",
]);

const MAX_LOGGER_CHARS = 64;

/** N12: images of an unknown kind cannot be symbolicated; they become null with an error. */
export function normalizeDebugMeta(event: JsonObject, meta: MetaTree): void {
  const images = asArray(asObject(event.debug_meta)?.images);
  if (images === undefined) return;
  for (let i = 0; i < images.length; i++) {
    const image = images[i];
    if (image === null || isKnownDebugImage(image)) continue;
    const node = meta.at(["debug_meta", "images", i]);
    node.addError("invalid_data", { reason: "unsupported debug image type" });
    node.setOriginal(image);
    images[i] = null;
  }
}

/** N13. */
export function normalizeBreadcrumbs(event: JsonObject): void {
  for (const crumb of asArray(asObject(event.breadcrumbs)?.values) ?? []) {
    if (!isObject(crumb)) continue;
    if (isEmptyValue(crumb.type)) crumb.type = "default";
    if (crumb.level === undefined) crumb.level = "info";
  }
}

/** N16: defaults that metrics extraction relies on. */
export function normalizePlatformAndLevel(event: JsonObject): void {
  if (event.platform === undefined) event.platform = "other";
  if (event.level === undefined) event.level = event.type === "transaction" ? "info" : "error";
}

/** N21: only transactions carry measurements and breakdowns. */
export function normalizeMeasurements(event: JsonObject, meta: MetaTree): void {
  if (event.type === "transaction") return;
  // Writing absent keys would only grow the event object (and change its shape).
  if (event.measurements !== undefined) event.measurements = undefined;
  if (meta.root.children !== undefined) meta.remove(["measurements"]);
}

/** The type Sentry assigns; only `transaction` (and user reports) may be claimed by the SDK. */
export function inferEventType(event: JsonObject): string {
  if (event.type === "transaction" || event.type === "userreportv2") return event.type;
  const values = asArray(asObject(event.exception)?.values);
  if (values !== undefined && values.length > 0) return "error";
  if (event.csp !== undefined) return "csp";
  if (event.hpkp !== undefined) return "hpkp";
  if (event.expectct !== undefined) return "expectct";
  if (event.expectstaple !== undefined) return "expectstaple";
  const nel = asObject(asObject(event.contexts)?.nel);
  if (nel !== undefined && nel.type === "nel") return "nel";
  return "default";
}

/** `sentry.python/1.2.3` or `sentry-ruby 5.0`: split once on `/`, else once on a space. */
export function sdkFromClient(client: string): JsonObject | undefined {
  let index = client.indexOf("/");
  if (index < 0) index = client.indexOf(" ");
  if (index < 0) return undefined;
  return { name: client.slice(0, index), version: client.slice(index + 1) };
}

/**
 * Java loggers are class paths: shorten from the front to a whole segment and mark with `*`.
 * The remark lands on the event root, as in Relay.
 */
export function shortenLogger(logger: string, meta: MetaTree): string {
  // Most loggers are short and unpadded: no need to count characters.
  if (logger.length <= MAX_LOGGER_CHARS && logger.trim() === logger) return logger;
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
  // Keep one slot for the `*` prefix.
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

/** Fields whose value comes from the config. */
const CONFIG_FIELDS = ["type", "project", "key_id", "version", "grouping_config"] as const;

/** N23. */
export function normalizeDefaultAttributes(event: JsonObject, meta: MetaTree, config: NormalizeConfig): void {
  const type = inferEventType(event);
  event.type = type;
  event.project = config.projectId;
  if (config.keyId !== undefined || event.key_id !== undefined) event.key_id = config.keyId;
  event.version = config.protocolVersion;
  if (config.groupingConfig !== undefined || event.grouping_config !== undefined)
    event.grouping_config =
      config.groupingConfig === undefined ? undefined : groupingConfigValue(config.groupingConfig);
  // These are the config's values now, whatever the client sent and whatever was wrong with it.
  const rootChildren = meta.root.children;
  if (rootChildren !== undefined) for (const key of CONFIG_FIELDS) rootChildren.delete(key);

  if (typeof event.platform === "string" && !VALID_PLATFORMS.has(event.platform)) {
    meta.at(["platform"]).setOriginal(event.platform);
    event.platform = undefined;
  }
  if (event.event_id === undefined) event.event_id = config.fallbackEventId ?? randomEventId();
  if (event.platform === undefined) event.platform = "other";
  if (event.logger === undefined) event.logger = "";
  if (event.extra === undefined) event.extra = {};
  if (event.errors === undefined) event.errors = [];
  if (event.level === undefined) event.level = type === "transaction" ? "info" : "error";
  if (event.sdk === undefined && config.client !== undefined) {
    const sdk = sdkFromClient(config.client);
    if (sdk !== undefined) event.sdk = sdk;
  }
  if (event.platform === "java" && typeof event.logger === "string")
    event.logger = shortenLogger(event.logger, meta);
}

function groupingConfigValue(config: Readonly<Record<string, unknown>>): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(config).sort()) out[key] = config[key];
  if (typeof out.id === "string" && charCount(out.id) > 128) out.id = takeChars(out.id, 128);
  return out;
}

function randomEventId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}
