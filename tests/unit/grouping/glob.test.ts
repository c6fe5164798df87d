import { describe, expect, it } from "vitest";
import { compileGlob, GlobSyntaxError, requiredLiteral } from "../../../consumers/grouping/glob.ts";

const path = (pattern: string) => compileGlob(pattern, { literalSeparator: true, caseInsensitive: true });
const text = (pattern: string) => compileGlob(pattern, { literalSeparator: false, caseInsensitive: false });

describe("globs with globset semantics", () => {
  it("treats ** as recursive only as a whole path component", () => {
    expect(path("**/node_modules/**").test("a/node_modules/b/c.js")).toBe(true);
    expect(path("**/node_modules/**").test("node_modules/b")).toBe(true);
    expect(path("a/**/b").test("a/b")).toBe(true);
    expect(path("a/**/b").test("a/x/y/b")).toBe(true);
    // Not a whole component: two `*`, which do not cross `/`.
    expect(path("webpack:**").test("webpack:///app.js")).toBe(false);
    expect(path("webpack:**").test("webpack:app.js")).toBe(true);
    expect(path("**").test("any/thing")).toBe(true);
  });

  it("lets * and ? cross / only when separators are not literal", () => {
    expect(path("*.py").test("foo/hello.py")).toBe(false);
    expect(text("*.py").test("foo/hello.py")).toBe(true);
    expect(path("a?c").test("a/c")).toBe(false);
    expect(text("a?c").test("a/c")).toBe(true);
  });

  it("supports classes, negated classes, alternates and escapes", () => {
    expect(text("?[[]KSCrash*").test("+[KSCrash foo]")).toBe(true);
    expect(text("1.18.[0-4].*").test("1.18.4.2153")).toBe(true);
    expect(text("[!a]x").test("bx")).toBe(true);
    expect(text("[!a]x").test("ax")).toBe(false);
    expect(text("{foo,bar}.js").test("bar.js")).toBe(true);
    expect(text("*::\\{dtor\\}").test("Foo::{dtor}")).toBe(true);
  });

  it("never matches across newlines", () => {
    expect(text("foo*").test("foo\nbar")).toBe(false);
  });

  it("rejects what globset rejects", () => {
    for (const bad of ["[abc", "{a,b", "a}", "{a,{b}}", "x\\", "[z-a]"]) {
      expect(() => text(bad), bad).toThrow(GlobSyntaxError);
    }
  });

  it("extracts a literal every match contains", () => {
    expect(requiredLiteral("**/*newrelic*/**", { literalSeparator: true, caseInsensitive: true })).toBe(
      "newrelic",
    );
    expect(requiredLiteral("org.Apache.*", { literalSeparator: false, caseInsensitive: true })).toBe(
      "org.apache.",
    );
    expect(requiredLiteral("{a,b}", { literalSeparator: false, caseInsensitive: false })).toBe("");
  });
});
