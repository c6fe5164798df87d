// consumers/storage/json-float.ts
import { parse as parseLossless } from "lossless-json";
var JsonFloat = class {
  constructor(value) {
    this.value = value;
  }
  value;
  toJSON() {
    return this.value;
  }
  valueOf() {
    return this.value;
  }
};
var QUOTE = 34;
var BACKSLASH = 92;
var MINUS = 45;
var PLUS = 43;
var DOT = 46;
var UPPER_E = 69;
var LOWER_E = 101;
function isDigit(code) {
  return code >= 48 && code <= 57;
}
function skipString(text, from) {
  let at = from;
  for (; ; ) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let i = quote - 1; text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}
function hasIntegralFloatToken(text) {
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = skipString(text, i + 1);
      continue;
    }
    if (isDigit(code) || code === MINUS) {
      const start = i;
      let float = false;
      i++;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (isDigit(c)) {
          i++;
        } else if (c === DOT || c === UPPER_E || c === LOWER_E || c === PLUS || c === MINUS) {
          float = true;
          i++;
        } else {
          break;
        }
      }
      if (float && Number.isInteger(Number(text.slice(start, i)))) return true;
      continue;
    }
    i++;
  }
  return false;
}
function parseNumberToken(token) {
  const value = Number(token);
  const float = token.includes(".") || token.includes("e") || token.includes("E");
  return float && Number.isInteger(value) ? new JsonFloat(value) : value;
}
function parseEventstreamJson(text) {
  if (!hasIntegralFloatToken(text)) return JSON.parse(text);
  return parseLossless(text, null, parseNumberToken);
}
export {
  JsonFloat,
  hasIntegralFloatToken,
  parseEventstreamJson
};
//# sourceMappingURL=json-float.js.map
