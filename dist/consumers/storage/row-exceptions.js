// consumers/storage/row-exceptions.ts
import {
  describe,
  isObject,
  readOptionalArray,
  readOptionalBool,
  readOptionalObject,
  readOptionalUnsigned,
  unicodify
} from "./coerce.js";
import { RowMappingError } from "./row-errors.js";
var U16_MAX = 65535;
var U32_MAX = 4294967295;
function readThreadId(value, field) {
  if (value === null || value === void 0) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  throw new RowMappingError("invalid_field", field, `expected a thread id, got ${describe(value)}`);
}
function boolify(value) {
  return typeof value === "boolean" ? Number(value) : null;
}
function readLineno(value, field) {
  if (value === null || value === void 0) return null;
  if (typeof value !== "number") {
    throw new RowMappingError("invalid_field", field, `expected a number, got ${describe(value)}`);
  }
  return Number.isInteger(value) && value >= 0 && value <= U32_MAX ? value : null;
}
function readThreads(threadsValue) {
  const threads = readOptionalObject(threadsValue, "data.threads");
  const values = readOptionalArray(threads.values, "data.threads.values") ?? [];
  const result = [];
  values.forEach((thread, index) => {
    if (thread === null) return;
    const object = readOptionalObject(thread, `data.threads.values.${index}`);
    const id = readThreadId(object.id, `data.threads.values.${index}.id`);
    const main = readOptionalBool(object.main, `data.threads.values.${index}.main`);
    if (id !== null && main !== null) result.push({ id, main });
  });
  return result;
}
function emptyColumns() {
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
    mainThread: null
  };
}
function appendFrames(columns, exception, path, level) {
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
function mapExceptions(data, skipStacktraces) {
  const columns = emptyColumns();
  const exceptionValue = data.exception ?? data["sentry.interfaces.Exception"];
  const exception = readOptionalObject(exceptionValue, "data.exception");
  const values = readOptionalArray(exception.values, "data.exception.values") ?? [];
  const threads = readThreads(data.threads ?? data["sentry.interfaces.Threads"]);
  let mainThread = null;
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
  return skipStacktraces ? emptyColumns() : { ...columns, mainThread };
}
export {
  mapExceptions
};
//# sourceMappingURL=row-exceptions.js.map
