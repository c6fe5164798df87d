import { describe, expect, it } from "vitest";
import type { DecodeReason } from "../../../schemas/errors.ts";
import {
  isLegacyPythonClient,
  parseEventPayload,
  translateLegacyPythonJson,
} from "../../../schemas/json-payload.ts";
import { catchDecode } from "./fixtures.ts";

const LIMITS = { maxBytes: 1_048_576, maxDepth: 128 };
const utf8 = (text: string): Buffer => Buffer.from(text, "utf8");
const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ""), "hex");
const nested = (depth: number): Buffer => utf8(`{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`);

const HOSTILE: ReadonlyArray<[string, Uint8Array, DecodeReason]> = [
  ["a lone 0xff byte in a string", Buffer.concat([utf8('{"a":"'), hex("ff"), utf8('"}')]), "invalid-utf8"],
  ["an overlong encoding of '/'", Buffer.concat([utf8('{"a":"'), hex("c0af"), utf8('"}')]), "invalid-utf8"],
  [
    "a surrogate encoded as UTF-8 (CESU-8)",
    Buffer.concat([utf8('{"a":"'), hex("eda080"), utf8('"}')]),
    "invalid-utf8",
  ],
  ["a multi-byte sequence cut at the end", Buffer.concat([utf8('{"a":1}'), hex("e282")]), "invalid-utf8"],
  ["Latin-1 text", Buffer.from('{"a":"caf\xe9"}', "latin1"), "invalid-utf8"],
  ["empty input", Buffer.alloc(0), "invalid-json"],
  ["only whitespace", utf8("  \n "), "invalid-json"],
  ["NaN", utf8('{"x":NaN}'), "invalid-json"],
  ["Infinity", utf8('{"x":Infinity}'), "invalid-json"],
  ["-Infinity", utf8('{"x":-Infinity}'), "invalid-json"],
  ["a trailing comma", utf8('{"a":1,}'), "invalid-json"],
  ["single-quoted strings", utf8("{'a':1}"), "invalid-json"],
  ["an unterminated string", utf8('{"a":"b'), "invalid-json"],
  ["a raw newline inside a string", utf8('{"a":"b\nc"}'), "invalid-json"],
  ["a comment", utf8('{"a":1 /* no */}'), "invalid-json"],
  ["a byte order mark", Buffer.concat([hex("efbbbf"), utf8('{"a":1}')]), "invalid-json"],
  ["a lone high surrogate escape", utf8('{"a":"\\ud800"}'), "invalid-json"],
  ["a lone low surrogate escape", utf8('{"a":"\\udc00"}'), "invalid-json"],
  ["a high surrogate followed by a non-surrogate escape", utf8('{"a":"\\ud800\\u0041"}'), "invalid-json"],
  ["a lone surrogate in a key", utf8('{"\\ud83d":1}'), "invalid-json"],
  ["two objects back to back", utf8('{"a":1}{"b":2}'), "invalid-json"],
  ["a top-level array", utf8("[1,2]"), "payload-not-json-object"],
  ["a top-level string", utf8('"event"'), "payload-not-json-object"],
  ["a top-level number", utf8("42"), "payload-not-json-object"],
  ["a top-level null", utf8("null"), "payload-not-json-object"],
  ["a top-level true", utf8("true"), "payload-not-json-object"],
  ["129 levels of nesting", nested(129), "too-deep"],
  ["100 000 levels of nesting", nested(100_000), "too-deep"],
  ["100 000 unclosed brackets", utf8("[".repeat(100_000)), "too-deep"],
  ["one byte over the limit", utf8(`{"a":"${"x".repeat(LIMITS.maxBytes - 7)}"}`), "payload-too-large"],
];

describe("parseEventPayload on hostile input", () => {
  for (const [name, bytes, reason] of HOSTILE) {
    it(`gives DecodeError ${reason} for ${name}`, () => {
      const error = catchDecode(() => parseEventPayload(bytes, LIMITS));
      expect(error.reason).toBe(reason);
      expect(error.format).toBe("json");
    });
  }
});

describe("parseEventPayload on valid input", () => {
  it("accepts exactly the depth limit", () => {
    expect(parseEventPayload(nested(128), LIMITS)).toHaveProperty("a");
  });

  it("accepts exactly the size limit", () => {
    const bytes = utf8(`{"a":"${"x".repeat(LIMITS.maxBytes - 8)}"}`);
    expect(bytes.length).toBe(LIMITS.maxBytes);
    expect(parseEventPayload(bytes, LIMITS).a).toHaveLength(LIMITS.maxBytes - 8);
  });

  it("does not count brackets and escapes inside strings", () => {
    const text = `{"a":"${"[{".repeat(500)}\\"\\\\","b":"\\ud83d\\ude00"}`;
    const event = parseEventPayload(utf8(text), LIMITS);
    expect(event.b).toBe("😀");
    expect(event.a).toHaveLength(1002);
  });

  it("keeps non-ASCII text and escaped control characters", () => {
    expect(parseEventPayload(utf8('{"m":"Grüße \\u0000 ✓"}'), LIMITS).m).toBe("Grüße \u0000 ✓");
  });

  it("keeps the last of duplicate keys, as serde_json does", () => {
    expect(parseEventPayload(utf8('{"a":1,"a":2}'), LIMITS).a).toBe(2);
  });
});

