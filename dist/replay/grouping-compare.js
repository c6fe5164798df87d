// replay/grouping-compare.ts
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError } from "../cli/usage.js";
import { computeGrouping } from "../consumers/grouping/compute.js";
var overrideSchema = z.strictObject({
  groupingConfig: z.string().optional(),
  stackTraceRules: z.string().optional(),
  fingerprintRules: z.string().optional()
});
function readGroupingOverride(file, text = readFileSync(file, "utf8")) {
  let raw;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UsageError(`--compare-grouping ${file}: ${error.message}`);
  }
  const parsed = overrideSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `--compare-grouping ${file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`
    );
  }
  return parsed.data;
}
function applyOverride(current, override) {
  return {
    groupingConfig: override.groupingConfig ?? current.groupingConfig,
    stackTraceRules: override.stackTraceRules ?? current.stackTraceRules,
    fingerprintRules: override.fingerprintRules ?? current.fingerprintRules
  };
}
function key(projectId, hash) {
  return `${projectId}:${hash}`;
}
function hashOf(groupKey) {
  return groupKey.slice(groupKey.indexOf(":") + 1);
}
var GroupingComparer = class {
  events = [];
  failed = 0;
  /** Groups one normalized event both ways. */
  add(projectId, eventId, event, current, other) {
    let before;
    let after;
    try {
      before = computeGrouping(event, current).hashes[0];
      after = computeGrouping(event, other).hashes[0];
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      this.failed += 1;
      return;
    }
    if (before === void 0 || after === void 0) {
      this.failed += 1;
      return;
    }
    const title = typeof event.title === "string" ? event.title : "";
    this.events.push({ projectId, eventId, title, before, after });
  }
  result(maxExamples = 5) {
    const beforeGroups = /* @__PURE__ */ new Map();
    const afterGroups = /* @__PURE__ */ new Map();
    for (const event of this.events) {
      pushTo(beforeGroups, key(event.projectId, event.before), event);
      pushTo(afterGroups, key(event.projectId, event.after), event);
    }
    const splits = changes(beforeGroups, (e) => key(e.projectId, e.after));
    const merges = changes(afterGroups, (e) => key(e.projectId, e.before));
    const splitKeys = new Set(splits.map((c) => key(c.projectId, c.hash)));
    const mergeKeys = new Set(merges.map((c) => key(c.projectId, c.hash)));
    const changed = this.events.filter(
      (e) => splitKeys.has(key(e.projectId, e.before)) || mergeKeys.has(key(e.projectId, e.after))
    ).length;
    return {
      events: this.events.length,
      changed,
      groupsBefore: beforeGroups.size,
      groupsAfter: afterGroups.size,
      splits: splits.slice(0, maxExamples),
      merges: merges.slice(0, maxExamples),
      failed: this.failed
    };
  }
};
function pushTo(map, groupKey, event) {
  const list = map.get(groupKey);
  if (list === void 0) map.set(groupKey, [event]);
  else list.push(event);
}
function commonestTitle(events) {
  const counts = /* @__PURE__ */ new Map();
  for (const { title } of events) counts.set(title, (counts.get(title) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "";
}
function changes(side, otherKey) {
  const out = [];
  for (const [groupKey, events] of side) {
    const counts = /* @__PURE__ */ new Map();
    for (const event of events) counts.set(otherKey(event), (counts.get(otherKey(event)) ?? 0) + 1);
    if (counts.size < 2) continue;
    const first = events[0];
    out.push({
      projectId: first.projectId,
      hash: hashOf(groupKey),
      title: commonestTitle(events),
      events: events.length,
      into: [...counts].map(([other, n]) => ({ hash: hashOf(other), events: n })).sort((a, b) => b.events - a.events || a.hash.localeCompare(b.hash))
    });
  }
  return out.sort((a, b) => b.events - a.events || a.hash.localeCompare(b.hash));
}
function comparisonLines(result) {
  const short = (hash) => hash.slice(0, 12);
  const lines = [
    `grouping comparison: ${result.changed} of ${result.events} events would change group (${result.groupsBefore} groups now, ${result.groupsAfter} with the other settings)`
  ];
  if (result.failed > 0) lines.push(`  ${result.failed} events could not be grouped and are left out`);
  for (const split of result.splits) {
    lines.push(
      `  split  project ${split.projectId} ${short(split.hash)} (${split.events} events, ${JSON.stringify(split.title)}) -> ` + split.into.map((g) => `${short(g.hash)} (${g.events})`).join(", ")
    );
  }
  for (const merge of result.merges) {
    lines.push(
      `  merge  project ${merge.projectId} ${merge.into.map((g) => `${short(g.hash)} (${g.events})`).join(" + ")} -> ${short(merge.hash)} (${merge.events} events, ${JSON.stringify(merge.title)})`
    );
  }
  return lines;
}
export {
  GroupingComparer,
  applyOverride,
  comparisonLines,
  readGroupingOverride
};
//# sourceMappingURL=grouping-compare.js.map
