// N19: exceptions. A lone exception takes over the top-level stack trace; a missing type is
// split off the value (`ValueError: oops`); an exception with neither type nor value is
// soft-deleted; mechanisms get their help link checked and OS constants named.

import { asArray, asObject, isObject, type JsonObject } from "./json.ts";
import {
  darwinSignalCodeName,
  errnoName,
  machExceptionName,
  type OsHint,
  signalName,
} from "./mechanism-tables.ts";
import type { MetaTree, Path } from "./meta.ts";
import { EXCEPTION } from "./schema.ts";
import { estimateStruct, isEmptyValue, valueOfStruct } from "./struct-value.ts";

/** Rust regex `^(\w+):(.*)$`: `\w` is Unicode-aware and `.` stops at a newline. */
const TYPE_IN_VALUE = /^([\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+):([^\n]*)$/u;

function osHintFromName(name: string): OsHint | undefined {
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
      return undefined;
  }
}

/** The OS an event came from: the system SDK of its debug meta, else the `os` context. */
export function osHintFromEvent(event: JsonObject): OsHint | undefined {
  const sdkName = asObject(asObject(event.debug_meta)?.sdk_info)?.sdk_name;
  if (typeof sdkName === "string") return osHintFromName(sdkName);
  const os = asObject(asObject(event.contexts)?.os);
  if (os !== undefined && os.type === "os" && typeof os.name === "string") return osHintFromName(os.name);
  return undefined;
}

function fillName(holder: unknown, lookup: (holder: JsonObject) => string | undefined): void {
  if (!isObject(holder) || holder.name !== undefined) return;
  const name = lookup(holder);
  if (name !== undefined) holder.name = name;
}

export function normalizeMechanism(
  mechanism: JsonObject,
  os: OsHint | undefined,
  meta: MetaTree,
  path: Path,
): void {
  const helpLink = mechanism.help_link;
  if (typeof helpLink === "string" && !helpLink.startsWith("http://") && !helpLink.startsWith("https://")) {
    const node = meta.at([...path, "help_link"]);
    node.addError("invalid_data", { reason: "expected http URL" });
    node.setOriginal(helpLink);
    mechanism.help_link = undefined;
  }
  const info = asObject(mechanism.meta);
  if (info === undefined) return;
  if (os !== undefined) {
    fillName(info.errno, (errno) =>
      typeof errno.number === "number" ? errnoName(errno.number, os) : undefined,
    );
    const signal = asObject(info.signal);
    if (signal !== undefined && typeof signal.number === "number") {
      const number = signal.number;
      fillName(signal, () => signalName(number, os));
      if (os === "darwin" && signal.code_name === undefined && typeof signal.code === "number") {
        const codeName = darwinSignalCodeName(number, signal.code);
        if (codeName !== undefined) signal.code_name = codeName;
      }
    }
  }
  fillName(info.mach_exception, (mach) =>
    typeof mach.exception === "number" ? machExceptionName(mach.exception) : undefined,
  );
}

/** Type/value split and the "type or value" requirement for one exception slot. */
export function normalizeException(values: unknown[], index: number, meta: MetaTree, path: Path): void {
  const exception = values[index];
  if (!isObject(exception)) return;
  if (isEmptyValue(exception.type) && typeof exception.value === "string") {
    const match = TYPE_IN_VALUE.exec(exception.value);
    if (match !== null) {
      exception.type = match[1];
      exception.value = (match[2] as string).trim();
    }
  }
  if (isEmptyValue(exception.type) && isEmptyValue(exception.value)) {
    const node = meta.at(path);
    node.addError("missing_attribute", { attribute: "type or value" });
    node.softDeleteStruct(estimateStruct(exception, EXCEPTION, 500), valueOfStruct(EXCEPTION, exception));
    values[index] = null;
  }
}

export function normalizeExceptions(event: JsonObject, meta: MetaTree): void {
  const container = asObject(event.exception);
  const values = asArray(container?.values);
  if (values === undefined) return;
  if (values.length === 1 && event.stacktrace !== undefined && event.stacktrace !== null) {
    const only = values[0];
    if (isObject(only)) {
      only.stacktrace = event.stacktrace;
      meta.put(["exception", "values", 0, "stacktrace"], meta.take(["stacktrace"]));
      event.stacktrace = undefined;
      meta.remove(["stacktrace"]);
    }
  }
  for (let i = 0; i < values.length; i++) normalizeException(values, i, meta, ["exception", "values", i]);
}

/**
 * Mechanisms, after the contexts are normalized. Relay names OS constants during N19, before
 * the OS context gets its `name` from `raw_description` or the user agent; a second pass would
 * then name them. Reading the finished contexts gives the same result on every pass.
 */
export function normalizeMechanisms(event: JsonObject, meta: MetaTree): void {
  const values = asArray(asObject(event.exception)?.values);
  if (values === undefined) return;
  const os = osHintFromEvent(event);
  for (let i = 0; i < values.length; i++) {
    const mechanism = asObject(asObject(values[i])?.mechanism);
    if (mechanism !== undefined)
      normalizeMechanism(mechanism, os, meta, ["exception", "values", i, "mechanism"]);
  }
}
