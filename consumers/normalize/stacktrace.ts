// N18: frames of every non-raw stack trace (event, exceptions, threads). A missing `abs_path`
// takes the filename; a missing filename takes the abs_path, or its URL path for web URLs.
// Frames keep their order (oldest first); `in_app`, module and function are not derived here.

import { asArray, asObject, isObject, type JsonObject } from "./json.ts";
import type { MetaTree, Path } from "./meta.ts";

const URL_PREFIXES = ["file:", "http:", "https:", "applewebdata:"];

function isUrl(path: string): boolean {
  return URL_PREFIXES.some((prefix) => path.startsWith(prefix));
}

function isEmptyString(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** The path of a web URL, or undefined when it does not parse or is empty or `/`. */
function urlPath(text: string): string | undefined {
  if (!isUrl(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const path = url.pathname;
  return path === "" || path === "/" ? undefined : path;
}

export function normalizeFrame(frame: JsonObject, meta: MetaTree, path: Path): void {
  if (isEmptyString(frame.abs_path)) {
    // A missing filename without meta moves nothing; keeping the abs_path meta of an earlier
    // pass makes renormalizing a stored event a no-op.
    const filenameMeta = meta.take([...path, "filename"]);
    if ((frame.filename !== undefined && frame.filename !== null) || filenameMeta !== undefined) {
      frame.abs_path = frame.filename;
      meta.put([...path, "abs_path"], filenameMeta);
      frame.filename = undefined;
    }
  }
  if (isEmptyString(frame.filename) && typeof frame.abs_path === "string") {
    const absPath = frame.abs_path;
    meta.remove([...path, "filename"]);
    frame.filename = urlPath(absPath) ?? absPath;
  }
  // Store rules: `?` is no function name; null context lines are blank lines.
  if (frame.function === "?") frame.function = undefined;
  if (frame.symbol === "?") frame.symbol = undefined;
  const pre = frame.pre_context;
  const post = frame.post_context;
  if (Array.isArray(pre)) frame.pre_context = pre.map((line) => (line === null ? "" : line));
  if (Array.isArray(post)) frame.post_context = post.map((line) => (line === null ? "" : line));
  if (
    frame.context_line === undefined &&
    ((Array.isArray(pre) && pre.length > 0) || (Array.isArray(post) && post.length > 0))
  ) {
    frame.context_line = "";
  }
}

export function normalizeStacktrace(stacktrace: unknown, meta: MetaTree, path: Path): void {
  const frames = asArray(asObject(stacktrace)?.frames);
  if (frames === undefined) return;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    if (isObject(frame)) normalizeFrame(frame, meta, [...path, "frames", i]);
  }
}

export function normalizeStacktraces(event: JsonObject, meta: MetaTree): void {
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
