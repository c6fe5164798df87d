// consumers/normalize/logentry.ts
import { compactJson, isObject, rustNumberString } from "./json.js";
import { LOGENTRY } from "./schema.js";
import { estimateStruct, isEmptyValue, valueOfStruct } from "./struct-value.js";
function display(value) {
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Object.is(value, -0) ? "-0" : rustNumberString(value);
    case "object":
      return value === null ? void 0 : compactJson(value);
    default:
      return void 0;
  }
}
function lowerExp(value) {
  const [mantissa, exponent] = value.toExponential().split("e");
  return `${mantissa}e${Number(exponent)}`;
}
function formatArg(value, type) {
  if (value === null || value === void 0) return void 0;
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
function argAt(args, index) {
  return Array.isArray(args) ? args[index] : void 0;
}
var PYTHON_SPEC = /^(?:\(([^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/;
function formatPython(format, args) {
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
    if (match === null) return void 0;
    const [spec, key, type] = match;
    i = percent + 1 + spec.length;
    if (type === "%") {
      out += "%";
      continue;
    }
    let value;
    if (key !== void 0) {
      if (Array.isArray(args)) return void 0;
      value = Object.hasOwn(args, key) ? args[key] : void 0;
    } else {
      if (!Array.isArray(args)) return void 0;
      value = argAt(args, next++);
    }
    const text = formatArg(value, type);
    if (text === void 0) return void 0;
    out += text;
  }
  return out;
}
function formatCurly(format, args) {
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
    if (close < 0) return void 0;
    const name = format.slice(open + 1, close);
    if (!/^\w*$/.test(name)) return void 0;
    let value;
    if (name === "") {
      if (!Array.isArray(args)) return void 0;
      value = args[next++];
    } else if (/^\d+$/.test(name)) {
      if (!Array.isArray(args)) return void 0;
      value = args[Number(name)];
    } else {
      if (Array.isArray(args)) return void 0;
      value = Object.hasOwn(args, name) ? args[name] : void 0;
    }
    const text = formatArg(value, "s");
    if (text === void 0) return void 0;
    out += text;
    i = close + 1;
  }
  return out;
}
function formatMessage(format, params) {
  if (!Array.isArray(params) && !isObject(params)) return void 0;
  if (format.includes("%")) return formatPython(format, params);
  if (format.includes("{")) return formatCurly(format, params);
  return void 0;
}
function isEmptyLogEntry(entry, meta, path) {
  for (const key of ["message", "formatted", "params"]) {
    if (!isEmptyValue(entry[key])) return false;
    const node = meta.get([...path, key]);
    if (node !== void 0 && !node.isEmpty()) return false;
  }
  return true;
}
function normalizeLogEntry(holder, key, meta, path) {
  const entry = holder[key];
  if (!isObject(entry)) return;
  if (isEmptyLogEntry(entry, meta, path)) return;
  if (entry.formatted === void 0 && entry.message === void 0) {
    const node = meta.at(path);
    node.addError("invalid_data", { reason: "no message present" });
    node.softDeleteStruct(estimateStruct(entry, LOGENTRY, 500), valueOfStruct(LOGENTRY, entry));
    holder[key] = void 0;
    return;
  }
  if (entry.params !== void 0 && entry.formatted === void 0 && typeof entry.message === "string") {
    const formatted = formatMessage(entry.message, entry.params);
    if (formatted !== void 0) {
      entry.formatted = formatted;
      meta.remove([...path, "formatted"]);
    }
  }
  if (entry.formatted === void 0 || entry.message === entry.formatted) {
    entry.formatted = entry.message;
    meta.put([...path, "formatted"], meta.take([...path, "message"]));
    entry.message = void 0;
  }
}
export {
  formatMessage,
  normalizeLogEntry
};
//# sourceMappingURL=logentry.js.map
