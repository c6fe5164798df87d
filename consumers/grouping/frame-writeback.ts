import { deriveFields } from "../../schemas/event-derived.ts";
import { normalizeStacktrace } from "./compute.ts";
import { type ExceptionData, NO_EXCEPTION, type StacktraceRules } from "./enhancements/engine.ts";
import {
  type GroupingEvent,
  type GroupingFrame,
  type GroupingStacktrace,
  readStacktrace,
  stacktracesOf,
  stripQueryString,
} from "./event-view.ts";

// What Sentry's `normalize_stacktraces_for_grouping` (stacktraces/processing.py) leaves in the
// saved event's frames; save_event stores the event as that step changed it. Per frame, in
// Sentry's order:
//  * function trimming: a frame without `raw_function` whose trimmed `function` differs keeps
//    the original in `raw_function` and the trimmed name in `function`;
//  * `data.client_in_app` = the incoming `in_app` (after restoring a previous run's
//    `data.orig_in_app`), when it is set;
//  * JavaScript events: the query string is cut from `filename`;
//  * Python's multiprocessing bootstrap line keeps its original in `data.orig_context_line`
//    (the 2023-01-11 config then restores `context_line` itself, so only the copy remains);
//  * the classifier stack-trace rules' `in_app` and `data.category`; an `in_app` change keeps
//    the previous value in `data.orig_in_app` (-1 unset, 0, 1; never overwritten, so a re-run
//    still knows the client's value); frames still unset get `in_app: false` the same way.
// Every stack trace is covered: exception stack traces (every entry of an exception group
// too), the top-level stack trace, thread stack traces and their `raw_stacktrace`s. The
// metadata, title and location are then derived again from the stored frames.

type Json = Record<string, unknown>;

const MULTIPROCESSING_CALL =
  /^from multiprocessing\.spawn import spawn_main; spawn_main\((?:tracker_fd|parent_pid)=\d+, pipe_handle=\d+\)/;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The first of `keys` with a non-null value (the view reads legacy interface aliases too). */
function presentKey(object: Json, ...keys: string[]): string | undefined {
  return keys.find((key) => object[key] !== undefined && object[key] !== null);
}

interface WriteBack {
  readonly platform: string | undefined;
  /** The stack traces grouping has already normalized, by their JSON object. */
  readonly normalized: ReadonlyMap<object, GroupingStacktrace>;
  readonly rules: StacktraceRules;
}

function storedFrame(source: Json, frame: GroupingFrame, platform: string | undefined): Json {
  const out: Json = { ...source };
  const data: Json = isObject(source.data) ? { ...source.data } : {};

  if (
    (source.raw_function === undefined || source.raw_function === null) &&
    frame.rawFunction !== undefined &&
    frame.function !== undefined &&
    typeof source.function === "string" &&
    source.function !== frame.function
  ) {
    out.raw_function = source.function;
    out.function = frame.function;
  }

  const client = frame.clientInApp;
  if (client !== undefined) data.client_in_app = client;

  if (platform === "javascript" && typeof source.filename === "string") {
    out.filename = stripQueryString(source.filename);
  }

  const contextLine = source.context_line;
  if (
    platform === "python" &&
    typeof contextLine === "string" &&
    source.module === "__main__" &&
    source.filename === "<string>" &&
    out.function === "<module>" &&
    MULTIPROCESSING_CALL.test(contextLine) &&
    !("orig_context_line" in data)
  ) {
    data.orig_context_line = contextLine;
  }

  const inApp = frame.inApp ?? false;
  const changed = inApp !== client && !("orig_in_app" in data);
  const orig = client === undefined ? -1 : client ? 1 : 0;
  // A rule's change is recorded with the category; the default `false` comes after it.
  if (changed && frame.inAppRule !== undefined) data.orig_in_app = orig;
  if (frame.category !== undefined) data.category = frame.category;
  if (changed) data.orig_in_app = orig;
  out.in_app = inApp;

  if (Object.keys(data).length > 0 || isObject(source.data)) out.data = data;
  return out;
}

/** The stack trace with its frames as stored; undefined when it has no frames to store. */
function storedStacktrace(raw: unknown, exception: ExceptionData, context: WriteBack): Json | undefined {
  if (!isObject(raw) || !Array.isArray(raw.frames)) return undefined;
  let view = context.normalized.get(raw);
  if (view === undefined) {
    // Not read by grouping (a `raw_stacktrace`, or an exception Relay would have dropped).
    view = readStacktrace(raw, context.platform)!;
    if (view.frames.length === 0) return undefined;
    normalizeStacktrace(view, context.platform, context.rules, exception);
  }
  if (view.frames.length === 0) return undefined;
  const frames = [...raw.frames];
  let index = 0;
  for (let i = 0; i < frames.length; i++) {
    const source = frames[i];
    if (isObject(source)) frames[i] = storedFrame(source, view.frames[index++]!, context.platform);
  }
  return { ...raw, frames };
}

