import { describe, expect, it } from "vitest";
import { trimFunctionName } from "../../../consumers/grouping/trim-function.ts";

describe("function name trimming", () => {
  it.each([
    ["std::vector<int>::push_back(int const&)", "std::vector<T>::push_back"],
    ["void foo::bar(int) const", "foo::bar"],
    ["unsigned int whatever()", "whatever"],
    ["<Foo as Bar>::baz", "Foo::baz"],
    ["core::ptr::drop_in_place::h1234567890abcdef", "core::ptr::drop_in_place"],
    ["@handler@12", "handler"],
    ["@objc whatever -> Int", "whatever"],
    ["main::$_0::operator()", "main::lambda::operator()"],
    ["operator<<(std::ostream&, int)", "operator<<"],
    ["-[UIApplication _run]", "-[UIApplication _run]"],
    [
      "__46+[FudgeGlobalHandler setupGlobalHandlersIfNeeded]_block_invoke_2",
      "__46+[FudgeGlobalHandler setupGlobalHandlersIfNeeded]_block_invoke_2",
    ],
    ["<redacted>", "<redacted>"],
  ])("native %s -> %s", (input, expected) => {
    expect(trimFunctionName(input, "cocoa")).toBe(expected);
  });

  it("cuts C# signatures at the argument list", () => {
    expect(trimFunctionName("Foo.Bar (System.String x)", "csharp")).toBe("Foo.Bar");
  });

  it("leaves other platforms alone", () => {
    expect(trimFunctionName("std::vector<int>::push_back(int const&)", "python")).toBe(
      "std::vector<int>::push_back(int const&)",
    );
  });
});
