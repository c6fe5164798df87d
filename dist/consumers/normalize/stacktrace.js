// consumers/normalize/stacktrace.ts
import { asArray, asObject, isObject } from "./json.js";
var URL_PREFIXES = ["file:", "http:", "https:", "applewebdata:"];
function isUrl(path) {
  return URL_PREFIXES.some((prefix) => path.startsWith(prefix));
}
function isEmptyString(value) {
  return value === void 0 || value === null || value === "";
}
function urlPath(text) {
  if (!isUrl(text)) return void 0;
  let url;
  try {
    url = new URL(text);
  } catch {
    return void 0;
  }
  const path = url.pathname;
  return path === "" || path === "/" ? void 0 : path;
}
function normalizeFrame(frame, meta, path) {
  if (isEmptyString(frame.abs_path)) {
    const filenameMeta = meta.take([...path, "filename"]);
    if (frame.filename !== void 0 && frame.filename !== null || filenameMeta !== void 0) {
      frame.abs_path = frame.filename;
      meta.put([...path, "abs_path"], filenameMeta);
      frame.filename = void 0;
    }
  }
  if (isEmptyString(frame.filename) && typeof frame.abs_path === "string") {
    const absPath = frame.abs_path;
    meta.remove([...path, "filename"]);
    frame.filename = urlPath(absPath) ?? absPath;
  }
  if (frame.function === "?") frame.function = void 0;
  if (frame.symbol === "?") frame.symbol = void 0;
  const pre = frame.pre_context;
  const post = frame.post_context;
  if (Array.isArray(pre)) frame.pre_context = pre.map((line) => line === null ? "" : line);
  if (Array.isArray(post)) frame.post_context = post.map((line) => line === null ? "" : line);
  if (frame.context_line === void 0 && (Array.isArray(pre) && pre.length > 0 || Array.isArray(post) && post.length > 0)) {
    frame.context_line = "";
  }
}
function normalizeStacktrace(stacktrace, meta, path) {
  const frames = asArray(asObject(stacktrace)?.frames);
  if (frames === void 0) return;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    if (isObject(frame)) normalizeFrame(frame, meta, [...path, "frames", i]);
  }
}
function normalizeStacktraces(event, meta) {
  normalizeStacktrace(event.stacktrace, meta, ["stacktrace"]);
  const exceptions = asArray(asObject(event.exception)?.values) ?? [];
  for (let i = 0; i < exceptions.length; i++) {
    const exception = exceptions[i];
    if (isObject(exception))
      normalizeStacktrace(exception.stacktrace, meta, ["exception", "values", i, "stacktrace"]);
  }
  const threads = asArray(asObject(event.threads)?.values) ?? [];
  for (let i = 0; i < threads.length; i++) {
    const thread = threads[i];
    if (isObject(thread))
      normalizeStacktrace(thread.stacktrace, meta, ["threads", "values", i, "stacktrace"]);
  }
}
export {
  normalizeFrame,
  normalizeStacktrace,
  normalizeStacktraces
};
//# sourceMappingURL=stacktrace.js.map