/** Replaces the stack traces of one exception or thread entry; undefined when none changed. */
function storedEntry(
  entry: Json,
  key: string | undefined,
  exception: ExceptionData,
  context: WriteBack,
): Json | undefined {
  const stacktrace = key === undefined ? undefined : storedStacktrace(entry[key], exception, context);
  const raw = storedStacktrace(entry.raw_stacktrace, NO_EXCEPTION, context);
  if (stacktrace === undefined && raw === undefined) return undefined;
  const out: Json = { ...entry };
  if (stacktrace !== undefined) out[key!] = stacktrace;
  if (raw !== undefined) out.raw_stacktrace = raw;
  return out;
}

function mapArray(
  entries: ReadonlyArray<unknown>,
  map: (entry: Json) => Json | undefined,
): unknown[] | undefined {
  const out = [...entries];
  let changed = false;
  for (let i = 0; i < out.length; i++) {
    const entry = out[i];
    const mapped = isObject(entry) ? map(entry) : undefined;
    if (mapped === undefined) continue;
    out[i] = mapped;
    changed = true;
  }
  return changed ? out : undefined;
}

/** Relay's `Values<T>` container (array, `{values}` or one object) with its entries mapped. */
function mapValues(container: unknown, map: (entry: Json) => Json | undefined): unknown {
  if (Array.isArray(container)) return mapArray(container, map);
  if (!isObject(container)) return undefined;
  if ("values" in container) {
    if (!Array.isArray(container.values)) return undefined;
    const values = mapArray(container.values, map);
    return values === undefined ? undefined : { ...container, values };
  }
  return Object.keys(container).length === 0 ? undefined : map(container);
}

function exceptionDataOf(exception: Json): ExceptionData {
  const mechanism = isObject(exception.mechanism) ? exception.mechanism : undefined;
  return { type: str(exception.type), value: str(exception.value), mechanism: str(mechanism?.type) };
}

/**
 * Sentry materializes metadata, title and location after the stack-trace rules have written the
 * frames (`_materialize_metadata_many` follows grouping), so the crash frame is the newest frame
 * in-app after the rules, named by its trimmed function. Only a normalized event (it has a
 * `type`) carries these fields. The culprit is left as the normalizer derived it: by now
 * `culprit` can no longer tell a client's culprit from a generated one.
 */
function rederive(event: Json): void {
  const derived = deriveFields(event);
  event.title = derived.title;
  event.metadata = derived.metadata;
  if (derived.location === undefined) delete event.location;
  else event.location = derived.location;
}

/**
 * The event as save_event stores it after Sentry's stack-trace normalization: every frame's
 * `in_app`, `data.orig_in_app`/`client_in_app`/`category`, trimmed `function` with
 * `raw_function`, and the other per-frame changes listed above, with the metadata, title and
 * location derived from those frames. `view` is the event as read by
 * `readGroupingEvent(event)` and grouped by `computeGroupingForEvent` with `rules` (its
 * normalized frames are reused, so the stored frames are those the hashes were computed
 * from). Pure: returns a copy when anything changes, the event itself otherwise.
 */
export function storedEventData<T extends Readonly<Record<string, unknown>>>(
  event: T,
  view: GroupingEvent,
  rules: StacktraceRules,
): T {
  const normalized = new Map<object, GroupingStacktrace>();
  for (const { stacktrace } of stacktracesOf(view)) normalized.set(stacktrace.source, stacktrace);
  const context: WriteBack = { platform: view.platform, normalized, rules };
  const out: Json = { ...event };
  let changed = false;

  const exceptionKey = presentKey(event, "exception", "sentry.interfaces.Exception");
  if (exceptionKey !== undefined) {
    const exceptions = mapValues(event[exceptionKey], (exception) =>
      storedEntry(
        exception,
        presentKey(exception, "stacktrace", "sentry.interfaces.Stacktrace"),
        exceptionDataOf(exception),
        context,
      ),
    );
    if (exceptions !== undefined) {
      out[exceptionKey] = exceptions;
      changed = true;
    }
  }

  const stacktraceKey = presentKey(event, "stacktrace", "sentry.interfaces.Stacktrace");
  if (stacktraceKey !== undefined) {
    const stacktrace = storedStacktrace(event[stacktraceKey], NO_EXCEPTION, context);
    if (stacktrace !== undefined) {
      out[stacktraceKey] = stacktrace;
      changed = true;
    }
  }

  const threadsKey = presentKey(event, "threads", "sentry.interfaces.Threads");
  if (threadsKey !== undefined) {
    const threads = mapValues(event[threadsKey], (thread) =>
      storedEntry(thread, "stacktrace", NO_EXCEPTION, context),
    );
    if (threads !== undefined) {
      out[threadsKey] = threads;
      changed = true;
    }
  }
  if (!changed) return event;
  if (typeof out.type === "string") rederive(out);
  return out as T;
}
