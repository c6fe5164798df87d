import { isIP } from "node:net";
import type { JsonObject, JsonValue } from "../../schemas/json-payload.ts";

// The tag changes Sentry's save_event makes to the event before it goes to Snuba
// (sentry/event_manager.py, in its order): `_pull_out_data` copies level, logger,
// environment and transaction into tags; `_get_or_create_release_many` replaces a client
// `release`/`dist` tag with `sentry:release`/`sentry:dist`; `_get_event_user_many` replaces
// a client `user` tag with `sentry:user`; the default-enabled URL plugin adds `url`; and
// `_derive_interface_tags_many` adds the interfaces' tags (exception mechanism, contexts),
// interfaces by descending score (exception 2000, contexts 800). Snuba's promoted columns
// (release, dist, user, environment, level, transaction_name) come only from these tags.
//
// `set_tag` removes every pair with the key and appends the new one, trimmed to Sentry's
// MAX_TAG_VALUE_LENGTH; `pop_tag` keeps null entries. Both are copied here exactly.

const MAX_TAG_VALUE_LENGTH = 200;

type TagEntry = JsonValue;

/** sentry.utils.strings.truncatechars: code points, `...` counted in the length. */
export function truncateChars(value: string, length: number): string {
  const chars = Array.from(value);
  if (chars.length <= length) return value;
  return `${chars.slice(0, Math.max(0, length - 3)).join("")}...`;
}

function keyOf(entry: TagEntry): unknown {
  return Array.isArray(entry) ? entry[0] : undefined;
}

function popTag(tags: TagEntry[], key: string): TagEntry[] {
  return tags.filter((entry) => entry === null || keyOf(entry) !== key);
}

function setTag(tags: TagEntry[], key: string, value: JsonValue | undefined): TagEntry[] {
  const kept = popTag(tags, key);
  if (value === undefined || value === null) return kept;
  kept.push([key, typeof value === "string" ? truncateChars(value, MAX_TAG_VALUE_LENGTH) : value]);
  return kept;
}

