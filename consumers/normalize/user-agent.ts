// N20: browser, device and OS contexts from the request's User-Agent and client hints, added
// only where the event has none. Relay parses with uap-core's regexes; we use ua-parser-js and
// map its names to uap's (`Mac OS X`, `Chrome Mobile`), so families match for the common agents.

import { UAParser } from "ua-parser-js";
import { asArray, asObject, type JsonObject, setOwn } from "./json.ts";

interface AgentInfo {
  userAgent?: string;
  secChUa?: string;
  secChUaModel?: string;
  secChUaPlatform?: string;
  secChUaPlatformVersion?: string;
}

function agentInfoFromHeaders(headers: readonly unknown[]): AgentInfo {
  const info: AgentInfo = {};
  for (const pair of headers) {
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") continue;
    switch (pair[0].toLowerCase()) {
      case "user-agent":
        info.userAgent = pair[1];
        break;
      case "sec-ch-ua":
        info.secChUa = pair[1];
        break;
      case "sec-ch-ua-model":
        info.secChUaModel = pair[1];
        break;
      case "sec-ch-ua-platform":
        info.secChUaPlatform = pair[1];
        break;
      case "sec-ch-ua-platform-version":
        info.secChUaPlatformVersion = pair[1];
        break;
    }
  }
  return info;
}

const BROWSER_NAMES: Readonly<Record<string, string>> = {
  "Mobile Chrome": "Chrome Mobile",
  "Mobile Firefox": "Firefox Mobile",
  "Chrome Headless": "HeadlessChrome",
  "Chrome WebView": "Chrome Mobile WebView",
  "Opera Mobi": "Opera Mobile",
};

const OS_NAMES: Readonly<Record<string, string>> = { macOS: "Mac OS X" };

/** uap prints at most major.minor.patch. */
function shortVersion(version: string | undefined): string | undefined {
  if (version === undefined || version === "") return undefined;
  return version.split(".").slice(0, 3).join(".");
}

/** `"Google Chrome";v="109"` entries, skipping fake brands and engines. */
function browserFromClientHints(header: string): [string, string] | undefined {
  for (const item of header.split(",")) {
    if (
      item.includes("Brand") ||
      item.includes("Chromium") ||
      item.includes("Gecko") ||
      item.includes("WebKit")
    )
      continue;
    const match = /"([^"]*)";v="([^"]*)"/.exec(item);
    if (match === null) return undefined;
    const [, browser, version] = match as unknown as [string, string, string];
    if (browser.trim() === "" || version.trim() === "") return undefined;
    return [browser, version];
  }
  return undefined;
}

function browserContext(info: AgentInfo, parsed: () => UAParser.IResult | undefined): JsonObject | undefined {
  if (info.secChUa !== undefined) {
    const hint = browserFromClientHints(info.secChUa);
    if (hint !== undefined) return { name: hint[0], version: hint[1], type: "browser" };
  }
  const browser = parsed()?.browser;
  if (browser?.name === undefined) return undefined;
  const context: JsonObject = { name: BROWSER_NAMES[browser.name] ?? browser.name };
  const version = shortVersion(browser.version);
  if (version !== undefined) context.version = version;
  context.type = "browser";
  return context;
}

function deviceContext(info: AgentInfo, parsed: () => UAParser.IResult | undefined): JsonObject | undefined {
  if (info.secChUaModel !== undefined) {
    const model = info.secChUaModel.trim().replaceAll('"', "");
    if (model !== "") return { model, type: "device" };
  }
  const device = parsed()?.device;
  if (device === undefined || (device.model === undefined && device.vendor === undefined)) return undefined;
  const family =
    device.vendor !== undefined && device.model !== undefined && device.vendor !== "Apple"
      ? `${device.vendor} ${device.model}`
      : (device.model ?? device.vendor);
  const context: JsonObject = { family };
  if (device.model !== undefined) context.model = device.model;
  if (device.vendor !== undefined) context.brand = device.vendor;
  context.type = "device";
  return context;
}

function osContext(info: AgentInfo, parsed: () => UAParser.IResult | undefined): JsonObject | undefined {
  if (info.secChUaPlatform !== undefined) {
    const name = info.secChUaPlatform.trim().replaceAll('"', "");
    if (name !== "") {
      const context: JsonObject = { name };
      if (info.secChUaPlatformVersion !== undefined)
        context.version = info.secChUaPlatformVersion.trim().replaceAll('"', "");
      context.type = "os";
      return context;
    }
  }
  const os = parsed()?.os;
  if (os?.name === undefined) return undefined;
  const name = OS_NAMES[os.name] ?? os.name;
  let version = shortVersion(os.version);
  // User agents freeze the version at Windows 10 and macOS 10.15.7: it may be newer.
  if (
    version !== undefined &&
    ((name === "Windows" && version === "10") || (name === "Mac OS X" && version === "10.15.7"))
  ) {
    version = `>=${version}`;
  }
  const context: JsonObject = { name };
  if (version !== undefined) context.version = version;
  context.type = "os";
  return context;
}

/**
 * Parsing a user agent runs dozens of regular expressions; the same few agents send most
 * events, so results are memoized (a pure function of the string, bounded in size).
 */
const PARSE_CACHE_SIZE = 2048;
const parseCache = new Map<string, UAParser.IResult>();

function parseAgent(userAgent: string): UAParser.IResult {
  const cached = parseCache.get(userAgent);
  if (cached !== undefined) return cached;
  const parsed = UAParser(userAgent);
  if (parseCache.size >= PARSE_CACHE_SIZE) {
    const oldest = parseCache.keys().next().value;
    if (oldest !== undefined) parseCache.delete(oldest);
  }
  parseCache.set(userAgent, parsed);
  return parsed;
}

export function normalizeUserAgent(event: JsonObject): void {
  const headers = asArray(asObject(event.request)?.headers);
  if (headers === undefined) return;
  const info = agentInfoFromHeaders(headers);
  let cached: UAParser.IResult | undefined;
  let done = false;
  const parsed = (): UAParser.IResult | undefined => {
    if (!done && info.userAgent !== undefined) cached = parseAgent(info.userAgent);
    done = true;
    return cached;
  };
  let contexts = asObject(event.contexts);
  if (contexts === undefined) {
    if (
      info.userAgent === undefined &&
      info.secChUa === undefined &&
      info.secChUaModel === undefined &&
      info.secChUaPlatform === undefined
    ) {
      return;
    }
    contexts = {};
    event.contexts = contexts;
  }
  const has = (key: string, type: string): boolean => asObject(contexts[key])?.type === type;
  if (!has("browser", "browser")) {
    const browser = browserContext(info, parsed);
    if (browser !== undefined) setOwn(contexts, "browser", browser);
  }
  if (!has("device", "device")) {
    const device = deviceContext(info, parsed);
    if (device !== undefined) setOwn(contexts, "device", device);
  }
  // Server SDKs send their own OS context; the client's goes to `client_os` unless JavaScript.
  const osKey = event.platform === "javascript" ? "os" : "client_os";
  if (!Object.hasOwn(contexts, osKey)) {
    const os = osContext(info, parsed);
    if (os !== undefined) setOwn(contexts, osKey, os);
  }
}
