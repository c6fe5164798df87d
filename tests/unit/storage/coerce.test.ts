import { describe, expect, it } from "vitest";
import {
  compareUtf8,
  contextStringify,
  formatJsonNumber,
  hashToUuid,
  ipv4ToNumber,
  parseHexU64,
  parseIpAddress,
  parseSnubaDatetime,
  parseUuid,
  unicodify,
} from "../../../consumers/storage/coerce.ts";
import {
  hasIntegralFloatToken,
  JsonFloat,
  parseEventstreamJson,
} from "../../../consumers/storage/json-float.ts";

describe("parseEventstreamJson", () => {
  it("keeps integral float tokens as JsonFloat and everything else as JSON.parse does", () => {
    const parsed = parseEventstreamJson('{"a":100.0,"b":[1e3,2.5,7],"c":"100.0","d":-0.0}') as Record<
      string,
      unknown
    >;
    expect(parsed.a).toBeInstanceOf(JsonFloat);
    expect((parsed.a as JsonFloat).value).toBe(100);
    expect(parsed.b).toEqual([new JsonFloat(1000), 2.5, 7]);
    expect(parsed.c).toBe("100.0");
    expect(JSON.stringify(parsed)).toBe('{"a":100,"b":[1000,2.5,7],"c":"100.0","d":0}');
  });

  it("takes the native path when float-looking text only occurs inside strings", () => {
    expect(hasIntegralFloatToken('{"v":"6.16.0","s":"x \\" 1.0 \\\\","n":1.5}')).toBe(false);
    expect(hasIntegralFloatToken('{"s":"\\\\","n":2.0}')).toBe(true);
    expect(hasIntegralFloatToken("[1E2]")).toBe(true);
    expect(hasIntegralFloatToken('{"t":true,"f":false,"e":1}')).toBe(false);
  });
});

describe("Snuba's value coercions", () => {
  it("prints numbers like serde_json: integers plain, floats with .0 or an exponent", () => {
    expect(formatJsonNumber(420)).toBe("420");
    expect(formatJsonNumber(new JsonFloat(100))).toBe("100.0");
    expect(formatJsonNumber(2.625)).toBe("2.625");
    expect(formatJsonNumber(new JsonFloat(1e16))).toBe("1e16");
    expect(formatJsonNumber(new JsonFloat(-0))).toBe("-0.0");
    expect(formatJsonNumber(1e-7)).toBe("1e-7");
  });

  it("Unicodify turns scalars into text and containers into compact JSON", () => {
    expect([
      unicodify("s"),
      unicodify(true),
      unicodify(3),
      unicodify([1, "a"]),
      unicodify({ a: null }),
      unicodify(null),
    ]).toEqual(["s", "true", "3", '[1,"a"]', '{"a":null}', null]);
  });

  it("ContextStringify spells booleans like Python and drops containers and null", () => {
    expect([
      contextStringify(false),
      contextStringify(new JsonFloat(25)),
      contextStringify({}),
      contextStringify(null),
    ]).toEqual(["False", "25.0", null, null]);
  });

  it("compares strings by UTF-8 bytes", () => {
    expect(compareUtf8("\uffff", "😀")).toBeLessThan(0);
    expect(compareUtf8("😀", "\uffff")).toBeGreaterThan(0);
    expect(compareUtf8("a", "ab")).toBeLessThan(0);
    expect(compareUtf8("b", "a")).toBeGreaterThan(0);
    expect(compareUtf8("same", "same")).toBe(0);
  });

  it("parses UUIDs in simple, hyphenated, braced and URN form", () => {
    const dashed = "1da660e8-8c01-430b-85fe-68537ed5838b";
    for (const text of [
      "1da660e88c01430b85fe68537ed5838b",
      dashed.toUpperCase(),
      `{${dashed}}`,
      `urn:uuid:${dashed}`,
    ]) {
      expect(parseUuid(text)).toBe(dashed);
    }
    expect(parseUuid("1da660e8-8c01430b85fe68537ed5838b")).toBeNull();
    expect(parseUuid("zz")).toBeNull();
  });

  it("turns a non-UUID hash into the UUID of its MD5", () => {
    expect(hashToUuid("061cf02b26374d108694d6643a7a2f4e")).toBe("061cf02b-2637-4d10-8694-d6643a7a2f4e");
    expect(hashToUuid("")).toBe("d41d8cd9-8f00-b204-e980-0998ecf8427e");
  });

  it("parses IP addresses to Rust's canonical text", () => {
    expect(parseIpAddress("::1")).toEqual({ v4: null, v6: "::1" });
    expect(parseIpAddress("1:0:0:1:0:0:0:1")).toEqual({ v4: null, v6: "1:0:0:1::1" });
    expect(parseIpAddress("1:0:1:0:1:0:1:0")).toEqual({ v4: null, v6: "1:0:1:0:1:0:1:0" });
    expect(parseIpAddress("::ffff:1.2.3.4")).toEqual({ v4: null, v6: "::ffff:1.2.3.4" });
    expect(parseIpAddress("01.2.3.4")).toEqual({ v4: null, v6: null });
    expect(parseIpAddress("")).toEqual({ v4: null, v6: null });
    expect(ipv4ToNumber("84.115.213.8")).toBe(1416877320);
  });

  it("parses Snuba's datetime format strictly", () => {
    expect(parseSnubaDatetime("2023-02-27T15:40:12.223000Z")).toBe(1677512412223);
    expect(parseSnubaDatetime("2023-02-27 15:40:12Z")).toBeNull();
    expect(parseSnubaDatetime("2023-02-27T15:40:12+00:00")).toBeNull();
    expect(parseSnubaDatetime("2023-13-01T00:00:00Z")).toBeNull();
  });

  it("parses hex span ids as u64 decimal text", () => {
    expect(parseHexU64("d95788e2076d497a")).toBe("15661136733572778362");
    expect(parseHexU64("+ff")).toBe("255");
    expect(parseHexU64("1ffffffffffffffff")).toBeNull();
    expect(parseHexU64("")).toBeNull();
  });
});
