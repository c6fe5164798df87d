// N24: the request interface. Method upper-cased and validated; the URL split into query string
// and fragment (explicit fields win); string bodies parsed as JSON or form data, which also sets
// the inferred content type; a Cookie header turned into `cookies`.

import { inferContentType } from "./contexts.ts";
import { parseCookieHeader, parseQueryString } from "./http-text.ts";
import { isObject, type JsonObject } from "./json.ts";
import type { MetaTree, Path } from "./meta.ts";

const METHOD = /^[A-Z\-_]{3,32}$/;
const ELLIPSIS = "\u2026";

function normalizeMethod(request: JsonObject, meta: MetaTree, path: Path): void {
  if (typeof request.method !== "string") return;
  // `make_ascii_uppercase`: only ASCII letters change.
  const method = request.method;
  let ascii = true;
  for (let i = 0; i < method.length && ascii; i++) ascii = method.charCodeAt(i) <= 0x7f;
  const upper = ascii ? method.toUpperCase() : method.replace(/[a-z]+/g, (run) => run.toUpperCase());
  request.method = upper;
  const methodPath = [...path, "method"];
  if (!meta.hasErrors(methodPath) && !METHOD.test(upper)) {
    const node = meta.at(methodPath);
    node.addError("invalid_data");
    node.setOriginal(upper);
    request.method = undefined;
  }
}

function normalizeUrl(request: JsonObject): void {
  if (typeof request.url !== "string") return;
  let url: string = request.url;
  // The JavaScript SDK once marked truncated URLs with an ellipsis character.
  if (url.endsWith(ELLIPSIS)) url = `${url.slice(0, -1)}...`;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined) {
    if (request.query_string === undefined) {
      const pairs: unknown[] = [];
      for (const [key, value] of parsed.searchParams) pairs.push([key, value]);
      if (pairs.length > 0) request.query_string = pairs;
    }
    if (request.fragment === undefined && parsed.hash !== "") request.fragment = decodeFragment(parsed);
    parsed.search = "";
    parsed.hash = "";
    request.url = parsed.href;
    return;
  }
  // Not an absolute URL: split query and fragment by hand.
  const hashIndex = url.indexOf("#");
  if (hashIndex >= 0) {
    const fragment = url.slice(hashIndex + 1);
    if (fragment !== "" && request.fragment === undefined) request.fragment = fragment;
    url = url.slice(0, hashIndex);
  }
  const queryIndex = url.indexOf("?");
  if (queryIndex >= 0) {
    const query = url.slice(queryIndex + 1);
    if (query !== "" && request.query_string === undefined) {
      const pairs = parseQueryString(query);
      if (pairs.length > 0) request.query_string = pairs;
    }
    url = url.slice(0, queryIndex);
  }
  request.url = url;
}

/** The URL crate keeps the fragment as percent-encoded text without the `#`. */
function decodeFragment(url: URL): string {
  return url.hash.slice(1);
}

/** Form bodies: ASCII only, not XML or JSON-looking, and more than a lone empty key. */
export function parseFormBody(raw: string): JsonObject | undefined {
  for (let i = 0; i < raw.length; i++) if (raw.charCodeAt(i) > 0x7f) return undefined;
  if (raw.startsWith("<?xml") || raw.startsWith("{") || raw.startsWith("[")) return undefined;
  const object: JsonObject = {};
  let count = 0;
  let firstValue: string | undefined;
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!Object.hasOwn(object, key)) count++;
    if (count === 1 && firstValue === undefined) firstValue = value;
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const valid = count > 1 || (count === 1 && firstValue !== "" && firstValue !== "=");
  return valid ? object : undefined;
}

function normalizeCookies(request: JsonObject): void {
  const headers = request.headers;
  if (!Array.isArray(headers)) return;
  const index = headers.findIndex((pair) => Array.isArray(pair) && pair[0] === "Cookie");
  if (request.cookies !== undefined) {
    if (index >= 0) request.headers = [...headers.slice(0, index), ...headers.slice(index + 1)];
    return;
  }
  if (index < 0) return;
  const value = (headers[index] as unknown[])[1];
  if (typeof value !== "string") return;
  const { pairs, errors } = parseCookieHeader(value);
  if (errors.length > 0) return;
  request.cookies = pairs;
  request.headers = [...headers.slice(0, index), ...headers.slice(index + 1)];
}

export function normalizeRequest(request: JsonObject, meta: MetaTree, path: Path): void {
  normalizeMethod(request, meta, path);
  normalizeUrl(request);
  inferContentType(request, parseFormBody);
  normalizeCookies(request);
}

export function normalizeEventRequest(event: JsonObject, meta: MetaTree): void {
  if (isObject(event.request)) normalizeRequest(event.request, meta, ["request"]);
}
