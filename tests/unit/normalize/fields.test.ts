// Per-field rules of store normalization that the fixture corpus covers thinly. Expected values
// were checked against Relay's own normalizer (`sentry-relay`) where its generation agrees with
// the spec; the others cite the spec section they follow.
import { describe, expect, it } from "vitest";
import { formatMessage } from "../../../consumers/normalize/logentry.ts";
import { metaOf, wire } from "./support.ts";

describe("logentry (spec §3.7)", () => {
  it("formats printf-style, positional-brace and named parameters", () => {
    expect(wire({ logentry: { message: "Hello %s, you are %d", params: ["bob", 42] } }).logentry).toEqual({
      formatted: "Hello bob, you are 42",
      message: "Hello %s, you are %d",
      params: ["bob", 42],
    });
    expect(wire({ logentry: { message: "Hello {} and {}", params: ["a", "b"] } }).logentry).toMatchObject({
      formatted: "Hello a and b",
    });
    expect(wire({ logentry: { message: "Hi %(name)s", params: { name: "x" } } }).logentry).toMatchObject({
      formatted: "Hi x",
    });
  });

  it("turns a legacy message string into formatted and keeps an already formatted entry", () => {
    expect(wire({ message: "plain message" }).logentry).toEqual({ formatted: "plain message" });
    expect(wire({ logentry: { formatted: "already" } }).logentry).toEqual({ formatted: "already" });
  });

  it("leaves a format without parameters unformatted", () => {
    expect(formatMessage("100%s done", undefined)).toBeUndefined();
  });
});

describe("tags (spec §3.10)", () => {
  it("accepts the object form, drops reserved keys, takes the environment and flags bad keys", () => {
    const event = wire({
      tags: { a: "1", release: "x", environment: "prod", "b c": "2", "bad/key": "v", "": "e", n: 5, t: true },
    });
    expect(event.environment).toBe("prod");
    expect(event.tags).toEqual([
      [null, "e"],
      ["a", "1"],
      ["b-c", "2"],
      [null, "v"],
      ["n", "5"],
      ["t", "True"],
    ]);
    expect(metaOf(event)).toEqual({
      tags: {
        "0": { "0": { "": { err: [["invalid_data", { reason: "expected a non-empty value" }]] } } },
        "3": {
          "0": { "": { err: [["invalid_data", { reason: "invalid character '/'" }]], val: "bad/key" } },
        },
      },
    });
  });

  it("keeps the first of duplicate keys, keeps null entries and rejects newlines in values", () => {
    const event = wire({
      tags: [["a", "1"], ["a", "2"], null, ["b", "x\ny"]],
    });
    expect(event.tags).toEqual([["a", "1"], null, ["b", null]]);
    expect(event.errors).toEqual([
      { type: "invalid_data", name: "tags.2.1", value: "x\ny", reason: "invalid character '\\n'" },
    ]);
  });

  it("moves site and server_name into the tags, replacing a same-named tag in place", () => {
    const event = wire({ server_name: "srv", site: "s1", tags: [["site", "old"]] });
    expect(event.tags).toEqual([
      ["site", "s1"],
      ["server_name", "srv"],
    ]);
    expect(event.site).toBeUndefined();
    expect(event.server_name).toBeUndefined();
  });

  it("nulls keys and values over 200 characters with value_too_long instead of cutting them", () => {
    const event = wire({ tags: [["k".repeat(201), "v".repeat(201)]] });
    expect(event.tags).toEqual([[null, null]]);
    expect(metaOf(event)).toEqual({
      tags: { "0": { "0": { "": { err: ["value_too_long"] } }, "1": { "": { err: ["value_too_long"] } } } },
    });
  });
});

describe("release, environment, dist (spec §3.16)", () => {
  it("rejects a release with a slash, trims the environment and nulls a blank dist", () => {
    const event = wire({ release: "a/b", environment: " prod ", dist: "  " });
    expect(event.release).toBeNull();
    expect(event.environment).toBe("prod");
    expect(event.dist).toBeNull();
    expect(metaOf(event)).toEqual({
      dist: { "": { err: [["invalid_data", { reason: "expected a non-empty string" }]] } },
      release: { "": { err: ["invalid_data"], val: "a/b" } },
    });
  });

  it("rejects a release with a newline", () => {
    expect(metaOf(wire({ release: "x\ny" }))).toEqual({
      release: { "": { err: ["invalid_data"], val: "x\ny" } },
    });
  });
});

