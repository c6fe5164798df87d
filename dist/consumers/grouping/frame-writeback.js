// consumers/grouping/frame-writeback.ts
import { deriveFields } from "../../schemas/event-derived.js";
import { normalizeStacktrace } from "./compute.js";
import { NO_EXCEPTION } from "./enhancements/engine.js";
import {
  readStacktrace,
  stacktracesOf,
  stripQueryString
} from "./event-view.js";
var MULTIPROCESSING_CALL = /^from multiprocessing\.spawn import spawn_main; spawn_main\((?:tracker_fd|parent_pid)=\d+, pipe_handle=\d+\)/;
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function str(value) {
  return typeof value === "string" ? value : void 0;
}
function presentKey(object, ...keys) {
  return keys.find((key) => object[key] !== void 0 && object[key] !== null);
}
function storedFrame(source, frame, platform) {
  const out = { ...source };
  const data = isObject(source.data) ? { ...source.data } : {};
  if ((source.raw_function === void 0 || source.raw_function === null) && frame.rawFunction !== void 0 && frame.function !== void 0 && typeof source.function === "string" && source.function !== frame.function) {
    out.raw_function = source.function;
    out.function = frame.function;
  }
  const client = frame.clientInApp;
  if (client !== void 0) data.client_in_app = client;
  if (platform === "javascript" && typeof source.filename === "string") {
    out.filename = stripQueryString(source.filename);
  }
  const contextLine = source.context_line;
  if (platform === "python" && typeof contextLine === "string" && source.module === "__main__" && source.filename === "<string>" && out.function === "<module>" && MULTIPROCESSING_CALL.test(contextLine) && !("orig_context_line" in data)) {
    data.orig_context_line = contextLine;
  }
  const inApp = frame.inApp ?? false;
  const changed = inApp !== client && !("orig_in_app" in data);
  const orig = client === void 0 ? -1 : client ? 1 : 0;
  if (changed && frame.inAppRule !== void 0) data.orig_in_app = orig;
  if (frame.category !== void 0) data.category = frame.category;
  if (changed) data.orig_in_app = orig;
  out.in_app = inApp;
  if (Object.keys(data).length > 0 || isObject(source.data)) out.data = data;
  return out;
}
function storedStacktrace(raw, exception, context) {
  if (!isObject(raw) || !Array.isArray(raw.frames)) return void 0;
  let view = context.normalized.get(raw);
  if (view === void 0) {
    view = readStacktrace(raw, context.platform);
    if (view.frames.length === 0) return void 0;
    normalizeStacktrace(view, context.platform, context.rules, exception);
  }
  if (view.frames.length === 0) return void 0;
  const frames = [...raw.frames];
  let index = 0;
  for (let i = 0; i < frames.length; i++) {
    const source = frames[i];
    if (isObject(source)) frames[i] = storedFrame(source, view.frames[index++], context.platform);
  }
  return { ...raw, frames };
}
function storedEntry(entry, key, exception, context) {
  const stacktrace = key === void 0 ? void 0 : storedStacktrace(entry[key], exception, context);
  const raw = storedStacktrace(entry.raw_stacktrace, NO_EXCEPTION, context);
  if (stacktrace === void 0 && raw === void 0) return void 0;
  const out = { ...entry };
  if (stacktrace !== void 0) out[key] = stacktrace;
  if (raw !== void 0) out.raw_stacktrace = raw;
  return out;
}
function mapArray(entries, map) {
  const out = [...entries];
  let changed = false;
  for (let i = 0; i < out.length; i++) {
    const entry = out[i];
    const mapped = isObject(entry) ? map(entry) : void 0;
    if (mapped === void 0) continue;
    out[i] = mapped;
    changed = true;
  }
  return changed ? out : void 0;
}
function mapValues(container, map) {
  if (Array.isArray(container)) return mapArray(container, map);
  if (!isObject(container)) return void 0;
  if ("values" in container) {
    if (!Array.isArray(container.values)) return void 0;
    const values = mapArray(container.values, map);
    return values === void 0 ? void 0 : { ...container, values };
  }
  return Object.keys(container).length === 0 ? void 0 : map(container);
}
function exceptionDataOf(exception) {
  const mechanism = isObject(exception.mechanism) ? exception.mechanism : void 0;
  return { type: str(exception.type), value: str(exception.value), mechanism: str(mechanism?.type) };
}
function rederive(event) {
  const derived = deriveFields(event);
  event.title = derived.title;
  event.metadata = derived.metadata;
  if (derived.location === void 0) delete event.location;
  else event.location = derived.location;
}
function storedEventData(event, view, rules) {
  const normalized = /* @__PURE__ */ new Map();
  for (const { stacktrace } of stacktracesOf(view)) normalized.set(stacktrace.source, stacktrace);
  const context = { platform: view.platform, normalized, rules };
  const out = { ...event };
  let changed = false;
  const exceptionKey = presentKey(event, "exception", "sentry.interfaces.Exception");
  if (exceptionKey !== void 0) {
    const exceptions = mapValues(
      event[exceptionKey],
      (exception) => storedEntry(
        exception,
        presentKey(exception, "stacktrace", "sentry.interfaces.Stacktrace"),
        exceptionDataOf(exception),
        context
      )
    );
    if (exceptions !== void 0) {
      out[exceptionKey] = exceptions;
      changed = true;
    }
  }
  const stacktraceKey = presentKey(event, "stacktrace", "sentry.interfaces.Stacktrace");
  if (stacktraceKey !== void 0) {
    const stacktrace = storedStacktrace(event[stacktraceKey], NO_EXCEPTION, context);
    if (stacktrace !== void 0) {
      out[stacktraceKey] = stacktrace;
      changed = true;
    }
  }
  const threadsKey = presentKey(event, "threads", "sentry.interfaces.Threads");
  if (threadsKey !== void 0) {
    const threads = mapValues(
      event[threadsKey],
      (thread) => storedEntry(thread, "stacktrace", NO_EXCEPTION, context)
    );
    if (threads !== void 0) {
      out[threadsKey] = threads;
      changed = true;
    }
  }
  if (!changed) return event;
  if (typeof out.type === "string") rederive(out);
  return out;
}
export {
  storedEventData
};
//# sourceMappingURL=frame-writeback.js.map
