// consumers/grouping/event-view.ts
import { trimFunctionName } from "./trim-function.js";
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function str(value) {
  return typeof value === "string" ? value : void 0;
}
function lenientString(value) {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" && Number.isFinite(value)) return String(Math.trunc(value));
  return void 0;
}
function jsonLenientString(value) {
  if (value === void 0 || value === null) return void 0;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
function optionalInt(value) {
  return typeof value === "number" && Number.isInteger(value) ? value : void 0;
}
function pick(event, ...keys) {
  for (const key of keys) {
    const value = event[key];
    if (value !== void 0 && value !== null) return value;
  }
  return void 0;
}
function valuesOf(container) {
  if (Array.isArray(container)) return container;
  if (!isObject(container)) return void 0;
  if ("values" in container) return Array.isArray(container.values) ? container.values : void 0;
  return Object.keys(container).length === 0 ? void 0 : [container];
}
var URL_SCHEMES = ["file:", "http:", "https:", "applewebdata:"];
function deriveFilename(absPath) {
  if (!URL_SCHEMES.some((scheme) => absPath.startsWith(scheme))) return absPath;
  try {
    const path = new URL(absPath).pathname;
    return path === "" || path === "/" ? absPath : path;
  } catch {
    return absPath;
  }
}
function stripQueryString(filename) {
  const q = filename.indexOf("?");
  if (q === -1) return filename;
  const fragment = filename.indexOf("#");
  if (fragment !== -1 && fragment < q) return filename;
  const query = filename.slice(q + 1, fragment === -1 ? void 0 : fragment);
  return query === "" ? filename : filename.replace(`?${query}`, "");
}
function readFrame(raw, eventPlatform) {
  let absPath = str(raw.abs_path) || void 0;
  let filename = str(raw.filename) || void 0;
  if (absPath === void 0 && filename !== void 0) absPath = filename;
  if (filename === void 0 && absPath !== void 0) filename = deriveFilename(absPath);
  const platform = str(raw.platform);
  const effectivePlatform = platform ?? eventPlatform;
  if (eventPlatform === "javascript" && filename !== void 0) filename = stripQueryString(filename);
  let fn = str(raw.function);
  if (fn === "?") fn = void 0;
  let rawFunction = str(raw.raw_function);
  if (fn && rawFunction === void 0) {
    const trimmed = trimFunctionName(fn, effectivePlatform);
    if (trimmed !== fn) {
      rawFunction = fn;
      fn = trimmed;
    }
  }
  const data = isObject(raw.data) ? raw.data : void 0;
  let clientInApp = typeof raw.in_app === "boolean" ? raw.in_app : void 0;
  const orig = data?.orig_in_app;
  if (typeof orig === "number") clientInApp = orig === -1 ? void 0 : orig !== 0;
  return {
    function: fn,
    rawFunction,
    module: str(raw.module),
    filename,
    absPath,
    package: str(raw.package),
    platform,
    contextLine: str(raw.context_line),
    lineno: raw.lineno ?? void 0,
    colno: raw.colno ?? void 0,
    sourcemapUsed: data !== void 0 && data.sourcemap !== void 0 && data.sourcemap !== null,
    clientInApp,
    inApp: clientInApp,
    category: void 0,
    inAppRule: void 0
  };
}
function readStacktrace(raw, eventPlatform) {
  if (!isObject(raw)) return void 0;
  const frames = [];
  if (Array.isArray(raw.frames)) {
    for (const frame of raw.frames) if (isObject(frame)) frames.push(readFrame(frame, eventPlatform));
  }
  return { frames, source: raw };
}
function readMechanism(raw) {
  if (!isObject(raw)) return void 0;
  const meta = isObject(raw.meta) ? raw.meta : void 0;
  const nsError = meta !== void 0 && "ns_error" in meta && isObject(meta.ns_error) ? meta.ns_error : void 0;
  return {
    type: str(raw.type),
    synthetic: raw.synthetic === true,
    nsError: nsError ? { domain: nsError.domain ?? null, code: nsError.code ?? null } : void 0,
    exceptionId: optionalInt(raw.exception_id),
    parentId: optionalInt(raw.parent_id),
    isExceptionGroup: raw.is_exception_group === true
  };
}
var TYPE_PREFIX = /^([\p{L}\p{M}\p{Nd}\p{Pc}]+):(.*)$/u;
function readException(raw, eventPlatform) {
  let type = str(raw.type) || void 0;
  let value = jsonLenientString(raw.value);
  if (type === void 0 && value !== void 0) {
    const split = TYPE_PREFIX.exec(value);
    if (split) {
      type = split[1];
      value = split[2].trim();
    }
  }
  if (!type && !value) return void 0;
  return {
    type,
    value,
    module: str(raw.module),
    mechanism: readMechanism(raw.mechanism),
    stacktrace: readStacktrace(pick(raw, "stacktrace", "sentry.interfaces.Stacktrace"), eventPlatform)
  };
}
function readLogEntry(event) {
  const raw = pick(event, "logentry", "sentry.interfaces.Message", "message");
  if (typeof raw === "string") return raw === "" ? void 0 : { message: void 0, formatted: raw };
  if (!isObject(raw)) return void 0;
  const message = str(raw.message);
  let formatted = str(raw.formatted);
  if (message === void 0 && formatted === void 0) return void 0;
  if (formatted === void 0 || formatted === message)
    return { message: void 0, formatted: formatted ?? message };
  if (formatted === "") formatted = void 0;
  return { message, formatted };
}
function readTags(raw) {
  const pairs = [];
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (!Array.isArray(entry) || entry.length !== 2) continue;
      const key = lenientString(entry[0]);
      if (key !== void 0) pairs.push([key.trim(), lenientString(entry[1])?.trim()]);
    }
  } else if (isObject(raw)) {
    for (const key of Object.keys(raw).sort()) pairs.push([key.trim(), lenientString(raw[key])?.trim()]);
  }
  return pairs;
}
function readFingerprint(raw) {
  if (!Array.isArray(raw)) return void 0;
  const entries = [];
  for (const entry of raw) {
    const value = lenientString(entry);
    if (value !== void 0) entries.push(value);
  }
  return entries.length > 0 ? entries : void 0;
}
function hostnameReport(raw) {
  return isObject(raw) ? { hostname: str(raw.hostname) } : void 0;
}
function readGroupingEvent(event) {
  const platform = str(event.platform) || "other";
  let exceptions;
  const rawExceptions = valuesOf(pick(event, "exception", "sentry.interfaces.Exception"));
  if (rawExceptions !== void 0) {
    exceptions = [];
    for (const raw of rawExceptions) {
      if (!isObject(raw)) continue;
      const exception = readException(raw, platform);
      if (exception) exceptions.push(exception);
    }
  }
  let stacktrace = readStacktrace(pick(event, "stacktrace", "sentry.interfaces.Stacktrace"), platform);
  if (stacktrace !== void 0 && exceptions !== void 0 && exceptions.length === 1) {
    exceptions[0] = { ...exceptions[0], stacktrace };
    stacktrace = void 0;
  }
  let threads;
  const rawThreads = valuesOf(pick(event, "threads", "sentry.interfaces.Threads"));
  if (rawThreads !== void 0) {
    threads = [];
    for (const raw of rawThreads) {
      if (!isObject(raw)) continue;
      threads.push({
        crashed: raw.crashed === true,
        current: raw.current === true,
        stacktrace: readStacktrace(raw.stacktrace, platform)
      });
    }
  }
  const rawTemplate = pick(event, "template", "sentry.interfaces.Template");
  const rawCsp = pick(event, "csp", "sentry.interfaces.Csp");
  const sdk = isObject(event.sdk) ? event.sdk : void 0;
  return {
    platform,
    checksum: str(event.checksum) || void 0,
    fingerprint: readFingerprint(event.fingerprint),
    exceptions,
    stacktrace,
    threads,
    logentry: readLogEntry(event),
    template: isObject(rawTemplate) ? { filename: str(rawTemplate.filename), contextLine: str(rawTemplate.context_line) } : void 0,
    csp: isObject(rawCsp) ? {
      effectiveDirective: str(rawCsp.effective_directive),
      violatedDirective: str(rawCsp.violated_directive),
      blockedUri: str(rawCsp.blocked_uri)
    } : void 0,
    hpkp: hostnameReport(pick(event, "hpkp", "sentry.interfaces.Hpkp")),
    expectct: hostnameReport(pick(event, "expectct", "sentry.interfaces.ExpectCT")),
    expectstaple: hostnameReport(pick(event, "expectstaple", "sentry.interfaces.ExpectStaple")),
    transaction: str(event.transaction)?.trim() || void 0,
    level: str(event.level),
    logger: str(event.logger),
    release: lenientString(event.release)?.trim() || void 0,
    sdkName: sdk ? str(sdk.name) : void 0,
    sdkVersion: sdk ? str(sdk.version) : void 0,
    tags: readTags(event.tags)
  };
}
function* stacktracesOf(event) {
  for (const exception of event.exceptions ?? []) {
    if (exception.stacktrace) yield { stacktrace: exception.stacktrace, exception };
  }
  if (event.stacktrace) yield { stacktrace: event.stacktrace, exception: void 0 };
  for (const thread of event.threads ?? []) {
    if (thread.stacktrace) yield { stacktrace: thread.stacktrace, exception: void 0 };
  }
}
export {
  readGroupingEvent,
  readStacktrace,
  stacktracesOf,
  stripQueryString
};
//# sourceMappingURL=event-view.js.map
