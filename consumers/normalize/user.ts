// N4–N6 and N10: who sent the event. Security and NEL reports always take the client IP;
// `{{auto}}` resolves to it; REMOTE_ADDR fills an empty user IP; only JavaScript and Apple
// platforms get the client IP without asking for it. Then Sentry's `sentry_user` tag value.

import type { NormalizeConfig } from "./config.ts";
import { asObject, isObject, type JsonObject, shallowCopy } from "./json.ts";
import { AUTO_IP, isIpAddress } from "./values.ts";

const IMPLICIT_IP_PLATFORMS = new Set(["javascript", "cocoa", "objc"]);

export function isSecurityReport(event: JsonObject): boolean {
  // Spelled out: called several times per event, and most events are none of these.
  return (
    event.csp !== undefined ||
    event.expectct !== undefined ||
    event.expectstaple !== undefined ||
    event.hpkp !== undefined
  );
}

function ensureUser(event: JsonObject): JsonObject {
  let user = asObject(event.user);
  if (user === undefined) {
    user = {};
    event.user = user;
  }
  return user;
}

function hasHeader(headers: unknown[], name: string): boolean {
  return headers.some((pair) => Array.isArray(pair) && pair[0] === name);
}

/** N4: security reports come from browsers; backfill what the report itself lacks. */
export function normalizeSecurityReport(event: JsonObject, config: NormalizeConfig): void {
  if (!isSecurityReport(event)) return;
  if (event.logger === undefined) event.logger = "csp";
  if (config.clientIp !== undefined) ensureUser(event).ip_address = config.clientIp;
  const hints = config.clientHints;
  const values: [string, string | undefined][] = [
    ["User-Agent", config.userAgent],
    ["SEC-CH-UA-Platform", hints?.secChUaPlatform],
    ["SEC-CH-UA-Platform-Version", hints?.secChUaPlatformVersion],
    ["SEC-CH-UA", hints?.secChUa],
    ["SEC-CH-UA-Model", hints?.secChUaModel],
  ];
  if (values.every(([, value]) => value === undefined)) return;
  let request = asObject(event.request);
  if (request === undefined) {
    request = {};
    event.request = request;
  }
  const headers = Array.isArray(request.headers) ? [...request.headers] : [];
  for (const [name, value] of values) {
    if (value !== undefined && !hasHeader(headers, name)) headers.push([name, value]);
  }
  request.headers = headers;
}

/** N5: network error reports carry no user; the reporting client is the user. */
export function normalizeNelReport(event: JsonObject, config: NormalizeConfig): void {
  const nel = asObject(asObject(event.contexts)?.nel);
  if (nel === undefined || nel.type !== "nel" || config.clientIp === undefined) return;
  ensureUser(event).ip_address = config.clientIp;
}

/** N6, kept in one place because the order of these rules matters. */
export function normalizeIpAddresses(event: JsonObject, config: NormalizeConfig): void {
  const clientIp = config.clientIp;
  const request = asObject(event.request);
  let env = asObject(request?.env);
  if (clientIp !== undefined) {
    if (
      request !== undefined &&
      env !== undefined &&
      env.REMOTE_ADDR === AUTO_IP &&
      Object.hasOwn(env, "REMOTE_ADDR")
    ) {
      env = shallowCopy(env);
      env.REMOTE_ADDR = clientIp;
      request.env = env;
    }
    const user = asObject(event.user);
    if (user !== undefined && user.ip_address === AUTO_IP) user.ip_address = clientIp;
  }
  const remote = env !== undefined && Object.hasOwn(env, "REMOTE_ADDR") ? env.REMOTE_ADDR : undefined;
  const httpIp =
    typeof remote === "string" && (remote === AUTO_IP || isIpAddress(remote)) ? remote : undefined;
  if (httpIp !== undefined) {
    const user = ensureUser(event);
    // An unresolved `{{auto}}` (no client IP known) also takes the request's address.
    if (user.ip_address === undefined || (user.ip_address === AUTO_IP && httpIp !== AUTO_IP))
      user.ip_address = httpIp;
  } else if (clientIp !== undefined) {
    const user = ensureUser(event);
    if (
      user.ip_address === undefined &&
      typeof event.platform === "string" &&
      IMPLICIT_IP_PLATFORMS.has(event.platform)
    ) {
      user.ip_address = clientIp;
    }
  }
}

/** N10: Sentry's user tag value, `id:` before `username:` before `email:` before `ip:`. */
export function normalizeUser(event: JsonObject): void {
  const user = event.user;
  if (!isObject(user)) return;
  let tag: string | undefined;
  if (typeof user.id === "string") tag = `id:${user.id}`;
  else if (typeof user.username === "string") tag = `username:${user.username}`;
  else if (typeof user.email === "string") tag = `email:${user.email}`;
  else if (typeof user.ip_address === "string") tag = `ip:${user.ip_address}`;
  if (tag !== undefined) user.sentry_user = tag;
  else user.sentry_user = undefined;
}
