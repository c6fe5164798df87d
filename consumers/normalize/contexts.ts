// N25, N27, N28: contexts. Computed `os`/`browser`/`runtime` strings, OS and .NET runtime
// parsing from raw descriptions, response bodies and cookies, trace status, the client sample
// rate, and (Relay 2025+) a trace context for events that came without one.

import type { NormalizeConfig } from "./config.ts";
import { parseCookieHeader } from "./http-text.ts";
import { asArray, asObject, isObject, type JsonObject, setOwn } from "./json.ts";
import type { MetaTree } from "./meta.ts";

// Environment.OSVersion / RuntimeInformation.OSDescription on Windows.
const OS_WINDOWS_1 = /^(?:Microsoft\s+)?Windows\s+(?:NT\s+)?(\d+\.\d+\.(\d+)).*$/s;
const OS_WINDOWS_2 = /^Windows\s+\d+\s+\((\d+\.\d+\.(\d+)).*$/s;
const OS_ANDROID = /^Android (?:OS )?(\d+(?:\.\d+){0,2}) \/ API-(\d+)/;
// Unreal Engine on macOS.
const OS_MACOS = /^Mac OS X (\d+\.\d+\.\d+)(?: \(([a-fA-F0-9]+)\))?$/;
// Unity on iOS / iPadOS.
const OS_IOS = /^iOS (\d+\.\d+(?:\.\d+)?)/;
const OS_IPADOS = /^iPadOS (\d+\.\d+(?:\.\d+)?)/;
const OS_LINUX_DISTRO = /^Linux (\d+\.\d+(?:\.\d+(?:\.[1-9]+)?)?) ([a-zA-Z]+) (\d+(?:\.\d+){0,2})/;
// uname on Mono and CoreCLR.
const OS_UNAME = /^([a-zA-Z]+) (\d+\.\d+(?:\.\d+(?:\.[1-9]+)?)?)/;
// Mono 5.4, .NET Core 2.0.
const RUNTIME_DOTNET = /^(.*) (\d+\.\d+(?:\.\d+){0,2})[^\n]*$/;

/** .NET Framework release keys (registry `Release` values) to versions. */
const DOTNET_RELEASES: Readonly<Record<string, string>> = {
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
  "528449": "4.8",
};

function isEmptyText(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

export function normalizeRuntimeContext(runtime: JsonObject): void {
  if (
    isEmptyText(runtime.name) &&
    isEmptyText(runtime.version) &&
    typeof runtime.raw_description === "string"
  ) {
    const match = RUNTIME_DOTNET.exec(runtime.raw_description);
    if (match !== null) {
      runtime.name = match[1];
      runtime.version = match[2];
    }
  }
  if (
    typeof runtime.name === "string" &&
    typeof runtime.build === "string" &&
    runtime.name.startsWith(".NET Framework")
  ) {
    const version = Object.hasOwn(DOTNET_RELEASES, runtime.build)
      ? DOTNET_RELEASES[runtime.build]
      : undefined;
    if (version !== undefined) runtime.version = version;
  }
  if (
    runtime.runtime === undefined &&
    typeof runtime.name === "string" &&
    typeof runtime.version === "string"
  ) {
    runtime.runtime = `${runtime.name} ${runtime.version}`;
  }
}

/** Windows build numbers to marketing versions (PC names; servers share build numbers). */
function windowsVersion(description: string): [string, string] | undefined {
  const match = OS_WINDOWS_1.exec(description) ?? OS_WINDOWS_2.exec(description);
  if (match === null) return undefined;
  const full = match[1] as string;
  const buildText = match[2] as string;
  const build = Number(buildText);
  let name = full;
  if (build >= 2600 && build <= 3790) name = "XP";
  else if (build === 6002) name = "Vista";
  else if (build === 7601) name = "7";
  else if (build === 9200) name = "8";
  else if (build === 9600) name = "8.1";
  else if (build >= 10240 && build <= 19044) name = "10";
  else if (build >= 22000 && build <= 22999) name = "11";
  return [name, buildText];
}

/** `<Letters> <digits, dots, dashes>`, e.g. `Windows 10`. */
function marketingName(description: string): [string, string] | undefined {
  const space = description.indexOf(" ");
  if (space < 0) return undefined;
  const name = description.slice(0, space).trim();
  const version = description.slice(space + 1).trim();
  if (!/^[A-Za-z]*$/.test(name)) return undefined;
  if (!/^[0-9.-]*$/.test(version)) return undefined;
  return [name, version];
}

function computeOs(os: JsonObject): void {
  if (os.os !== undefined) return;
  if (typeof os.name === "string")
    os.os = typeof os.version === "string" ? `${os.name} ${os.version}` : os.name;
}

/** Relay's `normalize_os_context` readings of `raw_description`, first match wins. */
const OS_DESCRIPTIONS: readonly [RegExp, (os: JsonObject, match: RegExpExecArray) => void][] = [
  [
    OS_MACOS,
    (os, match) => {
      os.name = "macOS";
      os.version = match[1];
      os.build = match[2];
    },
  ],
  [
    OS_IOS,
    (os, match) => {
      os.name = "iOS";
      os.version = match[1];
    },
  ],
  [
    OS_IPADOS,
    (os, match) => {
      os.name = "iPadOS";
      os.version = match[1];
    },
  ],
  [
    OS_LINUX_DISTRO,
    (os, match) => {
      os.name = match[2];
      os.version = match[3];
      os.kernel_version = match[1];
    },
  ],
  [
    OS_UNAME,
    (os, match) => {
      os.name = match[1];
      os.kernel_version = match[2];
    },
  ],
  [
    OS_ANDROID,
    (os, match) => {
      os.name = "Android";
      os.version = match[1];
    },
  ],
];

function parseOsDescription(os: JsonObject, description: string): void {
  const windows = windowsVersion(description);
  if (windows !== undefined) {
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
  if (marketing !== undefined) [os.name, os.version] = marketing;
}

export function normalizeOsContext(os: JsonObject): void {
  if (os.name !== undefined || os.version !== undefined) {
    computeOs(os);
    return;
  }
  const description = os.raw_description;
  if (typeof description === "string") parseOsDescription(os, description);
  computeOs(os);
}

export function normalizeBrowserContext(browser: JsonObject): void {
  if (browser.browser !== undefined || typeof browser.name !== "string") return;
  browser.browser = typeof browser.version === "string" ? `${browser.name} ${browser.version}` : browser.name;
}

function headerValue(headers: unknown, name: string): string | undefined {
  for (const pair of asArray(headers) ?? []) {
    if (Array.isArray(pair) && pair[0] === name && typeof pair[1] === "string") return pair[1];
  }
  return undefined;
}

function removeHeader(headers: unknown[], name: string): unknown[] {
  const index = headers.findIndex((pair) => Array.isArray(pair) && pair[0] === name);
  if (index < 0) return headers;
  return [...headers.slice(0, index), ...headers.slice(index + 1)];
}

/** JSON bodies are parsed; otherwise the Content-Type header (up to `;`) is the content type. */
export function inferContentType(holder: JsonObject, tryForm: (raw: string) => unknown): void {
  const data = holder.data;
  if (typeof data === "string") {
    const parsed = parseJsonData(data);
    if (parsed !== undefined) {
      holder.data = parsed;
      holder.inferred_content_type = "application/json";
      return;
    }
    const form = tryForm(data);
    if (form !== undefined) {
      holder.data = form;
      holder.inferred_content_type = "application/x-www-form-urlencoded";
      return;
    }
  } else if (
    data !== undefined &&
    (holder.inferred_content_type === "application/json" ||
      holder.inferred_content_type === "application/x-www-form-urlencoded")
  ) {
    // Already inferred by an earlier normalization of this event (keeps re-normalizing stable).
    return;
  }
  const contentType = headerValue(holder.headers, "Content-Type");
  holder.inferred_content_type =
    contentType === undefined ? undefined : (contentType.split(";")[0] as string);
}

/** serde_json's default recursion limit: 128 nested containers fail to parse. */
const SERDE_MAX_NESTING = 127;

/** True when serde_json would also take the value: finite numbers, nesting within its limit. */
function serdeAccepts(value: unknown, depth: number): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value !== "object" || value === null) return true;
  if (depth >= SERDE_MAX_NESTING) return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) if (!serdeAccepts(item, depth + 1)) return false;
  return true;
}

