// Request normalization (spec §3.12). Expected values were checked against Relay's own
// normalizer (the `sentry-relay` package) with scripts/relay-diff.py's runner.
import { describe, expect, it } from "vitest";
import { parseFormBody } from "../../../consumers/normalize/request.ts";
import { metaOf, wire } from "./support.ts";

function request(input: Record<string, unknown>): unknown {
  return wire({ request: input }).request;
}

describe("request URL", () => {
  it("moves the query and fragment of an absolute URL into their fields", () => {
    expect(request({ url: "http://example.com/path?a=1&b=2#frag", method: "post" })).toEqual({
      url: "http://example.com/path",
      method: "POST",
      query_string: [
        ["a", "1"],
        ["b", "2"],
      ],
      fragment: "frag",
    });
  });

  it("cuts a relative URL at # and then ?", () => {
    expect(request({ url: "/path?a=1#frag" })).toEqual({
      url: "/path",
      query_string: [["a", "1"]],
      fragment: "frag",
    });
  });

  it("lets an explicit query_string win over the URL's", () => {
    expect(request({ url: "http://example.com/p?a=1", query_string: "x=9" })).toEqual({
      url: "http://example.com/p",
      query_string: [["x", "9"]],
    });
  });

  it("replaces a trailing ellipsis character with three dots", () => {
    expect(request({ url: "http://example.com/abc\u2026" })).toEqual({ url: "http://example.com/abc..." });
  });
});

describe("request body and headers", () => {
  it("parses JSON bodies, moves the Cookie header into cookies and title-cases header names", () => {
    expect(
      request({ headers: { Cookie: "a=1; b=2", "content-type": "application/json" }, data: '{"k": [1,2]}' }),
    ).toEqual({
      cookies: [
        ["a", "1"],
        ["b", "2"],
      ],
      data: { k: [1, 2] },
      headers: [["Content-Type", "application/json"]],
      inferred_content_type: "application/json",
    });
  });

  it("parses form bodies when the content type says so", () => {
    expect(
      request({ headers: [["Content-Type", "application/x-www-form-urlencoded"]], data: "a=1&b=x+y" }),
    ).toEqual({
      data: { a: "1", b: "x y" },
      headers: [["Content-Type", "application/x-www-form-urlencoded"]],
      inferred_content_type: "application/x-www-form-urlencoded",
    });
  });

  it("keeps bodies serde_json rejects as strings: out-of-range numbers, 128 levels of nesting, null", () => {
    expect(request({ data: "1e309" })).toEqual({ data: "1e309" });
    expect(request({ data: "[-1e400]" })).toEqual({ data: "[-1e400]" });
    const deep = `${"[".repeat(128)}${"]".repeat(128)}`;
    expect((request({ data: deep }) as { data: unknown }).data).toBe(deep);
    expect(request({ data: "null" })).toEqual({ data: "null" });
    const shallow = `${"[".repeat(3)}${"]".repeat(3)}`;
    expect(request({ data: shallow })).toEqual({ data: [[[]]], inferred_content_type: "application/json" });
  });

  it("records cookies of the wrong type as an error with the original value", () => {
    const event = wire({ request: { cookies: 5 } });
    expect((event.request as Record<string, unknown>).cookies).toBeNull();
    expect(metaOf(event)).toEqual({
      request: { cookies: { "": { err: [["invalid_data", { reason: "expected cookies" }]], val: 5 } } },
    });
  });
});

describe("parseFormBody", () => {
  it("decodes pairs, plus signs and percent escapes", () => {
    expect(parseFormBody("a=1&b=x+y&c=%41%42")).toEqual({ a: "1", b: "x y", c: "AB" });
  });
});
