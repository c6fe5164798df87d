import { type CodecFormat, DecodeError } from "./errors.ts";

// Bounded, strict JSON parsing for event payloads (and any JSON object a topic carries).
//
// Strictness follows Relay, which parses with serde_json and writes what Kafka carries with
// serde_json: invalid UTF-8, NaN/Infinity, lone UTF-16 surrogate escapes and anything that
// is not an object at the top are rejected. The one place Relay accepts Python-legacy JSON
// (`NaN`, `Infinity`, integers beyond 64 bits) is its store endpoint for clients named
// `raven-python/*` or `sentry-python/*`, where it rewrites those tokens to `0` before
// parsing (getsentry/rust-json-forensics `translate_slice`, used by relay-server's
// store endpoint and by the Python binding; vector `store_py_legacy_json_nan`: NaN → 0).
// `translateLegacyPythonJson` is that rewrite, for our HTTP intake; payloads read from Kafka
// were written by Relay and never need it.
//
// `__proto__` keys: JSON.parse makes them own data properties, harmless in themselves, but
// `Object.assign`, `_.merge`-style deep merges and `target[key] = ...` walks turn such a key
// into a prototype write. No Sentry field is named so (Relay would keep it as unknown data).
// Two policies, at every depth and however the key is spelled (`\u005f_proto__` too):
// - "reject" (relay-intake, where hostile input enters): DecodeError `proto-key`, so the
//   message is dead-lettered with its original bytes instead of stored;
// - "drop" (the default, for consumers re-parsing a topic that something else may have
//   written: replay, Sentry-produced messages): the key is removed, the rest kept.
// `constructor` and `prototype` keys are kept under both: JSON.parse makes them own data
// properties, which shadow the inherited ones, so they reach a prototype only through a
// hand-written recursive merge that walks `target[key]` into `Object.prototype` when the
// target lacks the key (`{"constructor":{"prototype":{...}}}`). No code here merges
// payloads; copies use spread or structuredClone (tests/unit/schemas/proto-keys.test.ts).

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** What a `__proto__` object key does (see above). */
export type ProtoKeyPolicy = "drop" | "reject";

export interface PayloadLimits {
  /** Largest payload accepted, in bytes (option `maxPayloadBytes`). */
  readonly maxBytes: number;
  /** Deepest nesting of objects/arrays accepted; the top-level object is depth 1 (option `maxJsonDepth`). */
  readonly maxDepth: number;
  /** Apply Relay's Python-legacy rewrite first (see `isLegacyPythonClient`). */
  readonly legacyPythonJson?: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses an event payload into a plain JSON object. Throws only `DecodeError`
 * (`payload-too-large`, `invalid-utf8`, `too-deep`, `invalid-json`, `payload-not-json-object`,
 * and `proto-key` under the "reject" policy).
 */
export function parseEventPayload(
  bytes: Uint8Array,
  limits: PayloadLimits,
  protoKeys: ProtoKeyPolicy = "drop",
): JsonObject {
  const value = parseJsonBytes(bytes, limits, "json", protoKeys);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DecodeError(
      "json",
      "payload-not-json-object",
      `top-level value is ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  return value;
}

/** Any JSON value, with the same limits and rules; errors carry `format`. */
export function parseJsonBytes(
  bytes: Uint8Array,
  limits: PayloadLimits,
  format: CodecFormat,
  protoKeys: ProtoKeyPolicy = "drop",
): JsonValue {
  if (bytes.length > limits.maxBytes) {
    throw new DecodeError(format, "payload-too-large", `${bytes.length} bytes exceeds ${limits.maxBytes}`);
  }
  const input = limits.legacyPythonJson ? translateLegacyPythonJson(bytes) : bytes;
  let text: string;
  try {
    text = utf8.decode(input);
  } catch (error) {
    if (error instanceof TypeError) throw new DecodeError(format, "invalid-utf8", "input is not valid UTF-8");
    throw error;
  }
  scanJsonText(text, limits.maxDepth, format);
  try {
    // The reviver costs a second walk, so only texts that could hold the key pay for it:
    // `__proto__` spelled out, or any \u escape (which can spell it).
    if (!text.includes("__proto__") && !text.includes("\\u")) return JSON.parse(text) as JsonValue;
    return JSON.parse(text, protoKeys === "reject" ? protoKeyRejecter(format) : dropProtoKeys) as JsonValue;
  } catch (error) {
    if (error instanceof SyntaxError) throw new DecodeError(format, "invalid-json", error.message);
    throw error;
  }
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === "__proto__" ? undefined : value;
}

// The reviver runs innermost first, so the error names the holder's other keys, which is
// what locates it in a large payload; the bytes themselves go to the DLQ untouched.
function protoKeyRejecter(format: CodecFormat): (this: unknown, key: string, value: unknown) => unknown {
  return function reject(this: unknown, key: string, value: unknown): unknown {
    if (key !== "__proto__") return value;
    const siblings = Object.keys(this as object)
      .filter((k) => k !== "__proto__")
      .slice(0, 5)
      .map((k) => JSON.stringify(k.slice(0, 64)));
    throw new DecodeError(
      format,
      "proto-key",
      `object key "__proto__" refused (prototype-pollution guard); its object's other keys: [${siblings.join(", ")}]`,
    );
  };
}