describe("__proto__ keys in payloads", () => {
  it("are dropped at the top level and below, spelled plainly or escaped", () => {
    const event = parseEventPayload(
      utf8(
        '{"__proto__":{"polluted":1},"extra":{"__proto__":{"polluted":2},"ok":1},"\\u005f_proto__":{"polluted":3}}',
      ),
      LIMITS,
    );
    expect(Object.hasOwn(event, "__proto__")).toBe(false);
    expect(Object.hasOwn(event.extra as object, "__proto__")).toBe(false);
    expect(event.extra).toEqual({ ok: 1 });
    const merged = Object.assign({}, event, event.extra);
    expect((merged as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("are refused under the reject policy at any depth, escaped too, as proto-key naming the holder's keys", () => {
    for (const text of [
      '{"__proto__":{"polluted":1}}',
      '{"a":1,"extra":{"b":2,"__proto__":{"polluted":2}}}',
      '{"a":[[{"__proto__":null}]]}',
      '{"x":{"\\u005f_proto__":{"polluted":3}}}',
    ]) {
      const error = catchDecode(() => parseEventPayload(utf8(text), LIMITS, "reject"));
      expect(error.reason, text).toBe("proto-key");
      expect(error.format).toBe("json");
    }
    const error = catchDecode(() =>
      parseEventPayload(utf8('{"a":1,"extra":{"b":2,"__proto__":{}}}'), LIMITS, "reject"),
    );
    expect(error.detail).toContain('["b"]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("accept constructor, prototype and a __proto__ string value under the reject policy", () => {
    const event = parseEventPayload(
      utf8('{"constructor":{"prototype":{"x":1}},"prototype":2,"v":"__proto__","w":"\\u0041"}'),
      LIMITS,
      "reject",
    );
    expect(event.v).toBe("__proto__");
    expect(Object.hasOwn(event, "constructor")).toBe(true);
  });

  it("keep constructor and prototype as plain data", () => {
    const event = parseEventPayload(utf8('{"constructor":{"prototype":{"x":1}},"prototype":2}'), LIMITS);
    expect(Object.hasOwn(event, "constructor")).toBe(true);
    expect(event.prototype).toBe(2);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("Python-legacy JSON rewrite (json-forensics, as Relay's store endpoint applies it)", () => {
  const translate = (text: string): string =>
    Buffer.from(translateLegacyPythonJson(utf8(text))).toString("utf8");

  it("replaces NaN and ±Infinity outside strings by zero, keeping every offset", () => {
    expect(translate('{"nan":NaN,"inf":Infinity,"-inf":-Infinity}')).toBe(
      '{"nan":0  ,"inf":0       ,"-inf":-0       }',
    );
  });

  it("leaves the same words inside strings alone, escapes included", () => {
    expect(translate('{"nan":"nan","Infinity":"-Infinity","o":"NaN\\"NaN"}')).toBe(
      '{"nan":"nan","Infinity":"-Infinity","o":"NaN\\"NaN"}',
    );
  });

  it("zeroes integers beyond 64 bits and leaves floats and 64-bit integers", () => {
    expect(translate(`{"a":${"9".repeat(30)}}`)).toBe(`{"a":0${" ".repeat(29)}}`);
    expect(translate('{"a":18446744073709551615,"b":1.5e300,"c":999999999E-10}')).toBe(
      '{"a":18446744073709551615,"b":1.5e300,"c":999999999E-10}',
    );
    expect(translate("99999999999999999999999")).toBe(`0${" ".repeat(22)}`);
  });

  it("does not rewrite words that only start like Infinity", () => {
    expect(translate("Inferior")).toBe("Inferior");
  });

  it("makes the payload parse only when asked to", () => {
    const bytes = utf8('{"x":NaN,"y":Infinity}');
    expect(catchDecode(() => parseEventPayload(bytes, LIMITS)).reason).toBe("invalid-json");
    expect(parseEventPayload(bytes, { ...LIMITS, legacyPythonJson: true })).toEqual({ x: 0, y: 0 });
    expect(bytes.toString()).toBe('{"x":NaN,"y":Infinity}');
  });

  it("applies to the clients Relay names and no others", () => {
    expect(isLegacyPythonClient("raven-python/6.10.0")).toBe(true);
    expect(isLegacyPythonClient("sentry-python/0.1")).toBe(true);
    expect(isLegacyPythonClient("sentry.python/1.40.6")).toBe(false);
    expect(isLegacyPythonClient(undefined)).toBe(false);
  });
});
