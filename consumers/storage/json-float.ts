import { parse as parseLossless } from "lossless-json";

// Snuba's processor stringifies context and tag numbers with serde_json, which keeps the
// difference between `100` and `100.0` (a float token prints as "100.0"). JSON.parse drops
// it, so a Sentry-produced `events` message would map to "100" where Snuba stores "100.0".
// `parseEventstreamJson` keeps that one bit: a float token with an integral value becomes a
// `JsonFloat`; every other number stays a plain number. Messages without such tokens (all
// of those our own JavaScript producers write) take the native JSON.parse path.

/** A JSON number written with a fraction or exponent whose value is integral (`100.0`, `1e3`). */
export class JsonFloat {
  constructor(readonly value: number) {}

  toJSON(): number {
    return this.value;
  }

  valueOf(): number {
    return this.value;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const UPPER_E = 0x45;
const LOWER_E = 0x65;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Index just past the closing quote of the string whose body starts at `from`. */
function skipString(text: string, from: number): number {
  let at = from;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let i = quote - 1; text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** True when `text` (valid JSON) has a float token with an integral value outside strings. */
export function hasIntegralFloatToken(text: string): boolean {
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

function parseNumberToken(token: string): number | JsonFloat {
  const value = Number(token);
  const float = token.includes(".") || token.includes("e") || token.includes("E");
  return float && Number.isInteger(value) ? new JsonFloat(value) : value;
}

/**
 * Parses an `events` message (or any JSON) like JSON.parse, except that integral float
 * tokens become `JsonFloat` so the row mapping can print them the way Snuba does.
 */
export function parseEventstreamJson(text: string): unknown {
  if (!hasIntegralFloatToken(text)) return JSON.parse(text);
  return parseLossless(text, null, parseNumberToken);
}
