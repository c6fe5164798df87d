// consumers/normalize/user-agent.ts
import { UAParser } from "ua-parser-js";
import { asArray, asObject, setOwn } from "./json.js";
function agentInfoFromHeaders(headers) {
  const info = {};
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
var BROWSER_NAMES = {
  "Mobile Chrome": "Chrome Mobile",
  "Mobile Firefox": "Firefox Mobile",
  "Chrome Headless": "HeadlessChrome",
  "Chrome WebView": "Chrome Mobile WebView",
  "Opera Mobi": "Opera Mobile"
};
var OS_NAMES = { macOS: "Mac OS X" };
function shortVersion(version) {
  if (version === void 0 || version === "") return void 0;
  return version.split(".").slice(0, 3).join(".");
}
function browserFromClientHints(header) {
  for (const item of header.split(",")) {
    if (item.includes("Brand") || item.includes("Chromium") || item.includes("Gecko") || item.includes("WebKit"))
      continue;
    const match = /"([^"]*)";v="([^"]*)"/.exec(item);
    if (match === null) return void 0;
    const [, browser, version] = match;
    if (browser.trim() === "" || version.trim() === "") return void 0;
    return [browser, version];
  }
  return void 0;
}
function browserContext(info, parsed) {
  if (info.secChUa !== void 0) {
    const hint = browserFromClientHints(info.secChUa);
    if (hint !== void 0) return { name: hint[0], version: hint[1], type: "browser" };
  }
  const browser = parsed()?.browser;
  if (browser?.name === void 0) return void 0;
  const context = { name: BROWSER_NAMES[browser.name] ?? browser.name };
  const version = shortVersion(browser.version);
  if (version !== void 0) context.version = version;
  context.type = "browser";
  return context;
}
function deviceContext(info, parsed) {
  if (info.secChUaModel !== void 0) {
    const model = info.secChUaModel.trim().replaceAll('"', "");
    if (model !== "") return { model, type: "device" };
  }
  const device = parsed()?.device;
  if (device === void 0 || device.model === void 0 && device.vendor === void 0) return void 0;
  const family = device.vendor !== void 0 && device.model !== void 0 && device.vendor !== "Apple" ? `${device.vendor} ${device.model}` : device.model ?? device.vendor;
  const context = { family };
  if (device.model !== void 0) context.model = device.model;
  if (device.vendor !== void 0) context.brand = device.vendor;
  context.type = "device";
  return context;
}
function osContext(info, parsed) {
  if (info.secChUaPlatform !== void 0) {
    const name2 = info.secChUaPlatform.trim().replaceAll('"', "");
    if (name2 !== "") {
      const context2 = { name: name2 };
      if (info.secChUaPlatformVersion !== void 0)
        context2.version = info.secChUaPlatformVersion.trim().replaceAll('"', "");
      context2.type = "os";
      return context2;
    }
  }
  const os = parsed()?.os;
  if (os?.name === void 0) return void 0;
  const name = OS_NAMES[os.name] ?? os.name;
  let version = shortVersion(os.version);
  if (version !== void 0 && (name === "Windows" && version === "10" || name === "Mac OS X" && version === "10.15.7")) {
    version = `>=${version}`;
  }
  const context = { name };
  if (version !== void 0) context.version = version;
  context.type = "os";
  return context;
}
var PARSE_CACHE_SIZE = 2048;
var parseCache = /* @__PURE__ */ new Map();
function parseAgent(userAgent) {
  const cached = parseCache.get(userAgent);
  if (cached !== void 0) return cached;
  const parsed = UAParser(userAgent);
  if (parseCache.size >= PARSE_CACHE_SIZE) {
    const oldest = parseCache.keys().next().value;
    if (oldest !== void 0) parseCache.delete(oldest);
  }
  parseCache.set(userAgent, parsed);
  return parsed;
}
function normalizeUserAgent(event) {
  const headers = asArray(asObject(event.request)?.headers);
  if (headers === void 0) return;
  const info = agentInfoFromHeaders(headers);
  let cached;
  let done = false;
  const parsed = () => {
    if (!done && info.userAgent !== void 0) cached = parseAgent(info.userAgent);
    done = true;
    return cached;
  };
  let contexts = asObject(event.contexts);
  if (contexts === void 0) {
    if (info.userAgent === void 0 && info.secChUa === void 0 && info.secChUaModel === void 0 && info.secChUaPlatform === void 0) {
      return;
    }
    contexts = {};
    event.contexts = contexts;
  }
  const has = (key, type) => asObject(contexts[key])?.type === type;
  if (!has("browser", "browser")) {
    const browser = browserContext(info, parsed);
    if (browser !== void 0) setOwn(contexts, "browser", browser);
  }
  if (!has("device", "device")) {
    const device = deviceContext(info, parsed);
    if (device !== void 0) setOwn(contexts, "device", device);
  }
  const osKey = event.platform === "javascript" ? "os" : "client_os";
  if (!Object.hasOwn(contexts, osKey)) {
    const os = osContext(info, parsed);
    if (os !== void 0) setOwn(contexts, osKey, os);
  }
}
export {
  normalizeUserAgent
};
//# sourceMappingURL=user-agent.js.map