/** A body that serde_json parses (JSON.parse would also take `1e309` as Infinity). */
export function parseJsonData(raw: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
  // A body of `null` stays the string (Relay 0.10's output for it).
  return parsed !== null && serdeAccepts(parsed, 0) ? parsed : undefined;
}

function normalizeResponse(response: JsonObject): void {
  inferContentType(response, () => undefined);
  let headers = asArray(response.headers);
  if (headers === undefined) return;
  if (response.cookies !== undefined) {
    headers = removeHeader(headers, "Set-Cookie");
    response.headers = headers;
    return;
  }
  const cookieHeader = headerValue(headers, "Set-Cookie");
  if (cookieHeader === undefined) return;
  const { pairs, errors } = parseCookieHeader(cookieHeader);
  if (errors.length > 0) return;
  response.cookies = pairs;
  response.headers = removeHeader(headers, "Set-Cookie");
}

export function normalizeContext(context: JsonObject): void {
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
      if (context.status === undefined) context.status = "unknown";
      break;
  }
}

/** N25 and N27. */
export function normalizeContexts(event: JsonObject, meta: MetaTree, config: NormalizeConfig): void {
  const contexts = asObject(event.contexts);
  if (contexts === undefined) return;
  // Sentry-internal: an SDK must not be able to mark its event as reprocessed.
  if (Object.hasOwn(contexts, "reprocessing")) {
    contexts.reprocessing = undefined;
    meta.remove(["contexts", "reprocessing"]);
  }
  for (const key of Object.keys(contexts)) {
    const context = contexts[key];
    if (isObject(context)) normalizeContext(context);
  }
  const trace = asObject(contexts.trace);
  if (trace !== undefined && trace.type === "trace") {
    trace.client_sample_rate = config.clientSampleRate;
    meta.remove(["contexts", "trace", "client_sample_rate"]);
  }
  if (config.replayId !== undefined)
    setOwn(contexts, "replay", { replay_id: config.replayId, type: "replay" });
}

