// consumers/normalize/request.ts
import { inferContentType } from "./contexts.js";
import { parseCookieHeader, parseQueryString } from "./http-text.js";
import { isObject } from "./json.js";
var METHOD = /^[A-Z\-_]{3,32}$/;
var ELLIPSIS = "\u2026";
function normalizeMethod(request, meta, path) {
  if (typeof request.method !== "string") return;
  const method = request.method;
  let ascii = true;
  for (let i = 0; i < method.length && ascii; i++) ascii = method.charCodeAt(i) <= 127;
  const upper = ascii ? method.toUpperCase() : method.replace(/[a-z]+/g, (run) => run.toUpperCase());
  request.method = upper;
  const methodPath = [...path, "method"];
  if (!meta.hasErrors(methodPath) && !METHOD.test(upper)) {
    const node = meta.at(methodPath);
    node.addError("invalid_data");
    node.setOriginal(upper);
    request.method = void 0;
  }
}
function normalizeUrl(request) {
  if (typeof request.url !== "string") return;
  let url = request.url;
  if (url.endsWith(ELLIPSIS)) url = `${url.slice(0, -1)}...`;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    parsed = void 0;
  }
  if (parsed !== void 0) {
    if (request.query_string === void 0) {
      const pairs = [];
      for (const [key, value] of parsed.searchParams) pairs.push([key, value]);
      if (pairs.length > 0) request.query_string = pairs;
    }
    if (request.fragment === void 0 && parsed.hash !== "") request.fragment = decodeFragment(parsed);
    parsed.search = "";
    parsed.hash = "";
    request.url = parsed.href;
    return;
  }
  const hashIndex = url.indexOf("#");
  if (hashIndex >= 0) {
    const fragment = url.slice(hashIndex + 1);
    if (fragment !== "" && request.fragment === void 0) request.fragment = fragment;
    url = url.slice(0, hashIndex);
  }
  const queryIndex = url.indexOf("?");
  if (queryIndex >= 0) {
    const query = url.slice(queryIndex + 1);
    if (query !== "" && request.query_string === void 0) {
      const pairs = parseQueryString(query);
      if (pairs.length > 0) request.query_string = pairs;
    }
    url = url.slice(0, queryIndex);
  }
  request.url = url;
}
function decodeFragment(url) {
  return url.hash.slice(1);
}
function parseFormBody(raw) {
  for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) > 127) return void 0;
  if (raw.startsWith("<?xml") || raw.startsWith("{") || raw.startsWith("[")) return void 0;
  const object = {};
  let count = 0;
  let firstValue;
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!Object.hasOwn(object, key)) count++;
    if (count === 1 && firstValue === void 0) firstValue = value;
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const valid = count > 1 || count === 1 && firstValue !== "" && firstValue !== "=";
  return valid ? object : void 0;
}
function normalizeCookies(request) {
  const headers = request.headers;
  if (!Array.isArray(headers)) return;
  const index = headers.findIndex((pair) => Array.isArray(pair) && pair[0] === "Cookie");
  if (request.cookies !== void 0) {
    if (index >= 0) request.headers = [...headers.slice(0, index), ...headers.slice(index + 1)];
    return;
  }
  if (index < 0) return;
  const value = headers[index][1];
  if (typeof value !== "string") return;
  const { pairs, errors } = parseCookieHeader(value);
  if (errors.length > 0) return;
  request.cookies = pairs;
  request.headers = [...headers.slice(0, index), ...headers.slice(index + 1)];
}
function normalizeRequest(request, meta, path) {
  normalizeMethod(request, meta, path);
  normalizeUrl(request);
  inferContentType(request, parseFormBody);
  normalizeCookies(request);
}
function normalizeEventRequest(event, meta) {
  if (isObject(event.request)) normalizeRequest(event.request, meta, ["request"]);
}
export {
  normalizeEventRequest,
  normalizeRequest,
  parseFormBody
};
//# sourceMappingURL=request.js.map
