import { describe, expect, it } from "vitest";
import { computeGrouping } from "../../../consumers/grouping/compute.ts";

// Stack-trace rule semantics, observed through the grouping result: frames are oldest first
// (callers), the last frame is where the error happened.

function event(
  functions: ReadonlyArray<string>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    platform: "python",
    exception: {
      values: [
        {
          type: "ValueError",
          value: "boom",
          stacktrace: { frames: functions.map((fn) => ({ function: fn, module: "app", in_app: true })) },
        },
      ],
    },
    ...extra,
  };
}

function systemFunctions(
  rules: string,
  functions: ReadonlyArray<string>,
  extra?: Record<string, unknown>,
): string[] {
  const result = computeGrouping(event(functions, extra), {
    groupingConfig: "newstyle:2023-01-11",
    stackTraceRules: rules,
    fingerprintRules: "",
  });
  // With every frame in-app the system variant is dropped as a duplicate of the app one.
  const variant = result.variants.system?.contributes ? result.variants.system : result.variants.app!;
  return variant.contributingValues.filter((v) => v !== "app");
}

function appVariantFunctions(rules: string, functions: ReadonlyArray<string>): string[] | null {
  const result = computeGrouping(event(functions), {
    groupingConfig: "newstyle:2023-01-11",
    stackTraceRules: rules,
    fingerprintRules: "",
  });
  const app = result.variants.app!;
  return app.contributes ? app.contributingValues.filter((v) => v !== "app") : null;
}

describe("stack-trace rule engine", () => {
  it("-group removes only the matching frame", () => {
    expect(systemFunctions("function:b -group", ["a", "b", "c"])).toEqual(["a", "c", "ValueError"]);
  });

  it("^-group removes every frame towards the crash, v-group every caller", () => {
    expect(systemFunctions("function:b ^-group", ["a", "b", "c", "d"])).toEqual(["a", "b", "ValueError"]);
    expect(systemFunctions("function:c v-group", ["a", "b", "c", "d"])).toEqual(["c", "d", "ValueError"]);
  });

  it("caller and callee matchers look at the neighbouring frames", () => {
    expect(systemFunctions("[ function:a ] | function:b -group", ["a", "b", "x", "b"])).toEqual([
      "a",
      "x",
      "b",
      "ValueError",
    ]);
    expect(systemFunctions("function:b | [ function:x ] -group", ["a", "b", "x", "b"])).toEqual([
      "a",
      "x",
      "b",
      "ValueError",
    ]);
  });

  it("a negated neighbour matcher still needs the neighbour to exist", () => {
    // The last frame has no callee, so `| [ !function:zzz ]` cannot match it.
    expect(systemFunctions("function:* | [ !function:zzz ] -group", ["a", "b"])).toEqual(["b", "ValueError"]);
  });

  it("the last matching in-app rule wins", () => {
    expect(appVariantFunctions("function:b -app\nfunction:b +app", ["a", "b"])).toEqual([
      "a",
      "b",
      "ValueError",
    ]);
    expect(appVariantFunctions("function:b +app\nfunction:b -app", ["a", "b"])).toEqual(["a", "ValueError"]);
  });

  it("later rules see categories set by earlier ones", () => {
    expect(systemFunctions("function:b category=noise\ncategory:noise -group", ["a", "b", "c"])).toEqual([
      "a",
      "c",
      "ValueError",
    ]);
  });

  it("+group cannot make an out-of-app frame count for the app variant", () => {
    expect(appVariantFunctions("function:b -app +group", ["a", "b"])).toEqual(["a", "ValueError"]);
  });

  it("max-frames keeps the innermost contributing frames", () => {
    expect(systemFunctions("function:* max-frames=2", ["a", "b", "c", "d"])).toEqual([
      "c",
      "d",
      "ValueError",
    ]);
  });

  it("min-frames discards a stack trace that is too short, so the value groups instead", () => {
    expect(systemFunctions("function:* min-frames=3", ["a", "b"])).toEqual(["ValueError", "boom"]);
  });

  it("exception matchers restrict a rule to matching exceptions", () => {
    expect(systemFunctions("error.type:KeyError function:b -group", ["a", "b"])).toEqual([
      "a",
      "b",
      "ValueError",
    ]);
    expect(systemFunctions("error.type:Value* function:b -group", ["a", "b"])).toEqual(["a", "ValueError"]);
  });

  it("family matchers only match frames of that family", () => {
    expect(systemFunctions("family:javascript function:b -group", ["a", "b"])).toEqual([
      "a",
      "b",
      "ValueError",
    ]);
    expect(systemFunctions("family:other function:b -group", ["a", "b"])).toEqual(["a", "ValueError"]);
  });

  it("path matchers are case-insensitive globs that also match without a leading slash", () => {
    const frames = (path: string) => ({
      exception: {
        values: [
          {
            type: "E",
            stacktrace: {
              frames: [
                { function: "f", filename: path, in_app: true },
                { function: "g", filename: "main.py", in_app: true },
              ],
            },
          },
        ],
      },
    });
    const rules = {
      groupingConfig: "newstyle:2023-01-11",
      stackTraceRules: "path:**/Vendor/** -app",
      fingerprintRules: "",
    };
    for (const path of ["vendor/lib.py", "/src/VENDOR/lib.py"]) {
      const app = computeGrouping({ platform: "python", ...frames(path) }, rules).variants.app!;
      expect(app.contributingValues, path).toEqual(["main.py", "g", "E"]);
    }
  });
});
