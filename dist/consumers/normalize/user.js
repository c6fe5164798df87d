// consumers/normalize/user.ts
import { asObject, isObject, shallowCopy } from "./json.js";
import { AUTO_IP, isIpAddress } from "./values.js";
var SECURITY_REPORTS = ["csp", "expectct", "expectstaple", "hpkp"];
var IMPLICIT_IP_PLATFORMS = /* @__PURE__ */ new Set(["javascript", "cocoa", "objc"]);
function isSecurityReport(event) {
  return SECURITY_REPORTS.some((key) => event[key] !== void 0);
}
function ensureUser(event) {
  let user = asObject(event.user);
  if (user === void 0) {
    user = {};
    event.user = user;
  }
  return user;
}
function hasHeader(headers, name) {
  return headers.some((pair) => Array.isArray(pair) && pair[0] === name);
}
function normalizeSecurityReport(event, config) {
  if (!isSecurityReport(event)) return;
  if (event.logger === void 0) event.logger = "csp";
  if (config.clientIp !== void 0) ensureUser(event).ip_address = config.clientIp;
  const hints = config.clientHints;
  const values = [
    ["User-Agent", config.userAgent],
    ["SEC-CH-UA-Platform", hints?.secChUaPlatform],
    ["SEC-CH-UA-Platform-Version", hints?.secChUaPlatformVersion],
    ["SEC-CH-UA", hints?.secChUa],
    ["SEC-CH-UA-Model", hints?.secChUaModel]
  ];
  if (values.every(([, value]) => value === void 0)) return;
  let request = asObject(event.request);
  if (request === void 0) {
    request = {};
    event.request = request;
  }
  const headers = Array.isArray(request.headers) ? [...request.headers] : [];
  for (const [name, value] of values) {
    if (value !== void 0 && !hasHeader(headers, name)) headers.push([name, value]);
  }
  request.headers = headers;
}
function normalizeNelReport(event, config) {
  const nel = asObject(asObject(event.contexts)?.nel);
  if (nel === void 0 || nel.type !== "nel" || config.clientIp === void 0) return;
  ensureUser(event).ip_address = config.clientIp;
}
function normalizeIpAddresses(event, config) {
  const clientIp = config.clientIp;
  const request = asObject(event.request);
  let env = asObject(request?.env);
  if (clientIp !== void 0) {
    if (request !== void 0 && env !== void 0 && env.REMOTE_ADDR === AUTO_IP && Object.hasOwn(env, "REMOTE_ADDR")) {
      env = shallowCopy(env);
      env.REMOTE_ADDR = clientIp;
      request.env = env;
    }
    const user = asObject(event.user);
    if (user !== void 0 && user.ip_address === AUTO_IP) user.ip_address = clientIp;
  }
  const remote = env !== void 0 && Object.hasOwn(env, "REMOTE_ADDR") ? env.REMOTE_ADDR : void 0;
  const httpIp = typeof remote === "string" && (remote === AUTO_IP || isIpAddress(remote)) ? remote : void 0;
  if (httpIp !== void 0) {
    const user = ensureUser(event);
    if (user.ip_address === void 0 || user.ip_address === AUTO_IP && httpIp !== AUTO_IP)
      user.ip_address = httpIp;
  } else if (clientIp !== void 0) {
    const user = ensureUser(event);
    if (user.ip_address === void 0 && typeof event.platform === "string" && IMPLICIT_IP_PLATFORMS.has(event.platform)) {
      user.ip_address = clientIp;
    }
  }
}
function normalizeUser(event) {
  const user = event.user;
  if (!isObject(user)) return;
  let tag;
  if (typeof user.id === "string") tag = `id:${user.id}`;
  else if (typeof user.username === "string") tag = `username:${user.username}`;
  else if (typeof user.email === "string") tag = `email:${user.email}`;
  else if (typeof user.ip_address === "string") tag = `ip:${user.ip_address}`;
  if (tag !== void 0) user.sentry_user = tag;
  else user.sentry_user = void 0;
}
export {
  isSecurityReport,
  normalizeIpAddresses,
  normalizeNelReport,
  normalizeSecurityReport,
  normalizeUser
};
//# sourceMappingURL=user.js.map
