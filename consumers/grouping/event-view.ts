import { trimFunctionName } from "./trim-function.ts";

// The slice of an event that grouping reads, built in one pass from event JSON. Grouping
// normally receives Relay-normalized events, but the Relay steps that change grouping inputs
// are replicated here (idempotently) so raw SDK payloads group the same way: legacy interface
// aliases, `values` containers, `message` -> `logentry`, `Type: value` splitting, the single
// exception absorbing a top-level stacktrace, filename/abs_path derivation and `function: "?"`.
// Sentry's pre-grouping frame normalization runs here too: function trimming (storing the
// original in `rawFunction`) and JavaScript query-string stripping.

type Json = Record<string, unknown>;

export interface GroupingFrame {
  function: string | undefined;
  rawFunction: string | undefined;
  readonly module: string | undefined;
  filename: string | undefined;
  readonly absPath: string | undefined;
  readonly package: string | undefined;
  readonly platform: string | undefined;
  readonly contextLine: string | undefined;
  readonly lineno: unknown;
  readonly colno: unknown;
  readonly sourcemapUsed: boolean;
  /** `in_app` as the client sent it (after restoring a previous run's `orig_in_app`). */
  readonly clientInApp: boolean | undefined;
  /** Current `in_app`; stack-trace rules change it. */
  inApp: boolean | undefined;
  category: string | undefined;
  /** Text of the stack-trace rule that last changed `inApp` (for hints). */
  inAppRule: string | undefined;
}

export interface GroupingStacktrace {
  /** One per object entry of the source's `frames`, in order (null entries are skipped). */
  readonly frames: ReadonlyArray<GroupingFrame>;
  /** The event JSON object this was read from; the frame write-back finds it by identity. */
  readonly source: Readonly<Json>;
}

export interface NsError {
  readonly domain: unknown;
  readonly code: unknown;
}

export interface GroupingMechanism {
  readonly type: string | undefined;
  readonly synthetic: boolean;
  readonly nsError: NsError | undefined;
  readonly exceptionId: number | undefined;
  readonly parentId: number | undefined;
  readonly isExceptionGroup: boolean;
}

export interface GroupingException {
  readonly type: string | undefined;
  readonly value: string | undefined;
  readonly module: string | undefined;
  readonly mechanism: GroupingMechanism | undefined;
  readonly stacktrace: GroupingStacktrace | undefined;
}

export interface GroupingThread {
  readonly crashed: boolean;
  readonly current: boolean;
  readonly stacktrace: GroupingStacktrace | undefined;
}

export interface LogEntry {
  readonly message: string | undefined;
  readonly formatted: string | undefined;
}

export interface CspReport {
  readonly effectiveDirective: string | undefined;
  readonly violatedDirective: string | undefined;
  readonly blockedUri: string | undefined;
}

export interface GroupingEvent {
  readonly platform: string | undefined;
  readonly checksum: string | undefined;
  /** The client fingerprint; undefined when absent or empty. */
  readonly fingerprint: ReadonlyArray<string> | undefined;
  /** Undefined when the event has no exception interface. */
  readonly exceptions: ReadonlyArray<GroupingException> | undefined;
  readonly stacktrace: GroupingStacktrace | undefined;
  readonly threads: ReadonlyArray<GroupingThread> | undefined;
  readonly logentry: LogEntry | undefined;
  readonly template:
    | { readonly filename: string | undefined; readonly contextLine: string | undefined }
    | undefined;
  readonly csp: CspReport | undefined;
  readonly hpkp: { readonly hostname: string | undefined } | undefined;
  readonly expectct: { readonly hostname: string | undefined } | undefined;
  readonly expectstaple: { readonly hostname: string | undefined } | undefined;
  readonly transaction: string | undefined;
  readonly level: string | undefined;
  readonly logger: string | undefined;
  readonly release: string | undefined;
  readonly sdkName: string | undefined;
  readonly sdkVersion: string | undefined;
  readonly tags: ReadonlyArray<readonly [string, string | undefined]>;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Relay's "lenient string" for fingerprints and tags (Python spelling of booleans). */
function lenientString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" && Number.isFinite(value)) return String(Math.trunc(value));
  return undefined;
}

/** Relay's JSON-lenient string for exception values: non-strings become their JSON text. */
function jsonLenientString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function optionalInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

