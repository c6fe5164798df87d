import type { JsonObject } from "./coerce.ts";
import {
  describe,
  isObject,
  readOptionalArray,
  readOptionalBool,
  readOptionalObject,
  readOptionalUnsigned,
  unicodify,
} from "./coerce.ts";
import { RowMappingError } from "./row-errors.ts";

// Exception stacks and frames as Snuba's parallel arrays (formats.md §4.3): one stack entry
// per non-null exception, one frame entry per non-null frame of its stack trace, with the
// exception's index as `stack_level`. Thread stack traces are not stored.

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

export interface ExceptionColumns {
  readonly stackTypes: Array<string | null>;
  readonly stackValues: Array<string | null>;
  readonly stackMechanismTypes: Array<string | null>;
  readonly stackMechanismHandled: Array<number | null>;
  readonly frameAbsPaths: Array<string | null>;
  readonly frameColnos: Array<number | null>;
  readonly frameFilenames: Array<string | null>;
  readonly frameFunctions: Array<string | null>;
  readonly frameLinenos: Array<number | null>;
  readonly frameInApp: Array<boolean | null>;
  readonly framePackages: Array<string | null>;
  readonly frameModules: Array<string | null>;
  readonly frameStackLevels: number[];
  readonly mainThread: boolean | null;
}

type ThreadId = number | string;

/** `ThreadId` of the Rust struct: an unsigned integer or a string, compared without coercion. */
function readThreadId(value: unknown, field: string): ThreadId | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  throw new RowMappingError("invalid_field", field, `expected a thread id, got ${describe(value)}`);
}

/**
 * Boolify as Snuba's Rust port has it: only JSON booleans count. Its string branch can never
 * match (it requires a string to equal "yes", "true" and "1" at once), so "yes"/"no" become
 * null there; we copy that rather than the older Python processor that accepted them.
 */
function boolify(value: unknown): number | null {
  return typeof value === "boolean" ? Number(value) : null;
}

/** `lineno` beyond u32 turns into null instead of failing the message (Snuba does the same). */
function readLineno(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "number") {
    throw new RowMappingError("invalid_field", field, `expected a number, got ${describe(value)}`);
  }
  return Number.isInteger(value) && value >= 0 && value <= U32_MAX ? value : null;
}

interface ThreadInfo {
  readonly id: ThreadId;
  readonly main: boolean;
}

function readThreads(threadsValue: unknown): ThreadInfo[] {
  const threads = readOptionalObject(threadsValue, "data.threads");
  const values = readOptionalArray(threads.values, "data.threads.values") ?? [];
  const result: ThreadInfo[] = [];
  values.forEach((thread, index) => {
    if (thread === null) return;
    const object = readOptionalObject(thread, `data.threads.values.${index}`);
    const id = readThreadId(object.id, `data.threads.values.${index}.id`);
    const main = readOptionalBool(object.main, `data.threads.values.${index}.main`);
    if (id !== null && main !== null) result.push({ id, main });
  });
  return result;
}

function emptyColumns(): ExceptionColumns {
  return {
    stackTypes: [],
    stackValues: [],
    stackMechanismTypes: [],
    stackMechanismHandled: [],
    frameAbsPaths: [],
    frameColnos: [],
    frameFilenames: [],
    frameFunctions: [],
    frameLinenos: [],
    frameInApp: [],
    framePackages: [],
    frameModules: [],
    frameStackLevels: [],
    mainThread: null,
  };
}

function appendFrames(columns: ExceptionColumns, exception: JsonObject, path: string, level: number): void {
  const stacktrace = readOptionalObject(exception.stacktrace, `${path}.stacktrace`);
  const frames = readOptionalArray(stacktrace.frames, `${path}.stacktrace.frames`) ?? [];
  frames.forEach((frame, index) => {
    if (frame === null) return;
    const framePath = `${path}.stacktrace.frames.${index}`;
    if (!isObject(frame)) throw new RowMappingError("invalid_field", framePath, "expected an object");
    columns.frameAbsPaths.push(unicodify(frame.abs_path));
    columns.frameFilenames.push(unicodify(frame.filename));
    columns.framePackages.push(unicodify(frame.package));
    columns.frameModules.push(unicodify(frame.module));
    columns.frameFunctions.push(unicodify(frame.function));
    columns.frameInApp.push(readOptionalBool(frame.in_app, `${framePath}.in_app`));
    columns.frameColnos.push(readOptionalUnsigned(frame.colno, `${framePath}.colno`, U32_MAX));
    columns.frameLinenos.push(readLineno(frame.lineno, `${framePath}.lineno`));
    columns.frameStackLevels.push(level);
  });
}

/**
 * @param data the event (`body.data`); reads `exception` (or its legacy alias) and `threads`.
 * @param skipStacktraces the project is on the stack trace blacklist: all arrays stay empty.
 */
export function mapExceptions(data: JsonObject, skipStacktraces: boolean): ExceptionColumns {
  const columns = emptyColumns();
  const exceptionValue = data.exception ?? data["sentry.interfaces.Exception"];
  const exception = readOptionalObject(exceptionValue, "data.exception");
  const values = readOptionalArray(exception.values, "data.exception.values") ?? [];
  const threads = readThreads(data.threads ?? data["sentry.interfaces.Threads"]);

  let mainThread: boolean | null = null;
  let level = 0;
  values.forEach((value, index) => {
    if (value === null) return;
    const path = `data.exception.values.${index}`;
    if (!isObject(value)) throw new RowMappingError("invalid_field", path, "expected an object");
    if (level > U16_MAX) throw new RowMappingError("invalid_field", path, "more than 65536 exceptions");
    const mechanism = readOptionalObject(value.mechanism, `${path}.mechanism`);
    columns.stackTypes.push(unicodify(value.type));
    columns.stackValues.push(unicodify(value.value));
    columns.stackMechanismTypes.push(unicodify(mechanism.type));
    columns.stackMechanismHandled.push(boolify(mechanism.handled));
    appendFrames(columns, value, path, level);

    const threadId = readThreadId(value.thread_id, `${path}.thread_id`);
    if (mainThread !== true && threadId !== null) {
      // Snuba marks "not main" as soon as any thread with id+main is seen, and keeps looking.
      for (const thread of threads) {
        if (thread.id === threadId && thread.main) {
          mainThread = true;
          break;
        }
        mainThread = false;
      }
    }
    level++;
  });
  // Blacklisted projects still fail on malformed exceptions, as serde validates them first.
  return skipStacktraces ? emptyColumns() : { ...columns, mainThread };
}
