import { describe, expect, it } from "vitest";
import { computeGrouping } from "../../../consumers/grouping/compute.ts";
import { compileGroupingConfig, type ProjectGroupingConfig } from "../../../consumers/grouping/config.ts";
import { parameterize } from "../../../consumers/grouping/parameterization.ts";

// The caches on the grouping hot path: compiled project settings (keyed by the rule texts),
// the stack-trace rules' literal index (keyed by frame values as sent) and the combined
// parameterization regexes (keyed by what a message contains). A cache may only save work:
// changing a project's rules must change the grouping, and cached answers must not depend
// on which event filled them.

function settings(stackTraceRules: string, fingerprintRules = ""): ProjectGroupingConfig {
  return { groupingConfig: "newstyle:2023-01-11", stackTraceRules, fingerprintRules };
}

function pythonEvent(frames: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  return {
    platform: "python",
    exception: { values: [{ type: "ValueError", value: "boom", stacktrace: { frames } }] },
  };
}

const FRAMES = [
  { function: "main", module: "app.main", filename: "app/main.py", in_app: true },
  { function: "handle", module: "app.views", filename: "app/views.py", in_app: true },
  { function: "save", module: "app.models", filename: "app/models.py", in_app: true },
];

function appValues(result: ReturnType<typeof computeGrouping>): ReadonlyArray<string> {
  return result.variants.app!.contributingValues;
}

describe("compiled project settings cache", () => {
  it("returns the same compilation for the same rule texts, even as new strings", () => {
    const rules = "function:handle -group";
    const first = compileGroupingConfig(settings(rules));
    const again = compileGroupingConfig(settings(["function:handle", "-group"].join(" ")));
    expect(again).toBe(first);
  });

  it("compiles again when a project's stack-trace rules change, and grouping follows", () => {
    const before = computeGrouping(pythonEvent(FRAMES), settings("function:handle -group"));
    const after = computeGrouping(pythonEvent(FRAMES), settings("function:save -group"));
    expect(appValues(before)).toContain("save");
    expect(appValues(before)).not.toContain("handle");
    expect(appValues(after)).toContain("handle");
    expect(appValues(after)).not.toContain("save");
    expect(after.hashes).not.toEqual(before.hashes);
    expect(compileGroupingConfig(settings("function:save -group"))).not.toBe(
      compileGroupingConfig(settings("function:handle -group")),
    );
  });

  it("compiles again when a project's fingerprint rules change", () => {
    const event = pythonEvent(FRAMES);
    const first = computeGrouping(event, settings("", "error.type:ValueError -> value-errors"));
    const second = computeGrouping(event, settings("", "error.type:ValueError -> other-bucket"));
    expect(first.variants.custom_fingerprint?.values).toEqual(["value-errors"]);
    expect(second.variants.custom_fingerprint?.values).toEqual(["other-bucket"]);
  });

  it("drops rules that stop matching once the text no longer has them", () => {
    const rules = settings("module:app.views -app");
    expect(appValues(computeGrouping(pythonEvent(FRAMES), rules))).not.toContain("handle");
    expect(appValues(computeGrouping(pythonEvent(FRAMES), settings("")))).toContain("handle");
  });
});

describe("stack-trace rule literal index", () => {
  // Values are looked up as sent and normalized (lower case, `/` separators) on a miss, so
  // spellings of one path that differ only in case or separators must all match.
  it("matches path rules whatever the case and separators of the value", () => {
    const rules = settings("path:**/vendor/** -app");
    for (const filename of ["C:\\Project\\Vendor\\lib.py", "/srv/VENDOR/lib.py", "/srv/vendor/lib.py"]) {
      const frames = [...FRAMES.slice(0, 2), { function: "work", filename, in_app: true }];
      expect(appValues(computeGrouping(pythonEvent(frames), rules)), filename).not.toContain("work");
    }
    const unrelated = [
      ...FRAMES.slice(0, 2),
      { function: "work", filename: "/srv/vend/lib.py", in_app: true },
    ];
    expect(appValues(computeGrouping(pythonEvent(unrelated), rules))).toContain("work");
  });

  it("keeps the answers of different fields apart for the same value", () => {
    // "tools" is a module literal here; the same text as a function name must not match.
    const rules = settings("module:tools -group");
    const asModule = [...FRAMES.slice(0, 2), { function: "run_it", module: "tools", in_app: true }];
    const asFunction = [...FRAMES.slice(0, 2), { function: "tools", module: "app.other", in_app: true }];
    expect(appValues(computeGrouping(pythonEvent(asModule), rules))).not.toContain("run_it");
    expect(appValues(computeGrouping(pythonEvent(asFunction), rules))).toContain("tools");
  });

  it("remembers glob answers per value without mixing values up", () => {
    const rules = settings("function:handle_* -group");
    const names = ["handle_a", "handlex", "handle_a", "Handle_B", "handlex", "other"];
    const kept = names.map((name) => {
      const frames = [...FRAMES.slice(0, 2), { function: name, module: "app.x", in_app: true }];
      return appValues(computeGrouping(pythonEvent(frames), rules)).includes(name);
    });
    expect(kept).toEqual([false, true, false, false, true, true]);
  });

  it("lets a category set by an earlier rule enable a later category rule in one pass", () => {
    const rules = settings("module:app.views category=glue\ncategory:glue -app");
    const result = computeGrouping(pythonEvent(FRAMES), rules);
    expect(appValues(result)).not.toContain("handle");
    expect(appValues(result)).toContain("save");
  });
});

describe("parameterization regex cache", () => {
  it("gives each message the same result whatever was parameterized before it", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["order 1234 took 45ms", "order <int> took <duration>"],
      ["at 2024-02-20T22:16:36 from 11.21.12.31", "at <date> from <ip>"],
      ["id deadbeef0 commit a93c7d2", "id <hex> commit <git_sha>"],
      ["plain words only", "plain words only"],
    ];
    const before = cases.map(([input]) => parameterize(input));
    // Many differently shaped messages, enough to go past the cache's bound.
    for (let i = 0; i < 2000; i++) {
      const shapes = ["a", "1", ":", "-", ",", ".", "=", "@", "0x", "ff", "GMT", "tx", "s"];
      let text = "";
      for (let bit = 0; bit < shapes.length; bit++) if ((i >> bit) & 1) text += `${shapes[bit]} `;
      parameterize(`${text}${i}`);
    }
    expect(before).toEqual(cases.map(([, expected]) => expected));
    expect(cases.map(([input]) => parameterize(input))).toEqual(cases.map(([, expected]) => expected));
  });
});
