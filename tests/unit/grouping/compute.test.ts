import { describe, expect, it } from "vitest";
import { computeGrouping } from "../../../consumers/grouping/compute.ts";
import { compileGroupingConfig } from "../../../consumers/grouping/config.ts";

const settings = (stackTraceRules = "", fingerprintRules = "", groupingConfig = "newstyle:2023-01-11") => ({
  groupingConfig,
  stackTraceRules,
  fingerprintRules,
});

const jsEvent = {
  platform: "javascript",
  exception: {
    values: [
      {
        type: "TypeError",
        value: "x is undefined",
        stacktrace: {
          frames: [
            {
              function: "vendorThing",
              abs_path: "http://cdn.example.com/node_modules/lib/index.js",
              lineno: 3,
            },
            {
              function: "App.render",
              abs_path: "http://example.com/static/app.js",
              lineno: 10,
              in_app: true,
            },
          ],
        },
      },
    ],
  },
};

describe("computeGrouping", () => {
  it("produces app and system variants in Sentry's order, system hash last", () => {
    const result = computeGrouping(jsEvent, settings());
    expect(result.config).toBe("newstyle:2023-01-11");
    expect(Object.keys(result.variants)).toEqual(["app", "system"]);
    expect(result.variants.app!.contributingValues).toEqual(["render", "TypeError"]);
    expect(result.hashes).toEqual([result.variants.app!.hash, result.variants.system!.hash]);
    expect(result.variants.app!.description).toBe("in-app exception stack-trace");
  });

  it("does not modify the event it is given", () => {
    const copy = structuredClone(jsEvent);
    computeGrouping(jsEvent, settings("function:render -app"));
    expect(jsEvent).toEqual(copy);
  });

  it("appends project stack-trace rules after the base rules", () => {
    // Rules see the full function name; JavaScript trimming only applies to the hash.
    const result = computeGrouping(jsEvent, settings("function:App.render -app"));
    expect(result.variants.app!.contributes).toBe(false);
    expect(result.hashes).toEqual([result.variants.system!.hash]);
  });

  it("reports bad project rules and keeps grouping with the base rules", () => {
    const compiled = compileGroupingConfig(
      settings("function:render -app\nfunction render +app", "type:X ->"),
    );
    expect(compiled.problems.map((p) => p.kind)).toEqual(["stack_trace_rules", "fingerprint_rules"]);
    const stack = compiled.problems[0]!;
    expect(stack.kind === "stack_trace_rules" && stack.errors[0]!.line).toBe(2);
    const result = computeGrouping(
      jsEvent,
      settings("function:render -app\nfunction render +app", "type:X ->"),
    );
    expect(result.hashes).toEqual(computeGrouping(jsEvent, settings()).hashes);
  });

  it("falls back to the default config for an unknown config id", () => {
    const compiled = compileGroupingConfig(settings("", "", "newstyle:1999-01-01"));
    expect(compiled.definition.id).toBe("newstyle:2023-01-11");
    expect(compiled.problems).toEqual([{ kind: "unknown_grouping_config", configId: "newstyle:1999-01-01" }]);
  });

  it("compiles each distinct rule text once", () => {
    expect(compileGroupingConfig(settings("function:a -app"))).toBe(
      compileGroupingConfig(settings("function:a -app")),
    );
    expect(compileGroupingConfig(settings("function:a -app"))).not.toBe(
      compileGroupingConfig(settings("function:b -app")),
    );
  });

  it("uses a legacy checksum verbatim, or its MD5 when it is not hex", () => {
    expect(computeGrouping({ checksum: "0123456789abcdef0123456789abcdef", message: "x" }).hashes).toEqual([
      "0123456789abcdef0123456789abcdef",
    ]);
    const hashed = computeGrouping({ checksum: "not hex" });
    expect(Object.keys(hashed.variants)).toEqual(["hashed_checksum"]);
  });

  it("groups a bare message by its parameterized text", () => {
    const a = computeGrouping({ message: "Order 17 failed at 10:42" });
    const b = computeGrouping({ logentry: { formatted: "Order 99 failed at 11:07" } });
    expect(a.variants.default!.contributingValues).toEqual(["Order <int> failed at <date>"]);
    expect(a.hashes).toEqual(b.hashes);
  });

  it("falls back to the empty hash when nothing contributes", () => {
    const result = computeGrouping({ platform: "javascript", stacktrace: { frames: [] } });
    expect(result.variants.fallback!.hash).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(result.hashes).toEqual(["d41d8cd98f00b204e9800998ecf8427e"]);
  });

  it("lets a client fingerprint take precedence over the stack trace", () => {
    const result = computeGrouping({ ...jsEvent, fingerprint: ["{{ type }}", "checkout"] });
    expect(result.variants.custom_fingerprint!.contributingValues).toEqual(["TypeError", "checkout"]);
    expect(result.variants.app!.hint).toBe("ignored because custom client fingerprint takes precedence");
    expect(result.hashes).toEqual([result.variants.custom_fingerprint!.hash]);
  });
});
