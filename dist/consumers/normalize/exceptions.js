// consumers/normalize/exceptions.ts
import { asArray, asObject, isObject } from "./json.js";
import {
  darwinSignalCodeName,
  errnoName,
  machExceptionName,
  signalName
} from "./mechanism-tables.js";
import { EXCEPTION } from "./schema.js";
import { estimateStruct, isEmptyValue, valueOfStruct } from "./struct-value.js";
var TYPE_IN_VALUE = /^([\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+):([^\n]*)$/u;
function osHintFromName(name) {
  switch (name.toLowerCase()) {
    case "ios":
    case "watchos":
    case "tvos":
    case "macos":
      return "darwin";
    case "linux":
    case "android":
      return "linux";
    case "windows":
      return "windows";
    default:
      return void 0;
  }
}
function osHintFromEvent(event) {
  const sdkName = asObject(asObject(event.debug_meta)?.sdk_info)?.sdk_name;
  if (typeof sdkName === "string") return osHintFromName(sdkName);
  const os = asObject(asObject(event.contexts)?.os);
  if (os !== void 0 && os.type === "os" && typeof os.name === "string") return osHintFromName(os.name);
  return void 0;
}
function fillName(holder, lookup) {
  if (!isObject(holder) || holder.name !== void 0) return;
  const name = lookup(holder);
  if (name !== void 0) holder.name = name;
}
function normalizeMechanism(mechanism, os, meta, path) {
  const helpLink = mechanism.help_link;
  if (typeof helpLink === "string" && !helpLink.startsWith("http://") && !helpLink.startsWith("https://")) {
    const node = meta.at([...path, "help_link"]);
    node.addError("invalid_data", { reason: "expected http URL" });
    node.setOriginal(helpLink);
    mechanism.help_link = void 0;
  }
  const info = asObject(mechanism.meta);
  if (info === void 0) return;
  if (os !== void 0) {
    fillName(
      info.errno,
      (errno) => typeof errno.number === "number" ? errnoName(errno.number, os) : void 0
    );
    const signal = asObject(info.signal);
    if (signal !== void 0 && typeof signal.number === "number") {
      const number = signal.number;
      fillName(signal, () => signalName(number, os));
      if (os === "darwin" && signal.code_name === void 0 && typeof signal.code === "number") {
        const codeName = darwinSignalCodeName(number, signal.code);
        if (codeName !== void 0) signal.code_name = codeName;
      }
    }
  }
  fillName(
    info.mach_exception,
    (mach) => typeof mach.exception === "number" ? machExceptionName(mach.exception) : void 0
  );
}
function normalizeException(values, index, meta, path) {
  const exception = values[index];
  if (!isObject(exception)) return;
  if (isEmptyValue(exception.type) && typeof exception.value === "string") {
    const match = TYPE_IN_VALUE.exec(exception.value);
    if (match !== null) {
      exception.type = match[1];
      exception.value = match[2].trim();
    }
  }
  if (isEmptyValue(exception.type) && isEmptyValue(exception.value)) {
    const node = meta.at(path);
    node.addError("missing_attribute", { attribute: "type or value" });
    node.softDeleteStruct(estimateStruct(exception, EXCEPTION, 500), valueOfStruct(EXCEPTION, exception));
    values[index] = null;
  }
}
function normalizeExceptions(event, meta) {
  const container = asObject(event.exception);
  const values = asArray(container?.values);
  if (values === void 0) return;
  if (values.length === 1 && event.stacktrace !== void 0 && event.stacktrace !== null) {
    const only = values[0];
    if (isObject(only)) {
      only.stacktrace = event.stacktrace;
      meta.put(["exception", "values", 0, "stacktrace"], meta.take(["stacktrace"]));
      event.stacktrace = void 0;
      meta.remove(["stacktrace"]);
    }
  }
  for (let i = 0; i < values.length; i++) normalizeException(values, i, meta, ["exception", "values", i]);
}
function normalizeMechanisms(event, meta) {
  const values = asArray(asObject(event.exception)?.values);
  if (values === void 0) return;
  const os = osHintFromEvent(event);
  for (let i = 0; i < values.length; i++) {
    const mechanism = asObject(asObject(values[i])?.mechanism);
    if (mechanism !== void 0)
      normalizeMechanism(mechanism, os, meta, ["exception", "values", i, "mechanism"]);
  }
}
export {
  normalizeException,
  normalizeExceptions,
  normalizeMechanism,
  normalizeMechanisms,
  osHintFromEvent
};
//# sourceMappingURL=exceptions.js.map
