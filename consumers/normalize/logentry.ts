// N11: logentry formatting. `message` with `params` is formatted Python-style when it contains
// `%`, else curly-style when it contains `{` (Relay uses the `dynfmt` crate: widths and
// precisions are ignored, a missing or null argument fails the whole format). Then `message`
// moves into `formatted` when they are equal or nothing was formatted.

import { compactJson, isObject, type JsonObject, rustNumberString } from "./json.ts";
import type { MetaTree, Path } from "./meta.ts";
import { LOGENTRY } from "./schema.ts";
import { estimateStruct, isEmptyValue, valueOfStruct } from "./struct-value.ts";

type Args = unknown[] | JsonObject;

/** Rust `Display` of a JSON value as `dynfmt` prints it. */
function display(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Object.is(value, -0) ? "-0" : rustNumberString(value);
    case "object":
      return value === null ? undefined : compactJson(value);
    default:
      return undefined;
  }
}

/** Rust's `{:e}`: `1.5e0`, `1e3`. */
function lowerExp(value: number): string {
  const [mantissa, exponent] = value.toExponential().split("e") as [string, string];
  return `${mantissa}e${Number(exponent)}`;
}

function formatArg(value: unknown, type: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) {
    switch (type) {
      case "x":
        return Number.isInteger(value) ? value.toString(16) : display(value);
      case "X":
        return Number.isInteger(value) ? value.toString(16).toUpperCase() : display(value);
      case "o":
        return Number.isInteger(value) ? value.toString(8) : display(value);
      case "e":
        return lowerExp(value);
      case "E":
        return lowerExp(value).toUpperCase();
    }
  }
  if (type === "r" && typeof value === "string") return JSON.stringify(value);
  return display(value);
}

function argAt(args: Args, index: number): unknown {
  return Array.isArray(args) ? args[index] : undefined;
}

const PYTHON_SPEC = /^(?:\(([^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/;

function formatPython(format: string, args: Args): string | undefined {
  let out = "";
  let next = 0;
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf("%", i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    const match = PYTHON_SPEC.exec(format.slice(percent + 1));
    if (match === null) return undefined;
    const [spec, key, type] = match as unknown as [string, string | undefined, string];
    i = percent + 1 + spec.length;
    if (type === "%") {
      out += "%";
      continue;
    }
    let value: unknown;
    if (key !== undefined) {
      if (Array.isArray(args)) return undefined;
      value = Object.hasOwn(args, key) ? args[key] : undefined;
    } else {
      if (!Array.isArray(args)) return undefined;
      value = argAt(args, next++);
    }
    const text = formatArg(value, type);
    if (text === undefined) return undefined;
    out += text;
  }
  return out;
}

function formatCurly(format: string, args: Args): string | undefined {
  let out = "";
  let next = 0;
  let i = 0;
  while (i < format.length) {
    const open = format.indexOf("{", i);
    if (open < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, open);
    const close = format.indexOf("}", open + 1);
    if (close < 0) return undefined;
    const name = format.slice(open + 1, close);
    if (!/^\w*$/.test(name)) return undefined;
    let value: unknown;
    if (name === "") {
      if (!Array.isArray(args)) return undefined;
      value = args[next++];
    } else if (/^\d+$/.test(name)) {
      if (!Array.isArray(args)) return undefined;
      value = args[Number(name)];
    } else {
      if (Array.isArray(args)) return undefined;
      value = Object.hasOwn(args, name) ? args[name] : undefined;
    }
    const text = formatArg(value, "s");
    if (text === undefined) return undefined;
    out += text;
    i = close + 1;
  }
  return out;
}

export function formatMessage(format: string, params: unknown): string | undefined {
  if (!Array.isArray(params) && !isObject(params)) return undefined;
  if (format.includes("%")) return formatPython(format, params);
  if (format.includes("{")) return formatCurly(format, params);
  return undefined;
}

function isEmptyLogEntry(entry: JsonObject, meta: MetaTree, path: Path): boolean {
  for (const key of ["message", "formatted", "params"]) {
    if (!isEmptyValue(entry[key])) return false;
    const node = meta.get([...path, key]);
    if (node !== undefined && !node.isEmpty()) return false;
  }
  return true;
}

/** N11 on the logentry at `path` (normally `["logentry"]`). */
export function normalizeLogEntry(holder: JsonObject, key: string, meta: MetaTree, path: Path): void {
  const entry = holder[key];
  if (!isObject(entry)) return;
  if (isEmptyLogEntry(entry, meta, path)) return;
  if (entry.formatted === undefined && entry.message === undefined) {
    const node = meta.at(path);
    node.addError("invalid_data", { reason: "no message present" });
    node.softDeleteStruct(estimateStruct(entry, LOGENTRY, 500), valueOfStruct(LOGENTRY, entry));
    holder[key] = undefined;
    return;
  }
  if (entry.params !== undefined && entry.formatted === undefined && typeof entry.message === "string") {
    const formatted = formatMessage(entry.message, entry.params);
    if (formatted !== undefined) {
      entry.formatted = formatted;
      meta.remove([...path, "formatted"]);
    }
  }
  if (entry.formatted === undefined || entry.message === entry.formatted) {
    // `message` moves into `formatted`, meta included.
    entry.formatted = entry.message;
    meta.put([...path, "formatted"], meta.take([...path, "message"]));
    entry.message = undefined;
  }
}