describe("event attributes (spec §3.4, §3.5, §3.17–§3.20)", () => {
  it("maps level aliases and numbers, and defaults platform, logger and sdk", () => {
    expect(wire({ level: "critical" }).level).toBe("fatal");
    expect(wire({ level: 40 }).level).toBe("error");
    const event = wire({ platform: "brainfuck" });
    expect(event.platform).toBe("other");
    expect(metaOf(event)).toEqual({ platform: { "": { val: "brainfuck" } } });
    expect(event.logger).toBe("");
    expect(event.sdk).toEqual({ name: "sentry.test", version: "1.0" });
  });

  it("stringifies fingerprint entries and drops nulls", () => {
    expect(wire({ fingerprint: ["{{ default }}", 1, 2.5, true, null, "x"] }).fingerprint).toEqual([
      "{{ default }}",
      "1",
      "2",
      "True",
      "x",
    ]);
  });

  it("trims the transaction name", () => {
    expect(wire({ transaction: "  /api/x  " }).transaction).toBe("/api/x");
  });

  it("replaces unknown top-level attributes with invalid_attribute errors", () => {
    const event = wire({ foo: 1, bar: { x: 1 } });
    expect(event.foo).toBeNull();
    expect(event.bar).toBeNull();
    expect(event.errors).toEqual([
      { type: "invalid_attribute", name: "bar" },
      { type: "invalid_attribute", name: "foo" },
    ]);
  });

  it("splits an exception value into type and value, and names signals from the OS", () => {
    expect(wire({ exception: { values: [{ value: "ValueError: boom" }] } }).exception).toEqual({
      values: [{ type: "ValueError", value: "boom" }],
    });
    const event = wire({
      exception: {
        values: [{ type: "E", mechanism: { type: "generic", meta: { signal: { number: 11 } } } }],
      },
      contexts: { os: { name: "Linux" } },
    });
    expect(event.type).toBe("error");
    expect(event.exception).toEqual({
      values: [
        { type: "E", mechanism: { type: "generic", meta: { signal: { number: 11, name: "SIGSEGV" } } } },
      ],
    });
  });
});

describe("user and IP address (spec §3.11)", () => {
  it("gives javascript events the client IP and moves unknown user keys into data", () => {
    const event = wire({ platform: "javascript", user: { id: 5, foo: "bar" } }, { clientIp: "203.0.113.7" });
    expect(event.user).toEqual({
      id: "5",
      ip_address: "203.0.113.7",
      data: { foo: "bar" },
      sentry_user: "id:5",
    });
  });

  it("resolves {{auto}} only when the client IP is known", () => {
    expect(
      wire({ platform: "python", user: { ip_address: "{{auto}}" } }, { clientIp: "203.0.113.7" }).user,
    ).toEqual({
      ip_address: "203.0.113.7",
      sentry_user: "ip:203.0.113.7",
    });
    expect(wire({ platform: "python", user: { ip_address: "{{auto}}" } }).user).toEqual({
      ip_address: "{{auto}}",
      sentry_user: "ip:{{auto}}",
    });
    expect(wire({ platform: "python" }, { clientIp: "203.0.113.7" }).user).toBeUndefined();
  });

  it("takes REMOTE_ADDR when the user has no IP, and rejects a malformed IP", () => {
    expect(wire({ request: { env: { REMOTE_ADDR: "10.0.0.1" } } }).user).toEqual({
      ip_address: "10.0.0.1",
      sentry_user: "ip:10.0.0.1",
    });
    const event = wire({ user: { ip_address: "nope", email: "a@b" } });
    expect(event.user).toEqual({ email: "a@b", ip_address: null, sentry_user: "email:a@b" });
    expect(event.errors).toEqual([
      { type: "invalid_data", name: "user.ip_address", value: "nope", reason: "expected an ip address" },
    ]);
  });
});
