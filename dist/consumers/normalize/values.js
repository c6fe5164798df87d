// consumers/normalize/values.ts
import { isIP } from "node:net";
import { compactJson, rustNumberString } from "./json.js";
var scalarError = { reason: void 0 };
function fail(reason) {
  scalarError.reason = reason;
  return void 0;
}
var TWO_POW_53 = 2 ** 53;
var TWO_POW_64 = 2 ** 64;
var TWO_POW_63 = 2 ** 63;
function parseString(value) {
  return typeof value === "string" ? value : fail("expected a string");
}
function parseLenientString(value) {
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
      return value ? "True" : "False";
    case "number":
      if (Number.isInteger(value) && Math.abs(value) < TWO_POW_64) return rustNumberString(value);
      if (Math.abs(value) < TWO_POW_53) return rustNumberString(Math.trunc(value));
      return fail("expected a number with JSON precision");
    default:
      return fail("expected a primitive value");
  }
}
function parseJsonLenientString(value) {
  return typeof value === "string" ? value : compactJson(value);
}
function parseU64(value) {
  if (typeof value === "number" && value > -1 && value < TWO_POW_64) return Math.trunc(value) + 0;
  return fail("expected an unsigned integer");
}
function parseI64(value) {
  if (typeof value === "number" && value > -TWO_POW_63 - 1 && value < TWO_POW_63)
    return Math.trunc(value) + 0;
  return fail("expected a signed integer");
}
function parseF64(value) {
  return typeof value === "number" ? value : fail("expected a floating point number");
}
function parseBool(value) {
  return typeof value === "boolean" ? value : fail("expected a boolean");
}
var LEVELS = {
  debug: "debug",
  info: "info",
  log: "info",
  warning: "warning",
  error: "error",
  fatal: "fatal",
  critical: "fatal"
};
var PYTHON_LEVELS = {
  10: "debug",
  20: "info",
  30: "warning",
  40: "error",
  50: "fatal"
};
function parseLevel(value) {
  if (typeof value === "string") {
    return Object.hasOwn(LEVELS, value) ? LEVELS[value] : fail("invalid level");
  }
  if (typeof value === "number") {
    if (!Number.isInteger(value) || Math.abs(value) >= TWO_POW_64) return fail("expected a level");
    return PYTHON_LEVELS[value] ?? fail(void 0);
  }
  return fail("expected a level");
}
var AUTO_IP = "{{auto}}";
function isIpAddress(text) {
  return !text.includes("%") && isIP(text) !== 0;
}
function parseIp(value) {
  if (typeof value === "string" && (value === AUTO_IP || isIpAddress(value))) return value;
  return fail("expected an ip address");
}
var HEX = /^[0-9a-fA-F]*$/;
function isHexChar(code) {
  return code >= 48 && code <= 57 || code >= 65 && code <= 70 || code >= 97 && code <= 102;
}
function parseUuidText(text) {
  let body = text;
  let offset = 0;
  if (body.startsWith("urn:uuid:")) {
    body = body.slice(9);
    offset = 9;
  } else if (body.startsWith("{") && body.endsWith("}") && body.length > 2) {
    body = body.slice(1, -1);
    offset = 1;
  }
  if (!body.includes("-")) {
    for (let i = 0; i < body.length; i++) {
      if (!isHexChar(body.charCodeAt(i)))
        return fail(`invalid character: found \`${charAt(body, i)}\` at ${i + offset}`);
    }
    if (body.length !== 32) return fail(`invalid length: found ${body.length}`);
    return body.toLowerCase();
  }
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (code !== 45 && !isHexChar(code))
      return fail(`invalid character: found \`${charAt(body, i)}\` at ${i + offset}`);
  }
  const groups = body.split("-");
  if (groups.length !== 5) return fail(`invalid group count: expected 5, found ${groups.length}`);
  const expected = [8, 4, 4, 4, 12];
  for (let i = 0; i < 5; i++) {
    const length = groups[i].length;
    if (length !== expected[i]) {
      return fail(`invalid group length in group ${i}: expected ${expected[i]}, found ${length}`);
    }
  }
  return groups.join("").toLowerCase();
}
function charAt(text, index) {
  return String.fromCodePoint(text.codePointAt(index) ?? 0);
}
function parseUuid(value, expect) {
  if (typeof value !== "string") return fail(`expected ${expect}`);
  return parseUuidText(value);
}
function parseHexId(value, expect, invalid, length) {
  if (typeof value !== "string") return fail(`expected ${expect}`);
  if (value.length === length && HEX.test(value)) return value.toLowerCase();
  if (length === 32 && value.length === 36) {
    const parsed = parseUuidText(value);
    if (parsed !== void 0) return parsed;
  }
  return fail(invalid);
}
function parseAddr(value, expect) {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return fail(`expected ${expect}`);
    return `0x${BigInt.asUintN(64, BigInt(value)).toString(16)}`;
  }
  if (typeof value !== "string") return fail(`expected ${expect}`);
  const hex = value.startsWith("0x") || value.startsWith("0X");
  const digits = hex ? value.slice(2) : value;
  if (digits.length === 0) return fail("cannot parse integer from empty string");
  const valid = hex ? /^[0-9a-fA-F]+$/.test(digits) : /^\+?[0-9]+$/.test(digits);
  if (!valid) return fail("invalid digit found in string");
  const parsed = BigInt(hex ? `0x${digits}` : digits.replace("+", ""));
  if (parsed >= 2n ** 64n) return fail("number too large to fit in target type");
  return `0x${parsed.toString(16)}`;
}
function parseThreadId(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  return fail("expected a thread id");
}
var SPAN_STATUSES = /* @__PURE__ */ new Set([
  "ok",
  "cancelled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal_error",
  "unavailable",
  "data_loss",
  "unauthenticated"
]);
var SPAN_STATUS_ALIASES = {
  success: "ok",
  canceled: "cancelled",
  unknown_error: "unknown",
  failure: "unknown"
};
function parseSpanStatus(value) {
  if (typeof value !== "string") return fail("expected a string");
  if (SPAN_STATUSES.has(value)) return value;
  const alias = Object.hasOwn(SPAN_STATUS_ALIASES, value) ? SPAN_STATUS_ALIASES[value] : void 0;
  return alias ?? fail("expected a trace status");
}
var EVENT_TYPES = /* @__PURE__ */ new Set([
  "error",
  "csp",
  "hpkp",
  "expectct",
  "expectstaple",
  "nel",
  "transaction",
  "userreportv2",
  "feedback",
  "default",
  "generic"
]);
function parseEventType(value) {
  if (typeof value === "string" && EVENT_TYPES.has(value)) return value;
  scalarError.reason = "";
  return void 0;
}
var MAX_TIMESTAMP = 253402300800;
var CHRONO_LIMIT = 8210266876800;
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
function daysInMonth(year, month) {
  if (month === 2) return year % 4 === 0 && year % 100 !== 0 || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
function roundMicros(seconds) {
  const whole = Math.floor(seconds);
  const micros = Math.round((seconds - whole) * 1e6);
  return whole + micros / 1e6;
}
var TimestampScanner = class {
  constructor(text) {
    this.text = text;
  }
  text;
  index = 0;
  digits(min, max) {
    const start = this.index;
    while (this.index < this.text.length && this.index - start < max) {
      const code = this.text.charCodeAt(this.index);
      if (code < 48 || code > 57) break;
      this.index++;
    }
    if (this.index - start < min) return void 0;
    return Number(this.text.slice(start, this.index));
  }
  expect(char) {
    if (this.text[this.index] === char) {
      this.index++;
      return true;
    }
    return false;
  }
  atEnd() {
    return this.index >= this.text.length;
  }
};
function scanFailure(scanner) {
  return fail(scanner.atEnd() ? "premature end of input" : "input contains invalid characters");
}
function parseTimestampText(text) {
  const scanner = new TimestampScanner(text.trimStart());
  let sign = 1;
  if (scanner.expect("+")) sign = 1;
  else if (scanner.expect("-")) sign = -1;
  const year = scanner.digits(4, 9);
  if (year === void 0 || !scanner.expect("-")) return scanFailure(scanner);
  const month = scanner.digits(2, 2);
  if (month === void 0 || !scanner.expect("-")) return scanFailure(scanner);
  const day = scanner.digits(2, 2);
  if (day === void 0) return scanFailure(scanner);
  const separator = scanner.text[scanner.index];
  if (separator !== "T" && separator !== "t" && separator !== " ") return scanFailure(scanner);
  scanner.index++;
  const hour = scanner.digits(2, 2);
  if (hour === void 0 || !scanner.expect(":")) return scanFailure(scanner);
  const minute = scanner.digits(2, 2);
  if (minute === void 0 || !scanner.expect(":")) return scanFailure(scanner);
  const second = scanner.digits(2, 2);
  if (second === void 0) return scanFailure(scanner);
  let fraction = 0;
  if (scanner.expect(".")) {
    const start = scanner.index;
    while (!scanner.atEnd() && /[0-9]/.test(scanner.text[scanner.index])) scanner.index++;
    if (scanner.index === start) return scanFailure(scanner);
    fraction = Number(`0.${scanner.text.slice(start, Math.min(scanner.index, start + 9))}`);
  }
  let offsetSeconds = 0;
  const naive = scanner.atEnd();
  if (naive && separator === " ") return fail("premature end of input");
  if (!naive) {
    while (scanner.text[scanner.index] === " ") scanner.index++;
    const zone = scanner.text[scanner.index];
    if (zone === "Z" || zone === "z") {
      scanner.index++;
    } else if (zone === "+" || zone === "-") {
      scanner.index++;
      const offsetHours = scanner.digits(2, 2);
      if (offsetHours === void 0) return scanFailure(scanner);
      scanner.expect(":");
      const offsetMinutes = scanner.digits(2, 2);
      if (offsetMinutes === void 0) return scanFailure(scanner);
      if (offsetHours > 23 || offsetMinutes > 59) return fail("input is out of range");
      offsetSeconds = (zone === "+" ? 1 : -1) * (offsetHours * 3600 + offsetMinutes * 60);
    } else {
      return scanFailure(scanner);
    }
    if (!scanner.atEnd()) return fail("trailing input");
  }
  const signedYear = sign * year;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(signedYear, month))
    return fail("input is out of range");
  if (hour > 23 || minute > 59 || second > 60) return fail("input is out of range");
  const days = daysFromCivil(signedYear, month, day);
  return days * 86400 + hour * 3600 + minute * 60 + second + fraction - offsetSeconds;
}
function parseTimestamp(value) {
  let seconds;
  if (typeof value === "string") {
    seconds = parseTimestampText(value);
    if (seconds === void 0)
      return { reason: scalarError.reason ?? "input contains invalid characters", original: value };
  } else if (typeof value === "number") {
    if (Math.abs(value) >= CHRONO_LIMIT) return { reason: "timestamp out of range", original: value };
    seconds = value;
  } else {
    return { reason: "expected a timestamp", original: value };
  }
  if (seconds >= MAX_TIMESTAMP) return { reason: "timestamp out of range", original: seconds };
  return { seconds: roundMicros(seconds) };
}
function pad(value, width) {
  return String(value).padStart(width, "0");
}
function civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365
  );
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? y + 1 : y, m, d];
}
function splitSeconds(seconds) {
  const rounded = roundMicros(seconds);
  const whole = Math.floor(rounded);
  const micros = Math.round((rounded - whole) * 1e6);
  const days = Math.floor(whole / 86400);
  const rest = whole - days * 86400;
  const [year, month, day] = civilFromDays(days);
  const yearText = year < 0 ? `-${pad(-year, 4)}` : year > 9999 ? `+${year}` : pad(year, 4);
  return {
    date: `${yearText}-${pad(month, 2)}-${pad(day, 2)}`,
    time: `${pad(Math.floor(rest / 3600), 2)}:${pad(Math.floor(rest % 3600 / 60), 2)}:${pad(rest % 60, 2)}`,
    micros
  };
}
function formatRfc3339(seconds) {
  const { date, time, micros } = splitSeconds(seconds);
  let fraction = "";
  if (micros !== 0) fraction = micros % 1e3 === 0 ? `.${pad(micros / 1e3, 3)}` : `.${pad(micros, 6)}`;
  return `${date}T${time}${fraction}+00:00`;
}
function formatUtcDisplay(seconds) {
  const { date, time, micros } = splitSeconds(seconds);
  let fraction = "";
  if (micros !== 0) fraction = micros % 1e3 === 0 ? `.${pad(micros / 1e3, 3)}` : `.${pad(micros, 6)}`;
  return `${date} ${time}${fraction} UTC`;
}
export {
  AUTO_IP,
  formatRfc3339,
  formatUtcDisplay,
  isIpAddress,
  parseAddr,
  parseBool,
  parseEventType,
  parseF64,
  parseHexId,
  parseI64,
  parseIp,
  parseJsonLenientString,
  parseLenientString,
  parseLevel,
  parseSpanStatus,
  parseString,
  parseThreadId,
  parseTimestamp,
  parseTimestampText,
  parseU64,
  parseUuid,
  parseUuidText,
  roundMicros,
  scalarError
};
//# sourceMappingURL=values.js.map
