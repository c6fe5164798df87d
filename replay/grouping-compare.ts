import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError } from "../cli/usage.ts";
import { computeGrouping } from "../consumers/grouping/compute.ts";
import type { ProjectGroupingConfig } from "../consumers/grouping/config.ts";

// `ingest replay --into dev --compare-grouping FILE`: how many replayed events would end up
// in another group under other grouping settings. Both groupings are computed per event
// from its normalized body (computeGrouping, as the grouping consumer does), and the two
// partitions of the events by (project, primary hash) are compared: an event changes group
// when the events it shares a group with under the current settings are not exactly the
// ones it shares a group with under the other settings. Redis and group ids play no part,
// so the answer does not depend on what the pipeline saw before.

/** The file: the keys of `ingest debug group --project-config`; absent keys keep the project's value. */
export interface GroupingOverride {
  readonly groupingConfig?: string;
  readonly stackTraceRules?: string;
  readonly fingerprintRules?: string;
}

const overrideSchema = z.strictObject({
  groupingConfig: z.string().optional(),
  stackTraceRules: z.string().optional(),
  fingerprintRules: z.string().optional(),
});

/** Reads a YAML or JSON grouping override; a bad file is a usage error naming it. */
export function readGroupingOverride(
  file: string,
  text: string = readFileSync(file, "utf8"),
): GroupingOverride {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UsageError(`--compare-grouping ${file}: ${(error as Error).message}`);
  }
  const parsed = overrideSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `--compare-grouping ${file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

export function applyOverride(
  current: ProjectGroupingConfig,
  override: GroupingOverride,
): ProjectGroupingConfig {
  return {
    groupingConfig: override.groupingConfig ?? current.groupingConfig,
    stackTraceRules: override.stackTraceRules ?? current.stackTraceRules,
    fingerprintRules: override.fingerprintRules ?? current.fingerprintRules,
  };
}

interface ComparedEvent {
  readonly projectId: number;
  readonly eventId: string;
  readonly title: string;
  readonly before: string;
  readonly after: string;
}

/** A group under the current settings and what becomes of it, or the reverse. */
export interface GroupChange {
  readonly projectId: number;
  /** The primary hash of the group that splits (before) or that several merge into (after). */
  readonly hash: string;
  readonly title: string;
  readonly events: number;
  /** The groups on the other side, with their event counts, largest first. */
  readonly into: ReadonlyArray<{ readonly hash: string; readonly events: number }>;
}

export interface GroupingComparison {
  readonly events: number;
  /** Events whose group-mates differ between the two settings. */
  readonly changed: number;
  readonly groupsBefore: number;
  readonly groupsAfter: number;
  /** Current groups that the other settings split into several (largest first). */
  readonly splits: ReadonlyArray<GroupChange>;
  /** Groups under the other settings that take events from several current groups (largest first). */
  readonly merges: ReadonlyArray<GroupChange>;
  /** Events the grouping could not handle (nesting past the stack limit), left out. */
  readonly failed: number;
}

function key(projectId: number, hash: string): string {
  return `${projectId}:${hash}`;
}

function hashOf(groupKey: string): string {
  return groupKey.slice(groupKey.indexOf(":") + 1);
}

export class GroupingComparer {
  private readonly events: ComparedEvent[] = [];
  private failed = 0;

  /** Groups one normalized event both ways. */
  add(
    projectId: number,
    eventId: string,
    event: Readonly<Record<string, unknown>>,
    current: ProjectGroupingConfig,
    other: ProjectGroupingConfig,
  ): void {
    let before: string | undefined;
    let after: string | undefined;
    try {
      before = computeGrouping(event, current).hashes[0];
      after = computeGrouping(event, other).hashes[0];
    } catch (error) {
      // The consumer dead-letters such events (grouping-failed); here they are only counted.
      if (!(error instanceof RangeError)) throw error;
      this.failed += 1;
      return;
    }
    if (before === undefined || after === undefined) {
      this.failed += 1;
      return;
    }
    const title = typeof event.title === "string" ? event.title : "";
    this.events.push({ projectId, eventId, title, before, after });
  }

  result(maxExamples = 5): GroupingComparison {
    const beforeGroups = new Map<string, ComparedEvent[]>();
    const afterGroups = new Map<string, ComparedEvent[]>();
    for (const event of this.events) {
      pushTo(beforeGroups, key(event.projectId, event.before), event);
      pushTo(afterGroups, key(event.projectId, event.after), event);
    }
    const splits = changes(beforeGroups, (e) => key(e.projectId, e.after));
    const merges = changes(afterGroups, (e) => key(e.projectId, e.before));
    const splitKeys = new Set(splits.map((c) => key(c.projectId, c.hash)));
    const mergeKeys = new Set(merges.map((c) => key(c.projectId, c.hash)));
    const changed = this.events.filter(
      (e) => splitKeys.has(key(e.projectId, e.before)) || mergeKeys.has(key(e.projectId, e.after)),
    ).length;
    return {
      events: this.events.length,
      changed,
      groupsBefore: beforeGroups.size,
      groupsAfter: afterGroups.size,
      splits: splits.slice(0, maxExamples),
      merges: merges.slice(0, maxExamples),
      failed: this.failed,
    };
  }
}

function pushTo(map: Map<string, ComparedEvent[]>, groupKey: string, event: ComparedEvent): void {
  const list = map.get(groupKey);
  if (list === undefined) map.set(groupKey, [event]);
  else list.push(event);
}

/** The title most events of a group carry (ties: the first in sort order), so output is stable. */
function commonestTitle(events: ReadonlyArray<ComparedEvent>): string {
  const counts = new Map<string, number>();
  for (const { title } of events) counts.set(title, (counts.get(title) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "";
}

/** The groups of `side` whose events land in more than one group on the other side. */
function changes(
  side: ReadonlyMap<string, ReadonlyArray<ComparedEvent>>,
  otherKey: (event: ComparedEvent) => string,
): GroupChange[] {
  const out: GroupChange[] = [];
  for (const [groupKey, events] of side) {
    const counts = new Map<string, number>();
    for (const event of events) counts.set(otherKey(event), (counts.get(otherKey(event)) ?? 0) + 1);
    if (counts.size < 2) continue;
    const first = events[0] as ComparedEvent;
    out.push({
      projectId: first.projectId,
      hash: hashOf(groupKey),
      title: commonestTitle(events),
      events: events.length,
      into: [...counts]
        .map(([other, n]) => ({ hash: hashOf(other), events: n }))
        .sort((a, b) => b.events - a.events || a.hash.localeCompare(b.hash)),
    });
  }
  return out.sort((a, b) => b.events - a.events || a.hash.localeCompare(b.hash));
}

/** The comparison as the lines `ingest replay` prints. */
export function comparisonLines(result: GroupingComparison): string[] {
  const short = (hash: string) => hash.slice(0, 12);
  const lines = [
    `grouping comparison: ${result.changed} of ${result.events} events would change group ` +
      `(${result.groupsBefore} groups now, ${result.groupsAfter} with the other settings)`,
  ];
  if (result.failed > 0) lines.push(`  ${result.failed} events could not be grouped and are left out`);
  for (const split of result.splits) {
    lines.push(
      `  split  project ${split.projectId} ${short(split.hash)} (${split.events} events, ${JSON.stringify(split.title)}) -> ` +
        split.into.map((g) => `${short(g.hash)} (${g.events})`).join(", "),
    );
  }
  for (const merge of result.merges) {
    lines.push(
      `  merge  project ${merge.projectId} ${merge.into.map((g) => `${short(g.hash)} (${g.events})`).join(" + ")} -> ` +
        `${short(merge.hash)} (${merge.events} events, ${JSON.stringify(merge.title)})`,
    );
  }
  return lines;
}
