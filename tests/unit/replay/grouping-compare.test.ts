import { describe, expect, it } from "vitest";
import { UsageError } from "../../../cli/usage.ts";
import { DEFAULT_PROJECT_GROUPING_CONFIG } from "../../../consumers/grouping/config.ts";
import {
  applyOverride,
  comparisonLines,
  GroupingComparer,
  readGroupingOverride,
} from "../../../replay/grouping-compare.ts";
import { groupingEvents } from "./relay-dump.ts";

// The comparison is over partitions of the events by primary hash, not over hash values:
// settings that change every hash but keep the same events together change no group.

function compare(override: string, events = groupingEvents()) {
  const current = DEFAULT_PROJECT_GROUPING_CONFIG;
  const other = applyOverride(current, readGroupingOverride("test.yaml", override));
  const comparer = new GroupingComparer();
  for (const event of events) comparer.add(event.projectId, event.eventId, event.body, current, other);
  return comparer.result();
}

describe("grouping comparison", () => {
  it("reports no change when the other settings group the same way", () => {
    const result = compare("fingerprintRules: ''\n");
    expect(result).toMatchObject({
      events: 6,
      changed: 0,
      groupsBefore: 3,
      groupsAfter: 3,
      splits: [],
      merges: [],
    });
  });

  it("reports no change when every hash changes but the groups stay the same", () => {
    // A fingerprint of the exception type gives new hashes, but the same three groups.
    const result = compare("fingerprintRules: 'error.type:* -> {{ error.type }}'\n");
    expect(result.changed).toBe(0);
    expect(result.groupsAfter).toBe(3);
  });

  it("counts the events of merged groups", () => {
    const result = compare(
      "fingerprintRules: |\n  error.type:TypeError -> x\n  error.type:ValueError -> x\n",
    );
    expect(result).toMatchObject({ changed: 4, groupsBefore: 3, groupsAfter: 2, splits: [] });
    expect(result.merges).toHaveLength(1);
    expect(result.merges[0]).toMatchObject({ projectId: 1, events: 4 });
    expect(result.merges[0]?.into.map((g) => g.events)).toEqual([3, 1]);
  });

  it("counts the events of split groups", () => {
    const result = compare("fingerprintRules: 'error.type:KeyError -> {{ default }}, {{ error.value }}'\n");
    expect(result).toMatchObject({ changed: 2, groupsBefore: 3, groupsAfter: 4, merges: [] });
    expect(result.splits[0]).toMatchObject({ events: 2, title: "" });
    expect(comparisonLines(result)[0]).toBe(
      "grouping comparison: 2 of 6 events would change group (3 groups now, 4 with the other settings)",
    );
  });

  it("never puts events of two projects in one group", () => {
    const events = [...groupingEvents(1).slice(0, 2), ...groupingEvents(2).slice(0, 2)];
    const result = compare("fingerprintRules: 'error.type:* -> everything'\n", events);
    expect(result).toMatchObject({ events: 4, changed: 0, groupsBefore: 2, groupsAfter: 2 });
  });

  it("keeps the project's settings for keys the file leaves out, and refuses unknown keys", () => {
    const project = { groupingConfig: "newstyle:2023-01-11", stackTraceRules: "a", fingerprintRules: "b" };
    expect(applyOverride(project, readGroupingOverride("f.yaml", "fingerprintRules: c\n"))).toEqual({
      ...project,
      fingerprintRules: "c",
    });
    expect(applyOverride(project, readGroupingOverride("f.json", "{}"))).toEqual(project);
    expect(() => readGroupingOverride("f.yaml", "fingerprintRule: typo\n")).toThrow(UsageError);
    expect(() => readGroupingOverride("f.yaml", "a: [")).toThrow(UsageError);
  });
});