/**
 * N28 (Relay 2025+): errors without a trace get a synthetic trace context. Its ids derive from
 * the event id (so normalizing twice agrees) and are flagged `trace_id.missing` /
 * `span_id.missing`.
 */
export function ensureTraceContext(event: JsonObject, meta: MetaTree): void {
  if (event.type === "transaction") return;
  const eventId = typeof event.event_id === "string" ? event.event_id : undefined;
  if (eventId === undefined) return;
  let contexts = asObject(event.contexts);
  if (contexts === undefined) {
    contexts = {};
    event.contexts = contexts;
  }
  const trace = asObject(contexts.trace);
  if (trace === undefined || trace.type !== "trace") {
    // Most events carry no meta at all: nothing to detach then.
    if (meta.root.children !== undefined) meta.remove(["contexts", "trace"]);
    // Built directly in its final key order (the common case: the SDK sent no trace context).
    contexts.trace = { trace_id: eventId, span_id: eventId.slice(0, 16), status: "unknown", type: "trace" };
    meta.addRemark(["contexts", "trace", "trace_id"], ["trace_id.missing", "s"]);
    meta.addRemark(["contexts", "trace", "span_id"], ["span_id.missing", "s"]);
    return;
  }
  if (trace.trace_id === undefined) {
    trace.trace_id = eventId;
    meta.addRemark(["contexts", "trace", "trace_id"], ["trace_id.missing", "s"]);
  }
  if (trace.span_id === undefined) {
    trace.span_id = eventId.slice(0, 16);
    meta.addRemark(["contexts", "trace", "span_id"], ["span_id.missing", "s"]);
  }
  const ordered: JsonObject = { trace_id: trace.trace_id, span_id: trace.span_id };
  for (const key of Object.keys(trace))
    if (key !== "trace_id" && key !== "span_id") setOwn(ordered, key, trace[key]);
  contexts.trace = ordered;
}
