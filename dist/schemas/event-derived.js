// schemas/event-derived.ts
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function asObject(value) {
  return isObject(value) ? value : void 0;
}
function asArray(value) {
  return Array.isArray(value) ? value : void 0;
}
var MAX_CULPRIT_LENGTH = 200;
var TITLE_LENGTH = 100;
function truncateChars(value, length) {
  if (value.length <= length) return value;
  const chars = Array.from(value);
  if (chars.length <= length) return value;
  return `${chars.slice(0, Math.max(0, length - 3)).join("")}...`;
}
var LINE_BREAKS = /* @__PURE__ */ new Set([10, 11, 12, 13, 28, 29, 30, 133, 8232, 8233]);
function firstLine(value) {
  for (let i = 0; i < value.length; i++) if (LINE_BREAKS.has(value.charCodeAt(i))) return value.slice(0, i);
  return value;
}
function lastException(event) {
  const values = asArray(asObject(event.exception)?.values);
  if (values === void 0 || values.length === 0) return void 0;
  return asObject(values[values.length - 1]);
}
function crashFrames(event) {
  const fromException = asArray(asObject(lastException(event)?.stacktrace)?.frames);
  if (fromException !== void 0 && fromException.length > 0) return fromException;
  const fromEvent = asArray(asObject(event.stacktrace)?.frames);
  if (fromEvent !== void 0 && fromEvent.length > 0) return fromEvent;
  const threads = asArray(asObject(event.threads)?.values);
  if (threads?.length === 1) return asArray(asObject(asObject(threads[0])?.stacktrace)?.frames);
  return void 0;
}
function crashFrame(event) {
  let fallback;
  const frames = crashFrames(event) ?? [];
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    if (!isObject(frame)) continue;
    const fn = frame.function;
    if (fn === void 0 || fn === null || fn === "<redacted>" || fn === "<unknown>") continue;
    if (frame.in_app === true) return frame;
    fallback ??= frame;
  }
  return fallback;
}
function errorMetadata(event) {
  const exception = lastException(event);
  if (exception === void 0) return {};
  const metadata = {};
  metadata.value = truncateChars(typeof exception.value === "string" ? exception.value : "", 1024);
  if (asObject(exception.mechanism)?.synthetic !== true) {
    metadata.type = truncateChars(typeof exception.type === "string" ? exception.type : "Error", 128);
  }
  const frame = crashFrame(event);
  if (frame !== void 0) {
    const filename = typeof frame.filename === "string" && frame.filename || typeof frame.abs_path === "string" && frame.abs_path;
    if (filename) metadata.filename = filename;
    if (typeof frame.function === "string" && frame.function !== "") metadata.function = frame.function;
  }
  return metadata;
}
function errorTitle(metadata) {
  const type = metadata.type;
  if (typeof type !== "string")
    return typeof metadata.function === "string" && metadata.function || "<unknown>";
  const value = typeof metadata.value === "string" ? metadata.value : "";
  if (value === "") return type;
  return `${type}: ${truncateChars(firstLine(value), TITLE_LENGTH)}`;
}
function messageTitle(event) {
  const logentry = asObject(event.logentry);
  const text = typeof logentry?.formatted === "string" && logentry.formatted || typeof logentry?.message === "string" && logentry.message || "";
  const stripped = text.trim();
  return stripped === "" ? "<unlabeled event>" : truncateChars(firstLine(stripped), TITLE_LENGTH);
}
function normalizeCspUri(raw) {
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
function metadataFor(event, type) {
  switch (type) {
    case "error":
      return errorMetadata(event);
    case "csp": {
      const csp = asObject(event.csp) ?? {};
      const blocked = typeof csp.blocked_uri === "string" ? csp.blocked_uri : "";
      return {
        directive: typeof csp.effective_directive === "string" ? csp.effective_directive : void 0,
        uri: normalizeCspUri(blocked),
        message: messageTitle(event)
      };
    }
    case "hpkp":
    case "expectct":
    case "expectstaple": {
      const report = asObject(event[type]) ?? {};
      return {
        origin: typeof report.hostname === "string" ? report.hostname : void 0,
        message: messageTitle(event)
      };
    }
    case "transaction": {
      const name = typeof event.transaction === "string" && event.transaction !== "" ? event.transaction : "<unlabeled transaction>";
      return { title: name, location: name };
    }
    default:
      return { title: messageTitle(event) };
  }
}
function frameCulprit(frame, platform) {
  const effective = typeof frame.platform === "string" && frame.platform !== "" ? frame.platform : platform;
  const fn = typeof frame.function === "string" && frame.function !== "" ? frame.function : "?";
  if (effective === "objc" || effective === "cocoa" || effective === "native") return fn;
  const fileloc = typeof frame.module === "string" && frame.module || typeof frame.filename === "string" && frame.filename || "";
  if (fileloc === "") return "";
  if (effective === "javascript" || effective === "node") return `${fn}(${fileloc})`;
  return `${fileloc} in ${fn}`;
}
function stacktraceCulprit(frames, platform) {
  let fallback;
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    if (!isObject(frame)) continue;
    if (frame.in_app === true) {
      const culprit = frameCulprit(frame, platform);
      if (culprit !== "") return culprit;
    } else if (fallback === void 0) {
      fallback = frameCulprit(frame, platform);
    }
  }
  return fallback;
}
function generateCulprit(event) {
  const exceptions = (asArray(asObject(event.exception)?.values) ?? []).filter(isObject);
  let stacktraces = [];
  if (exceptions.length > 0) {
    if (asObject(exceptions[exceptions.length - 1].mechanism)?.synthetic === true) return "";
    for (const exception of exceptions) {
      const stacktrace = asObject(exception.stacktrace);
      if ((asArray(stacktrace?.frames)?.length ?? 0) > 0) stacktraces.push(stacktrace);
    }
  } else {
    const stacktrace = asObject(event.stacktrace);
    if ((asArray(stacktrace?.frames)?.length ?? 0) > 0) stacktraces = [stacktrace];
  }
  let culprit;
  const last = stacktraces[stacktraces.length - 1];
  if (last !== void 0) culprit = stacktraceCulprit(asArray(last.frames) ?? [], event.platform);
  if (!culprit && event.request !== void 0) {
    const url = asObject(event.request)?.url;
    if (typeof url === "string") culprit = url;
  }
  return truncateChars(culprit ?? "", MAX_CULPRIT_LENGTH);
}
function deriveFields(event) {
  const type = typeof event.type === "string" ? event.type : "default";
  const metadata = metadataFor(event, type);
  for (const key of Object.keys(metadata)) if (metadata[key] === void 0) delete metadata[key];
  let title;
  let location;
  switch (type) {
    case "error":
      title = errorTitle(metadata);
      location = typeof metadata.filename === "string" ? metadata.filename : void 0;
      break;
    case "csp":
      title = typeof metadata.message === "string" ? metadata.message : "<untitled>";
      location = typeof metadata.uri === "string" ? metadata.uri : void 0;
      break;
    case "hpkp":
    case "expectct":
    case "expectstaple":
      title = typeof metadata.message === "string" ? metadata.message : "<untitled>";
      location = typeof metadata.origin === "string" ? metadata.origin : void 0;
      break;
    case "transaction":
      title = metadata.title;
      location = metadata.location;
      break;
    default:
      title = typeof metadata.title === "string" && metadata.title || "<untitled>";
  }
  const clientCulprit = typeof event.culprit === "string" && event.culprit !== "" ? event.culprit : void 0;
  const transaction = typeof event.transaction === "string" && event.transaction !== "" ? event.transaction : void 0;
  const culprit = truncateChars(clientCulprit ?? transaction ?? generateCulprit(event), MAX_CULPRIT_LENGTH);
  return { title, culprit, location, metadata };
}
export {
  crashFrame,
  deriveFields,
  normalizeCspUri,
  truncateChars
};
//# sourceMappingURL=event-derived.js.map
