// S1–S4: what Sentry's save step derives from the normalized event: `metadata`, `title`,
// `location` and `culprit` (sentry/eventtypes/*.py and sentry/culprit.py). Shared: the
// normalizer derives them for events-normalized, and the grouping consumer derives them again
// after the stack-trace rules have set the frames' `in_app` and trimmed their functions, as
// Sentry's save_event materializes them only after `normalize_stacktraces_for_grouping`.

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export interface DerivedFields {
  readonly title: string;
  readonly culprit: string;
  readonly location: string | undefined;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Sentry's MAX_CULPRIT_LENGTH. */
const MAX_CULPRIT_LENGTH = 200;
const TITLE_LENGTH = 100;

/** `s` if it fits, else `s[:n-3] + "..."` (Sentry's `truncatechars`). */
export function truncateChars(value: string, length: number): string {
  if (value.length <= length) return value;
  const chars = Array.from(value);
  if (chars.length <= length) return value;
  return `${chars.slice(0, Math.max(0, length - 3)).join("")}...`;
}

/** Line boundaries of Python's `str.splitlines()`. */
const LINE_BREAKS = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029]);

/** First line as Python's `str.splitlines()` sees lines. */
function firstLine(value: string): string {
  for (let i = 0; i < value.length; i++) if (LINE_BREAKS.has(value.charCodeAt(i))) return value.slice(0, i);
  return value;
}

function lastException(event: JsonObject): JsonObject | undefined {
  const values = asArray(asObject(event.exception)?.values);
  if (values === undefined || values.length === 0) return undefined;
  return asObject(values[values.length - 1]);
}

function crashFrames(event: JsonObject): unknown[] | undefined {
  const fromException = asArray(asObject(lastException(event)?.stacktrace)?.frames);
  if (fromException !== undefined && fromException.length > 0) return fromException;
  const fromEvent = asArray(asObject(event.stacktrace)?.frames);
  if (fromEvent !== undefined && fromEvent.length > 0) return fromEvent;
  const threads = asArray(asObject(event.threads)?.values);
  if (threads?.length === 1) return asArray(asObject(asObject(threads[0])?.stacktrace)?.frames);
  return undefined;
}

/** The newest in-app frame with a usable function name, else the newest such frame. */
export function crashFrame(event: JsonObject): JsonObject | undefined {
  let fallback: JsonObject | undefined;
  const frames = crashFrames(event) ?? [];
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    if (!isObject(frame)) continue;
    const fn = frame.function;
    if (fn === undefined || fn === null || fn === "<redacted>" || fn === "<unknown>") continue;
    if (frame.in_app === true) return frame;
    fallback ??= frame;
  }
  return fallback;
}

function errorMetadata(event: JsonObject): JsonObject {
  const exception = lastException(event);
  if (exception === undefined) return {};
  const metadata: JsonObject = {};
  metadata.value = truncateChars(typeof exception.value === "string" ? exception.value : "", 1024);
  if (asObject(exception.mechanism)?.synthetic !== true) {
    metadata.type = truncateChars(typeof exception.type === "string" ? exception.type : "Error", 128);
  }
  const frame = crashFrame(event);
  if (frame !== undefined) {
    const filename =
      (typeof frame.filename === "string" && frame.filename) ||
      (typeof frame.abs_path === "string" && frame.abs_path);
    if (filename) metadata.filename = filename;
    if (typeof frame.function === "string" && frame.function !== "") metadata.function = frame.function;
  }
  return metadata;
}

function errorTitle(metadata: JsonObject): string {
  const type = metadata.type;
  if (typeof type !== "string")
    return (typeof metadata.function === "string" && metadata.function) || "<unknown>";
  const value = typeof metadata.value === "string" ? metadata.value : "";
  if (value === "") return type;
  return `${type}: ${truncateChars(firstLine(value), TITLE_LENGTH)}`;
}

function messageTitle(event: JsonObject): string {
  const logentry = asObject(event.logentry);
  const text =
    (typeof logentry?.formatted === "string" && logentry.formatted) ||
    (typeof logentry?.message === "string" && logentry.message) ||
    "";
  const stripped = text.trim();
  return stripped === "" ? "<unlabeled event>" : truncateChars(firstLine(stripped), TITLE_LENGTH);
}

/** `''`/`self` → `'self'`; no colon → `scheme:`; web URLs → host; else `scheme://host`. */
export function normalizeCspUri(raw: string): string {
  if (raw === "" || raw === "self" || raw === "'self'") return "'self'";
  const colon = raw.indexOf(":");
  if (colon < 0) return `${raw}:`;
  const scheme = raw.slice(0, colon);
  let host = "";
  try {
    host = new URL(raw).hostname;
  } catch {
    host = "";
  }
  if (scheme === "http" || scheme === "https") return host;
  return host === "" ? `${scheme}:` : `${scheme}://${host}`;
}