/**
 * One pass over the text before JSON.parse: nesting depth (downstream code walks events
 * recursively, so `maxDepth` holds whatever the input) and lone surrogate escapes, which
 * JSON.parse accepts but serde_json rejects and no UTF-8 writer downstream could encode.
 * Strings, where most of an event's bytes are, are skipped with indexOf, which runs natively:
 * the pass costs a fraction of JSON.parse itself (bench/codecs.bench.ts).
 */
function scanJsonText(text: string, maxDepth: number, format: CodecFormat): void {
  const length = text.length;
  let depth = 0;
  let i = 0;
  // Position of the next backslash at or after the current string's scan point; recomputed lazily.
  let backslash = -1;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) return; // unterminated: JSON.parse reports it
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
    if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > maxDepth) throw new DecodeError(format, "too-deep", `nesting deeper than ${maxDepth}`);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
    i++;
  }
}

/** `at` is a backslash inside a string; returns the index after its escape sequence. */
function skipEscape(text: string, at: number, format: CodecFormat): number {
  if (text.charCodeAt(at + 1) !== 0x75) return at + 2;
  const unit = hex4(text, at + 2);
  if (unit >= 0xdc00 && unit <= 0xdfff) throw loneSurrogate(format);
  if (unit >= 0xd800 && unit <= 0xdbff) {
    const low =
      text.charCodeAt(at + 6) === 0x5c && text.charCodeAt(at + 7) === 0x75 ? hex4(text, at + 8) : -1;
    if (low < 0xdc00 || low > 0xdfff) throw loneSurrogate(format);
    return at + 12;
  }
  return at + 6;
}

const HEX4 = /^[0-9a-fA-F]{4}$/;

/** The code unit of a 4-digit hex escape body, or -1 (JSON.parse reports the syntax error). */
function hex4(text: string, at: number): number {
  const digits = text.slice(at, at + 4);
  return HEX4.test(digits) ? Number.parseInt(digits, 16) : -1;
}

function loneSurrogate(format: CodecFormat): DecodeError {
  return new DecodeError(format, "invalid-json", "lone surrogate in a \\u escape");
}

// --- Python-legacy JSON (Relay's store endpoint) -----------------------------------------------

/** Relay applies the rewrite only to these clients (`sentry_client` of the auth header). */
export function isLegacyPythonClient(client: string | undefined | null): boolean {
  return client != null && (client.startsWith("raven-python/") || client.startsWith("sentry-python/"));
}

const LegacyState = {
  Initial: 0,
  Quoted: 1,
  QuotedEscape: 2,
  NaN0: 3,
  NaN1: 4,
  Number: 5,
  Inf0: 6,
  Inf6: 12,
} as const;

const U64_MAX = 18446744073709551615n;
const INFINITY_TAIL = "nfinity";

/**
 * Returns a copy of `bytes` with the tokens `NaN` and `Infinity` (outside strings) replaced by
 * `0` and integers too large for 64 bits replaced by `0`, padded with spaces so offsets stay
 * put. Mirrors json-forensics' state machine, quirks included: a token that starts like
 * `NaN`/`Infinity` but is not one keeps the machine in that state until the rest shows up, and
 * the character that ends a number is not re-examined.
 */
export function translateLegacyPythonJson(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  let state: number = LegacyState.Initial;
  let numberStart = 0;

  const endNumber = (end: number): void => {
    const digits = Buffer.from(out.buffer, out.byteOffset + numberStart, end - numberStart).toString(
      "latin1",
    );
    if (BigInt(digits) > U64_MAX) {
      out[numberStart] = 0x30;
      out.fill(0x20, numberStart + 1, end);
    }
  };

  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    switch (state) {
      case LegacyState.Initial:
        if (c === 0x4e /* N */) state = LegacyState.NaN0;
        else if (c === 0x49 /* I */) state = LegacyState.Inf0;
        else if (c === 0x22) state = LegacyState.Quoted;
        else if (c >= 0x30 && c <= 0x39) {
          state = LegacyState.Number;
          numberStart = i;
        }
        break;
      case LegacyState.Quoted:
        if (c === 0x5c) state = LegacyState.QuotedEscape;
        else if (c === 0x22) state = LegacyState.Initial;
        break;
      case LegacyState.QuotedEscape:
        state = LegacyState.Quoted;
        break;
      case LegacyState.NaN0:
        if (c === 0x61 /* a */) state = LegacyState.NaN1;
        break;
      case LegacyState.NaN1:
        if (c === 0x4e) {
          out[i - 2] = 0x30;
          out[i - 1] = 0x20;
          out[i] = 0x20;
          state = LegacyState.Initial;
        }
        break;
      case LegacyState.Number:
        if (c === 0x2e || c === 0x45 || c === 0x65) state = LegacyState.Initial;
        else if (c < 0x30 || c > 0x39) {
          endNumber(i);
          state = LegacyState.Initial;
        }
        break;
      default: {
        // Inf0..Inf6: `I` was seen, waiting for the next letter of "nfinity".
        const index = state - LegacyState.Inf0;
        if (c === INFINITY_TAIL.charCodeAt(index)) {
          if (state === LegacyState.Inf6) {
            out[i - 7] = 0x30;
            out.fill(0x20, i - 6, i + 1);
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
