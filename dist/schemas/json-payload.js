// schemas/json-payload.ts
import { DecodeError } from "./errors.js";
var utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function parseEventPayload(bytes, limits, protoKeys = "drop") {
  const value = parseJsonBytes(bytes, limits, "json", protoKeys);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DecodeError(
      "json",
      "payload-not-json-object",
      `top-level value is ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`
    );
  }
  return value;
}
function parseJsonBytes(bytes, limits, format, protoKeys = "drop") {
  if (bytes.length > limits.maxBytes) {
    throw new DecodeError(format, "payload-too-large", `${bytes.length} bytes exceeds ${limits.maxBytes}`);
  }
  const input = limits.legacyPythonJson ? translateLegacyPythonJson(bytes) : bytes;
  let text;
  try {
    text = utf8.decode(input);
  } catch (error) {
    if (error instanceof TypeError) throw new DecodeError(format, "invalid-utf8", "input is not valid UTF-8");
    throw error;
  }
  scanJsonText(text, limits.maxDepth, format);
  try {
    if (!text.includes("__proto__") && !text.includes("\\u")) return JSON.parse(text);
    return JSON.parse(text, protoKeys === "reject" ? protoKeyRejecter(format) : dropProtoKeys);
  } catch (error) {
    if (error instanceof SyntaxError) throw new DecodeError(format, "invalid-json", error.message);
    throw error;
  }
}
function dropProtoKeys(key, value) {
  return key === "__proto__" ? void 0 : value;
}
function protoKeyRejecter(format) {
  return function reject(key, value) {
    if (key !== "__proto__") return value;
    const siblings = Object.keys(this).filter((k) => k !== "__proto__").slice(0, 5).map((k) => JSON.stringify(k.slice(0, 64)));
    throw new DecodeError(
      format,
      "proto-key",
      `object key "__proto__" refused (prototype-pollution guard); its object's other keys: [${siblings.join(", ")}]`
    );
  };
}
function scanJsonText(text, maxDepth, format) {
  const length = text.length;
  let depth = 0;
  let i = 0;
  let backslash = -1;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let from = i + 1;
      for (; ; ) {
        const quote = text.indexOf('"', from);
        if (quote === -1) return;
        if (backslash < from) {
          backslash = text.indexOf("\\", from);
          if (backslash === -1) backslash = length;
        }
        if (backslash > quote) {
          i = quote + 1;
          break;
        }
        from = skipEscape(text, backslash, format);
        backslash = -1;
      }
      continue;
    }
    if (c === 123 || c === 91) {
      depth++;
      if (depth > maxDepth) throw new DecodeError(format, "too-deep", `nesting deeper than ${maxDepth}`);
    } else if (c === 125 || c === 93) {
      depth--;
    }
    i++;
  }
}
function skipEscape(text, at, format) {
  if (text.charCodeAt(at + 1) !== 117) return at + 2;
  const unit = hex4(text, at + 2);
  if (unit >= 56320 && unit <= 57343) throw loneSurrogate(format);
  if (unit >= 55296 && unit <= 56319) {
    const low = text.charCodeAt(at + 6) === 92 && text.charCodeAt(at + 7) === 117 ? hex4(text, at + 8) : -1;
    if (low < 56320 || low > 57343) throw loneSurrogate(format);
    return at + 12;
  }
  return at + 6;
}
var HEX4 = /^[0-9a-fA-F]{4}$/;
function hex4(text, at) {
  const digits = text.slice(at, at + 4);
  return HEX4.test(digits) ? Number.parseInt(digits, 16) : -1;
}
function loneSurrogate(format) {
  return new DecodeError(format, "invalid-json", "lone surrogate in a \\u escape");
}
function isLegacyPythonClient(client) {
  return client != null && (client.startsWith("raven-python/") || client.startsWith("sentry-python/"));
}
var LegacyState = {
  Initial: 0,
  Quoted: 1,
  QuotedEscape: 2,
  NaN0: 3,
  NaN1: 4,
  Number: 5,
  Inf0: 6,
  Inf6: 12
};
var U64_MAX = 18446744073709551615n;
var INFINITY_TAIL = "nfinity";
function translateLegacyPythonJson(bytes) {
  const out = Uint8Array.from(bytes);
  let state = LegacyState.Initial;
  let numberStart = 0;
  const endNumber = (end) => {
    const digits = Buffer.from(out.buffer, out.byteOffset + numberStart, end - numberStart).toString(
      "latin1"
    );
    if (BigInt(digits) > U64_MAX) {
      out[numberStart] = 48;
      out.fill(32, numberStart + 1, end);
    }
  };
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    switch (state) {
      case LegacyState.Initial:
        if (c === 78) state = LegacyState.NaN0;
        else if (c === 73) state = LegacyState.Inf0;
        else if (c === 34) state = LegacyState.Quoted;
        else if (c >= 48 && c <= 57) {
          state = LegacyState.Number;
          numberStart = i;
        }
        break;
      case LegacyState.Quoted:
        if (c === 92) state = LegacyState.QuotedEscape;
        else if (c === 34) state = LegacyState.Initial;
        break;
      case LegacyState.QuotedEscape:
        state = LegacyState.Quoted;
        break;
      case LegacyState.NaN0:
        if (c === 97) state = LegacyState.NaN1;
        break;
      case LegacyState.NaN1:
        if (c === 78) {
          out[i - 2] = 48;
          out[i - 1] = 32;
          out[i] = 32;
          state = LegacyState.Initial;
        }
        break;
      case LegacyState.Number:
        if (c === 46 || c === 69 || c === 101) state = LegacyState.Initial;
        else if (c < 48 || c > 57) {
          endNumber(i);
          state = LegacyState.Initial;
        }
        break;
      default: {
        const index = state - LegacyState.Inf0;
        if (c === INFINITY_TAIL.charCodeAt(index)) {
          if (state === LegacyState.Inf6) {
            out[i - 7] = 48;
            out.fill(32, i - 6, i + 1);
            state = LegacyState.Initial;
          } else {
            state = state + 1;
          }
        }
      }
    }
  }
  if (state === LegacyState.Number) endNumber(out.length);
  return out;
}
export {
  isLegacyPythonClient,
  parseEventPayload,
  parseJsonBytes,
  translateLegacyPythonJson
};
//# sourceMappingURL=json-payload.js.map