function metadataFor(event: JsonObject, type: string): JsonObject {
  switch (type) {
    case "error":
      return errorMetadata(event);
    case "csp": {
      const csp = asObject(event.csp) ?? {};
      const blocked = typeof csp.blocked_uri === "string" ? csp.blocked_uri : "";
      return {
        directive: typeof csp.effective_directive === "string" ? csp.effective_directive : undefined,
        uri: normalizeCspUri(blocked),
        message: messageTitle(event),
      };
    }
    case "hpkp":
    case "expectct":
    case "expectstaple": {
      const report = asObject(event[type]) ?? {};
      return {
        origin: typeof report.hostname === "string" ? report.hostname : undefined,
        message: messageTitle(event),
      };
    }
    case "transaction": {
      const name =
        typeof event.transaction === "string" && event.transaction !== ""
          ? event.transaction
          : "<unlabeled transaction>";
      return { title: name, location: name };
    }
    default:
      return { title: messageTitle(event) };
  }
}

function frameCulprit(frame: JsonObject, platform: unknown): string {
  const effective = typeof frame.platform === "string" && frame.platform !== "" ? frame.platform : platform;
  const fn = typeof frame.function === "string" && frame.function !== "" ? frame.function : "?";
  if (effective === "objc" || effective === "cocoa" || effective === "native") return fn;
  const fileloc =
    (typeof frame.module === "string" && frame.module) ||
    (typeof frame.filename === "string" && frame.filename) ||
    "";
  if (fileloc === "") return "";
  if (effective === "javascript" || effective === "node") return `${fn}(${fileloc})`;
  return `${fileloc} in ${fn}`;
}

function stacktraceCulprit(frames: readonly unknown[], platform: unknown): string | undefined {
  let fallback: string | undefined;
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    if (!isObject(frame)) continue;
    if (frame.in_app === true) {
      const culprit = frameCulprit(frame, platform);
      if (culprit !== "") return culprit;
    } else if (fallback === undefined) {
      fallback = frameCulprit(frame, platform);
    }
  }
  return fallback;
}

/** Frames of a stack trace that has at least one. */
function nonEmptyFrames(stacktrace: unknown): unknown[] | undefined {
  const frames = asArray(asObject(stacktrace)?.frames);
  return frames !== undefined && frames.length > 0 ? frames : undefined;
}

function generateCulprit(event: JsonObject): string {
  // The frames of the last stack trace that has any: of the exceptions when there are
  // exceptions, else of the event.
  let frames: unknown[] | undefined;
  let lastException: JsonObject | undefined;
  const values = asArray(asObject(event.exception)?.values);
  if (values !== undefined) {
    for (const exception of values) {
      if (!isObject(exception)) continue;
      lastException = exception;
      frames = nonEmptyFrames(exception.stacktrace) ?? frames;
    }
  }
  if (lastException !== undefined) {
    if (asObject(lastException.mechanism)?.synthetic === true) return "";
  } else {
    frames = nonEmptyFrames(event.stacktrace);
  }
  let culprit: string | undefined;
  if (frames !== undefined) culprit = stacktraceCulprit(frames, event.platform);
  if (!culprit && event.request !== undefined) {
    const url = asObject(event.request)?.url;
    if (typeof url === "string") culprit = url;
  }
  return truncateChars(culprit ?? "", MAX_CULPRIT_LENGTH);
}

export function deriveFields(event: JsonObject): DerivedFields {
  const type = typeof event.type === "string" ? event.type : "default";
  const metadata = metadataFor(event, type);
  for (const key of Object.keys(metadata)) if (metadata[key] === undefined) delete metadata[key];
  let title: string;
  let location: string | undefined;
  switch (type) {
    case "error":
      title = errorTitle(metadata);
      location = typeof metadata.filename === "string" ? metadata.filename : undefined;
      break;
    case "csp":
      title = typeof metadata.message === "string" ? metadata.message : "<untitled>";
      location = typeof metadata.uri === "string" ? metadata.uri : undefined;
      break;
    case "hpkp":
    case "expectct":
    case "expectstaple":
      title = typeof metadata.message === "string" ? metadata.message : "<untitled>";
      location = typeof metadata.origin === "string" ? metadata.origin : undefined;
      break;
    case "transaction":
      title = metadata.title as string;
      location = metadata.location as string;
      break;
    default:
      title = (typeof metadata.title === "string" && metadata.title) || "<untitled>";
  }
  const clientCulprit = typeof event.culprit === "string" && event.culprit !== "" ? event.culprit : undefined;
  const transaction =
    typeof event.transaction === "string" && event.transaction !== "" ? event.transaction : undefined;
  const culprit = truncateChars(clientCulprit ?? transaction ?? generateCulprit(event), MAX_CULPRIT_LENGTH);
  return { title, culprit, location, metadata };
}
