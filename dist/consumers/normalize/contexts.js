// consumers/normalize/contexts.ts
import { parseCookieHeader } from "./http-text.js";
import { asArray, asObject, isObject, setOwn } from "./json.js";
var OS_WINDOWS_1 = /^(?:Microsoft\s+)?Windows\s+(?:NT\s+)?(\d+\.\d+\.(\d+)).*$/s;
var OS_WINDOWS_2 = /^Windows\s+\d+\s+\((\d+\.\d+\.(\d+)).*$/s;
var OS_ANDROID = /^Android (?:OS )?(\d+(?:\.\d+){0,2}) \/ API-(\d+)/;
var OS_MACOS = /^Mac OS X (\d+\.\d+\.\d+)(?: \(([a-fA-F0-9]+)\))?$/;
var OS_IOS = /^iOS (\d+\.\d+(?:\.\d+)?)/;
var OS_IPADOS = /^iPadOS (\d+\.\d+(?:\.\d+)?)/;
var OS_LINUX_DISTRO = /^Linux (\d+\.\d+(?:\.\d+(?:\.[1-9]+)?)?) ([a-zA-Z]+) (\d+(?:\.\d+){0,2})/;
var OS_UNAME = /^([a-zA-Z]+) (\d+\.\d+(?:\.\d+(?:\.[1-9]+)?)?)/;
var RUNTIME_DOTNET = /^(.*) (\d+\.\d+(?:\.\d+){0,2})[^\n]*$/;
var DOTNET_RELEASES = {
  "378389": "4.5",
  "378675": "4.5.1",
  "378758": "4.5.1",
  "379893": "4.5.2",
  "393295": "4.6",
  "393297": "4.6",
  "394254": "4.6.1",
  "394271": "4.6.1",
  "394802": "4.6.2",
  "394806": "4.6.2",
  "460798": "4.7",
  "460805": "4.7",
  "461308": "4.7.1",
  "461310": "4.7.1",
  "461808": "4.7.2",
  "461814": "4.7.2",
  "528040": "4.8",
  "528049": "4.8",
  "528209": "4.8",
  "528372": "4.8",
  "528449": "4.8"
};
function isEmptyText(value) {
  return value === void 0 || value === null || value === "";
}
function normalizeRuntimeContext(runtime) {
  if (isEmptyText(runtime.name) && isEmptyText(runtime.version) && typeof runtime.raw_description === "string") {
    const match = RUNTIME_DOTNET.exec(runtime.raw_description);
    if (match !== null) {
      runtime.name = match[1];
      runtime.version = match[2];
    }
  }
  if (typeof runtime.name === "string" && typeof runtime.build === "string" && runtime.name.startsWith(".NET Framework")) {
    const version = Object.hasOwn(DOTNET_RELEASES, runtime.build) ? DOTNET_RELEASES[runtime.build] : void 0;
    if (version !== void 0) runtime.version = version;
  }
  if (runtime.runtime === void 0 && typeof runtime.name === "string" && typeof runtime.version === "string") {
    runtime.runtime = `${runtime.name} ${runtime.version}`;
  }
}
function windowsVersion(description) {
  const match = OS_WINDOWS_1.exec(description) ?? OS_WINDOWS_2.exec(description);
  if (match === null) return void 0;
  const full = match[1];
  const buildText = match[2];
  const build = Number(buildText);
  let name = full;
  if (build >= 2600 && build <= 3790) name = "XP";
  else if (build === 6002) name = "Vista";
  else if (build === 7601) name = "7";
  else if (build === 9200) name = "8";
  else if (build === 9600) name = "8.1";
  else if (build >= 10240 && build <= 19044) name = "10";
  else if (build >= 22e3 && build <= 22999) name = "11";
  return [name, buildText];
}
function marketingName(description) {
  const space = description.indexOf(" ");
  if (space < 0) return void 0;
  const name = description.slice(0, space).trim();
  const version = description.slice(space + 1).trim();
  if (!/^[A-Za-z]*$/.test(name)) return void 0;
  if (!/^[0-9.-]*$/.test(version)) return void 0;
  return [name, version];
}
function computeOs(os) {
  if (os.os !== void 0) return;
  if (typeof os.name === "string")
    os.os = typeof os.version === "string" ? `${os.name} ${os.version}` : os.name;
}
var OS_DESCRIPTIONS = [
  [
    OS_MACOS,
    (os, match) => {
      os.name = "macOS";
      os.version = match[1];
      os.build = match[2];
    }
  ],
  [
    OS_IOS,
    (os, match) => {
      os.name = "iOS";
      os.version = match[1];
    }
  ],
  [
    OS_IPADOS,
    (os, match) => {
      os.name = "iPadOS";
      os.version = match[1];
    }
  ],
  [
    OS_LINUX_DISTRO,
    (os, match) => {
      os.name = match[2];
      os.version = match[3];
      os.kernel_version = match[1];
    }
  ],
  [
    OS_UNAME,
    (os, match) => {
      os.name = match[1];
      os.kernel_version = match[2];
    }
  ],
  [
    OS_ANDROID,
    (os, match) => {
      os.name = "Android";
      os.version = match[1];
    }
  ]
];
function parseOsDescription(os, description) {
  const windows = windowsVersion(description);
  if (windows !== void 0) {
    os.name = "Windows";
    os.version = windows[0];
    if (isEmptyText(os.build)) os.build = windows[1];
    return;
  }
  for (const [pattern, apply] of OS_DESCRIPTIONS) {
    const match = pattern.exec(description);
    if (match !== null) {
      apply(os, match);
      return;
    }
  }
  if (description === "Nintendo Switch") {
    os.name = "Nintendo OS";
    return;
  }
  const marketing = marketingName(description);
  if (marketing !== void 0) [os.name, os.version] = marketing;
}
function normalizeOsContext(os) {
  if (os.name !== void 0 || os.version !== void 0) {
    computeOs(os);
    return;
  }
  const description = os.raw_description;
  if (typeof description === "string") parseOsDescription(os, description);
  computeOs(os);
}
function normalizeBrowserContext(browser) {
  if (browser.browser !== void 0 || typeof browser.name !== "string") return;
  browser.browser = typeof browser.version === "string" ? `${browser.name} ${browser.version}` : browser.name;
}
function headerValue(headers, name) {
  for (const pair of asArray(headers) ?? []) {
    if (Array.isArray(pair) && pair[0] === name && typeof pair[1] === "string") return pair[1];
  }
  return void 0;
}
function removeHeader(headers, name) {
  const index = headers.findIndex((pair) => Array.isArray(pair) && pair[0] === name);
  if (index < 0) return headers;
  return [...headers.slice(0, index), ...headers.slice(index + 1)];
}
function inferContentType(holder, tryForm) {
  const data = holder.data;
  if (typeof data === "string") {
    const parsed = parseJsonData(data);
    if (parsed !== void 0) {
      holder.data = parsed;
      holder.inferred_content_type = "application/json";
      return;
    }
    const form = tryForm(data);
    if (form !== void 0) {
      holder.data = form;
      holder.inferred_content_type = "application/x-www-form-urlencoded";
      return;
    }
  } else if (data !== void 0 && (holder.inferred_content_type === "application/json" || holder.inferred_content_type === "application/x-www-form-urlencoded")) {
    return;
  }
  const contentType = headerValue(holder.headers, "Content-Type");
  holder.inferred_content_type = contentType === void 0 ? void 0 : contentType.split(";")[0];
}
var SERDE_MAX_NESTING = 127;
function serdeAccepts(value, depth) {
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value !== "object" || value === null) return true;
  if (depth >= SERDE_MAX_NESTING) return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) if (!serdeAccepts(item, depth + 1)) return false;
  return true;
}
function parseJsonData(raw) {
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return void 0;
  }
  return parsed !== null && serdeAccepts(parsed, 0) ? parsed : void 0;
}
function normalizeResponse(response) {
  inferContentType(response, () => void 0);
  let headers = asArray(response.headers);
  if (headers === void 0) return;
  if (response.cookies !== void 0) {
    headers = removeHeader(headers, "Set-Cookie");
    response.headers = headers;
    return;
  }
  const cookieHeader = headerValue(headers, "Set-Cookie");
  if (cookieHeader === void 0) return;
  const { pairs, errors } = parseCookieHeader(cookieHeader);
  if (errors.length > 0) return;
  response.cookies = pairs;
  response.headers = removeHeader(headers, "Set-Cookie");
}
function normalizeContext(context) {
  switch (context.type) {
    case "runtime":
      normalizeRuntimeContext(context);
      break;
    case "os":
      normalizeOsContext(context);
      break;
    case "browser":
      normalizeBrowserContext(context);
      break;
    case "response":
      normalizeResponse(context);
      break;
    case "trace":
      if (context.status === void 0) context.status = "unknown";
      break;
  }
}
function normalizeContexts(event, meta, config) {
  const contexts = asObject(event.contexts);
  if (contexts === void 0) return;
  if (Object.hasOwn(contexts, "reprocessing")) {
    contexts.reprocessing = void 0;
    meta.remove(["contexts", "reprocessing"]);
  }
  for (const key of Object.keys(contexts)) {
    const context = contexts[key];
    if (isObject(context)) normalizeContext(context);
  }
  const trace = asObject(contexts.trace);
  if (trace !== void 0 && trace.type === "trace") {
    trace.client_sample_rate = config.clientSampleRate;
    meta.remove(["contexts", "trace", "client_sample_rate"]);
  }
  if (config.replayId !== void 0)
    setOwn(contexts, "replay", { replay_id: config.replayId, type: "replay" });
}
function ensureTraceContext(event, meta) {
  if (event.type === "transaction") return;
  const eventId = typeof event.event_id === "string" ? event.event_id : void 0;
  if (eventId === void 0) return;
  let contexts = asObject(event.contexts);
  if (contexts === void 0) {
    contexts = {};
    event.contexts = contexts;
  }
  let trace = asObject(contexts.trace);
  if (trace === void 0 || trace.type !== "trace") {
    meta.remove(["contexts", "trace"]);
    trace = { status: "unknown", type: "trace" };
    contexts.trace = trace;
  }
  if (trace.trace_id === void 0) {
    trace.trace_id = eventId;
    meta.addRemark(["contexts", "trace", "trace_id"], ["trace_id.missing", "s"]);
  }
  if (trace.span_id === void 0) {
    trace.span_id = eventId.slice(0, 16);
    meta.addRemark(["contexts", "trace", "span_id"], ["span_id.missing", "s"]);
  }
  const ordered = { trace_id: trace.trace_id, span_id: trace.span_id };
  for (const key of Object.keys(trace))
    if (key !== "trace_id" && key !== "span_id") setOwn(ordered, key, trace[key]);
  contexts.trace = ordered;
}
export {
  ensureTraceContext,
  inferContentType,
  normalizeBrowserContext,
  normalizeContext,
  normalizeContexts,
  normalizeOsContext,
  normalizeRuntimeContext,
  parseJsonData
};
//# sourceMappingURL=contexts.js.map