function pick(event: Json, ...keys: string[]): unknown {
  for (const key of keys) {
    const value = event[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** Relay's `Values<T>`: a bare array, `{values: [...]}` or a single object. */
function valuesOf(container: unknown): unknown[] | undefined {
  if (Array.isArray(container)) return container;
  if (!isObject(container)) return undefined;
  if ("values" in container) return Array.isArray(container.values) ? container.values : undefined;
  return Object.keys(container).length === 0 ? undefined : [container];
}

const URL_SCHEMES = ["file:", "http:", "https:", "applewebdata:"];

function deriveFilename(absPath: string): string {
  if (!URL_SCHEMES.some((scheme) => absPath.startsWith(scheme))) return absPath;
  try {
    const path = new URL(absPath).pathname;
    return path === "" || path === "/" ? absPath : path;
  } catch {
    // Not parseable as a URL: Relay keeps the whole value.
    return absPath;
  }
}

/**
 * Sentry's JavaScript filename clean-up: Python's `urlparse(filename).query` (the text
 * between the first `?` and the fragment; a `#` before any `?` leaves no query) is removed
 * together with its `?`.
 */
export function stripQueryString(filename: string): string {
  const q = filename.indexOf("?");
  if (q === -1) return filename;
  const fragment = filename.indexOf("#");
  if (fragment !== -1 && fragment < q) return filename;
  const query = filename.slice(q + 1, fragment === -1 ? undefined : fragment);
  return query === "" ? filename : filename.replace(`?${query}`, "");
}

function readFrame(raw: Json, eventPlatform: string | undefined): GroupingFrame {
  let absPath = str(raw.abs_path) || undefined;
  let filename = str(raw.filename) || undefined;
  if (absPath === undefined && filename !== undefined) absPath = filename;
  if (filename === undefined && absPath !== undefined) filename = deriveFilename(absPath);
  const platform = str(raw.platform);
  const effectivePlatform = platform ?? eventPlatform;
  if (eventPlatform === "javascript" && filename !== undefined) filename = stripQueryString(filename);

  let fn = str(raw.function);
  if (fn === "?") fn = undefined;
  let rawFunction = str(raw.raw_function);
  if (fn && rawFunction === undefined) {
    const trimmed = trimFunctionName(fn, effectivePlatform);
    if (trimmed !== fn) {
      rawFunction = fn;
      fn = trimmed;
    }
  }

  const data = isObject(raw.data) ? raw.data : undefined;
  // A previous grouping run stored the client's value in `orig_in_app`; rules re-run on it.
  let clientInApp = typeof raw.in_app === "boolean" ? raw.in_app : undefined;
  const orig = data?.orig_in_app;
  if (typeof orig === "number") clientInApp = orig === -1 ? undefined : orig !== 0;
  return {
    function: fn,
    rawFunction,
    module: str(raw.module),
    filename,
    absPath,
    package: str(raw.package),
    platform,
    contextLine: str(raw.context_line),
    lineno: raw.lineno ?? undefined,
    colno: raw.colno ?? undefined,
    sourcemapUsed: data !== undefined && data.sourcemap !== undefined && data.sourcemap !== null,
    clientInApp,
    inApp: clientInApp,
    category: undefined,
    inAppRule: undefined,
  };
}

/** Reads one stack trace object (`{frames: [...]}`); undefined when it is not an object. */
export function readStacktrace(
  raw: unknown,
  eventPlatform: string | undefined,
): GroupingStacktrace | undefined {
  if (!isObject(raw)) return undefined;
  const frames: GroupingFrame[] = [];
  if (Array.isArray(raw.frames)) {
    for (const frame of raw.frames) if (isObject(frame)) frames.push(readFrame(frame, eventPlatform));
  }
  return { frames, source: raw };
}

function readMechanism(raw: unknown): GroupingMechanism | undefined {
  if (!isObject(raw)) return undefined;
  const meta = isObject(raw.meta) ? raw.meta : undefined;
  const nsError =
    meta !== undefined && "ns_error" in meta && isObject(meta.ns_error) ? meta.ns_error : undefined;
  return {
    type: str(raw.type),
    synthetic: raw.synthetic === true,
    nsError: nsError ? { domain: nsError.domain ?? null, code: nsError.code ?? null } : undefined,
    exceptionId: optionalInt(raw.exception_id),
    parentId: optionalInt(raw.parent_id),
    isExceptionGroup: raw.is_exception_group === true,
  };
}

// Relay splits `"TypeError: boom"` into type and value when the type is missing.
const TYPE_PREFIX = /^([\p{L}\p{M}\p{Nd}\p{Pc}]+):(.*)$/u;

function readException(raw: Json, eventPlatform: string | undefined): GroupingException | undefined {
  let type = str(raw.type) || undefined;
  let value = jsonLenientString(raw.value);
  if (type === undefined && value !== undefined) {
    const split = TYPE_PREFIX.exec(value);
    if (split) {
      type = split[1];
      value = split[2]!.trim();
    }
  }
  if (!type && !value) return undefined;
  return {
    type,
    value,
    module: str(raw.module),
    mechanism: readMechanism(raw.mechanism),
    stacktrace: readStacktrace(pick(raw, "stacktrace", "sentry.interfaces.Stacktrace"), eventPlatform),
  };
}

function readLogEntry(event: Json): LogEntry | undefined {
  const raw = pick(event, "logentry", "sentry.interfaces.Message", "message");
  if (typeof raw === "string") return raw === "" ? undefined : { message: undefined, formatted: raw };
  if (!isObject(raw)) return undefined;
  const message = str(raw.message);
  let formatted = str(raw.formatted);
  if (message === undefined && formatted === undefined) return undefined;
  // Relay moves a message without a distinct formatted text into `formatted`.
  if (formatted === undefined || formatted === message)
    return { message: undefined, formatted: formatted ?? message };
  if (formatted === "") formatted = undefined;
  return { message, formatted };
}

function readTags(raw: unknown): Array<readonly [string, string | undefined]> {
  const pairs: Array<readonly [string, string | undefined]> = [];
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (!Array.isArray(entry) || entry.length !== 2) continue;
      const key = lenientString(entry[0]);
      if (key !== undefined) pairs.push([key.trim(), lenientString(entry[1])?.trim()]);
    }
  } else if (isObject(raw)) {
    for (const key of Object.keys(raw).sort()) pairs.push([key.trim(), lenientString(raw[key])?.trim()]);
  }
  return pairs;
}

function readFingerprint(raw: unknown): string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const entries: string[] = [];
  for (const entry of raw) {
    const value = lenientString(entry);
    if (value !== undefined) entries.push(value);
  }
  return entries.length > 0 ? entries : undefined;
}