function hasTag(tags: ReadonlyArray<TagEntry>, key: string): boolean {
  return tags.some((entry) => keyOf(entry) === key && Array.isArray(entry) && entry[1] != null);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Python truthiness of a JSON value, which is what save_event's `if x:` tests. */
function truthy(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** Python's `str()`/f-string rendering of scalars; containers as JSON text (Python would repr them). */
function pythonText(value: JsonValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  if (value === null) return "None";
  return JSON.stringify(value);
}

function tagsOf(data: JsonObject): TagEntry[] {
  const tags = data.tags;
  if (Array.isArray(tags)) return [...tags];
  // Relay always writes pairs; an object (an unnormalized SDK payload) becomes pairs in order.
  if (isObject(tags)) return Object.entries(tags).map(([key, value]) => [key, value ?? null]);
  return [];
}

/**
 * `EventUser.tag_value` of the event's user: `id:`, `email:`, `username:` or `ip:` with the
 * first present, in that order. No tag when the user has none of id, username, email or a
 * valid IP address (Sentry creates no EventUser then).
 */
export function eventUserTag(user: JsonValue | undefined): string | undefined {
  if (!isObject(user) || !truthy(user)) return undefined;
  const ip = user.ip_address;
  const ipAddress = typeof ip === "string" && isIP(ip) !== 0 ? ip : undefined;
  const candidates: Array<[string, JsonValue | undefined]> = [
    ["id", user.id],
    ["email", user.email],
    ["username", user.username],
    ["ip", ipAddress],
  ];
  for (const [kind, value] of candidates) {
    if (value !== undefined && truthy(value)) return `${kind}:${pythonText(value)}`;
  }
  return undefined;
}

// Sentry's `context_to_tag_mapping` per context type (sentry/interfaces/contexts.py): tag
// suffix ("" = the context's alias itself) → format string over the context's fields.
const CONTEXT_TAGS: Readonly<Record<string, ReadonlyArray<readonly [string, ReadonlyArray<string>]>>> = {
  app: [["device", ["device_app_hash"]]],
  device: [
    ["", ["model"]],
    ["family", ["family"]],
  ],
  runtime: [
    ["", ["name", "version"]],
    ["name", ["name"]],
  ],
  browser: [
    ["", ["name", "version"]],
    ["name", ["name"]],
  ],
  os: [
    ["", ["name", "version"]],
    ["name", ["name"]],
    ["rooted", ["rooted"]],
  ],
  gpu: [
    ["name", ["name"]],
    ["vendor", ["vendor_name"]],
  ],
  monitor: [
    ["id", ["id"]],
    ["slug", ["slug"]],
  ],
};

/** `format_index_expr`: fields joined by a space; booleans as yes/no; a missing field skips the tag. */
function formatContextTag(context: JsonObject, fields: ReadonlyArray<string>): string | undefined {
  const parts: string[] = [];
  for (const field of fields) {
    const value = context[field];
    if (value === undefined || value === null) return undefined;
    parts.push(typeof value === "boolean" ? (value ? "yes" : "no") : pythonText(value));
  }
  const text = parts.join(" ").trim();
  return text === "" ? undefined : text;
}

function contextTags(contexts: JsonValue | undefined): Array<[string, string]> {
  if (!isObject(contexts)) return [];
  const out: Array<[string, string]> = [];
  for (const [alias, context] of Object.entries(contexts)) {
    if (!isObject(context)) continue;
    const type = typeof context.type === "string" ? context.type : alias;
    // The type comes from the payload: `constructor` or `toString` must not reach Object.prototype.
    const specs = Object.hasOwn(CONTEXT_TAGS, type) ? CONTEXT_TAGS[type] : undefined;
    for (const [suffix, fields] of specs ?? []) {
      const value = formatContextTag(context, fields);
      if (value !== undefined) out.push([suffix === "" ? alias : `${alias}.${suffix}`, value]);
    }
  }
  return out;
}

/** `Exception.iter_tags`: the first exception's mechanism type and handled flag. */
function exceptionTags(exception: JsonValue | undefined): Array<[string, JsonValue | undefined]> {
  const values = isObject(exception) ? exception.values : undefined;
  const first = Array.isArray(values) ? values[0] : undefined;
  const mechanism = isObject(first) ? first.mechanism : undefined;
  if (!isObject(mechanism) || !truthy(mechanism)) return [];
  const out: Array<[string, JsonValue | undefined]> = [["mechanism", mechanism.type]];
  if (typeof mechanism.handled === "boolean") out.push(["handled", mechanism.handled ? "yes" : "no"]);
  return out;
}

/** The event's tags after save_event, as a new list (the event is not modified). */
export function saveEventTags(data: JsonObject): JsonValue[] {
  let tags = tagsOf(data);
  // _pull_out_data
  tags = setTag(tags, "level", data.level);
  if (truthy(data.logger)) tags = setTag(tags, "logger", data.logger);
  if (truthy(data.environment)) tags = setTag(tags, "environment", data.environment);
  if (truthy(data.transaction)) tags = setTag(tags, "transaction", data.transaction);
  // _get_or_create_release_many: dist only rides along with a release
  if (truthy(data.release)) {
    tags = setTag(popTag(tags, "release"), "sentry:release", pythonText(data.release as JsonValue));
    if (truthy(data.dist)) {
      tags = setTag(popTag(tags, "dist"), "sentry:dist", pythonText(data.dist as JsonValue));
    }
  }
  // _get_event_user_many
  const user = eventUserTag(data.user);
  if (user !== undefined) tags = setTag(popTag(tags, "user"), "sentry:user", user);
  // _derive_plugin_tags_many: the URL plugin, which never overrides a tag already there
  const request = data.request;
  const url = isObject(request) ? request.url : undefined;
  if (typeof url === "string" && url !== "" && !hasTag(tags, "url")) tags = setTag(tags, "url", url);
  // _derive_interface_tags_many
  for (const [key, value] of exceptionTags(data.exception)) tags = setTag(tags, key, value);
  for (const [key, value] of contextTags(data.contexts)) tags = setTag(tags, key, value);
  return tags;
}
