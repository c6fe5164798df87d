// Which null and empty members Relay leaves out of the payload (its `SkipSerialization`), checked
// against Relay's normalizer (`sentry-relay`); see consumers/normalize/skip.ts.
import { describe, expect, it } from "vitest";
import { metaOf, wire } from "./support.ts";

describe("values lists", () => {
  it("drop items that would print as null or empty; meta moves with its item", () => {
    const event = wire({ breadcrumbs: [null, { message: "x" }, { message: "y", level: "bogus" }] });
    expect(event.breadcrumbs).toEqual({
      values: [
        { type: "default", level: "info", message: "x" },
        { type: "default", level: "info", message: "y" },
      ],
    });
    expect(metaOf(event)).toEqual({
      breadcrumbs: {
        values: {
          "1": { level: { "": { err: [["invalid_data", { reason: "invalid level" }]], val: "bogus" } } },
        },
      },
    });
  });

  it("keep an item that is null because of an error", () => {
    const event = wire({ breadcrumbs: [1.5, { message: "x" }] });
    expect((event.breadcrumbs as { values: unknown[] }).values[0]).toBeNull();
    expect(metaOf(event)).toEqual({
      breadcrumbs: {
        values: { "0": { "": { err: [["invalid_data", { reason: "expected breadcrumb" }]], val: 1.5 } } },
      },
    });
  });

  it("print an emptied list as an empty container, and exceptions still make an error event", () => {
    expect(wire({ threads: [{}] }).threads).toEqual({});
    const event = wire({ exception: [null] });
    expect(event.exception).toEqual({});
    expect(event.type).toBe("error");
  });

  it("keep null frames: frames are an `empty` list, not `empty_deep`", () => {
    const event = wire({ exception: [{ type: "A", stacktrace: { frames: [null, { function: "f" }] } }] });
    expect(event.exception).toEqual({
      values: [{ type: "A", stacktrace: { frames: [null, { function: "f" }] } }],
    });
  });
});

describe("maps and lists of fields", () => {
  it("drop null modules and null SDK integrations without meta", () => {
    const event = wire({
      modules: { a: null, b: "x", c: 1 },
      sdk: { name: "a", version: "1", integrations: [null, "a", 1] },
    });
    expect(event.modules).toEqual({ b: "x", c: null });
    expect(event.sdk).toEqual({ name: "a", version: "1", integrations: ["a", null] });
    expect(metaOf(event)).toEqual({
      modules: { c: { "": { err: [["invalid_data", { reason: "expected a string" }]], val: 1 } } },
      sdk: {
        integrations: { "1": { "": { err: [["invalid_data", { reason: "expected a string" }]], val: 1 } } },
      },
    });
  });

  it("keep null members of free-form data (extra, user data, request env, custom contexts)", () => {
    const event = wire({
      extra: { a: null, b: [null] },
      user: { data: { a: null } },
      request: { env: { a: null } },
      contexts: { custom: { x: null } },
    });
    expect(event.extra).toEqual({ a: null, b: [null] });
    expect(event.user).toEqual({ data: { a: null } });
    expect(event.request).toEqual({ env: { a: null } });
    expect((event.contexts as Record<string, unknown>).custom).toEqual({ type: "custom", x: null });
  });

  it("drop null unknown keys of known contexts, but not null values inside them", () => {
    const contexts = wire({ contexts: { os: { name: "x", foo: null, bar: [null] } } }).contexts as Record<
      string,
      unknown
    >;
    expect(contexts.os).toEqual({ name: "x", os: "x", type: "os", bar: [null] });
  });
});