function hostnameReport(raw: unknown): { hostname: string | undefined } | undefined {
  return isObject(raw) ? { hostname: str(raw.hostname) } : undefined;
}

/** Reads the grouping-relevant parts of an event (raw or normalized JSON). */
export function readGroupingEvent(event: Json): GroupingEvent {
  const platform = str(event.platform) || "other";

  let exceptions: GroupingException[] | undefined;
  const rawExceptions = valuesOf(pick(event, "exception", "sentry.interfaces.Exception"));
  if (rawExceptions !== undefined) {
    exceptions = [];
    for (const raw of rawExceptions) {
      if (!isObject(raw)) continue;
      const exception = readException(raw, platform);
      if (exception) exceptions.push(exception);
    }
  }

  let stacktrace = readStacktrace(pick(event, "stacktrace", "sentry.interfaces.Stacktrace"), platform);
  if (stacktrace !== undefined && exceptions !== undefined && exceptions.length === 1) {
    exceptions[0] = { ...exceptions[0]!, stacktrace };
    stacktrace = undefined;
  }

  let threads: GroupingThread[] | undefined;
  const rawThreads = valuesOf(pick(event, "threads", "sentry.interfaces.Threads"));
  if (rawThreads !== undefined) {
    threads = [];
    for (const raw of rawThreads) {
      if (!isObject(raw)) continue;
      threads.push({
        crashed: raw.crashed === true,
        current: raw.current === true,
        stacktrace: readStacktrace(raw.stacktrace, platform),
      });
    }
  }

  const rawTemplate = pick(event, "template", "sentry.interfaces.Template");
  const rawCsp = pick(event, "csp", "sentry.interfaces.Csp");
  const sdk = isObject(event.sdk) ? event.sdk : undefined;

  return {
    platform,
    checksum: str(event.checksum) || undefined,
    fingerprint: readFingerprint(event.fingerprint),
    exceptions,
    stacktrace,
    threads,
    logentry: readLogEntry(event),
    template: isObject(rawTemplate)
      ? { filename: str(rawTemplate.filename), contextLine: str(rawTemplate.context_line) }
      : undefined,
    csp: isObject(rawCsp)
      ? {
          effectiveDirective: str(rawCsp.effective_directive),
          violatedDirective: str(rawCsp.violated_directive),
          blockedUri: str(rawCsp.blocked_uri),
        }
      : undefined,
    hpkp: hostnameReport(pick(event, "hpkp", "sentry.interfaces.Hpkp")),
    expectct: hostnameReport(pick(event, "expectct", "sentry.interfaces.ExpectCT")),
    expectstaple: hostnameReport(pick(event, "expectstaple", "sentry.interfaces.ExpectStaple")),
    transaction: str(event.transaction)?.trim() || undefined,
    level: str(event.level),
    logger: str(event.logger),
    release: lenientString(event.release)?.trim() || undefined,
    sdkName: sdk ? str(sdk.name) : undefined,
    sdkVersion: sdk ? str(sdk.version) : undefined,
    tags: readTags(event.tags),
  };
}

/** Every stacktrace whose frames grouping normalizes, with its exception (if any). */
export function* stacktracesOf(
  event: GroupingEvent,
): Generator<{ readonly stacktrace: GroupingStacktrace; readonly exception: GroupingException | undefined }> {
  for (const exception of event.exceptions ?? []) {
    if (exception.stacktrace) yield { stacktrace: exception.stacktrace, exception };
  }
  if (event.stacktrace) yield { stacktrace: event.stacktrace, exception: undefined };
  for (const thread of event.threads ?? []) {
    if (thread.stacktrace) yield { stacktrace: thread.stacktrace, exception: undefined };
  }
}
