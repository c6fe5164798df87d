// Cost of the frame write-back (consumers/grouping/frame-writeback.ts: the frames as Sentry's
// stack-trace normalization stores them) against the grouping it follows, on one core, over
// Sentry's grouping fixture corpus plus an Android eventstream example with 119 frames. The
// write-back should stay a small fraction of grouping: the figure's ratio is write-back
// events/s over read + group events/s (higher is cheaper).
// Run: node --import tsx bench/grouping-writeback.bench.ts   (BENCH_SECONDS, BENCH_ROUNDS tune it)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { computeGroupingForEvent } from "../consumers/grouping/compute.ts";
import { type CompiledGroupingConfig, compileGroupingConfig } from "../consumers/grouping/config.ts";
import { type GroupingEvent, readGroupingEvent } from "../consumers/grouping/event-view.ts";
import { projectConfigFromTestKeys } from "../consumers/grouping/fixture-keys.ts";
import { storedEventData } from "../consumers/grouping/frame-writeback.ts";
import { measure, report } from "./harness.ts";

const BENCH = "grouping-writeback";
const FIXTURES = join(import.meta.dirname, "../tests/fixtures");

interface Input {
  readonly event: Record<string, unknown>;
  readonly compiled: CompiledGroupingConfig;
}

function corpus(): Input[] {
  const dir = join(FIXTURES, "grouping/inputs");
  const events = readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, unknown>);
  const insert = JSON.parse(
    readFileSync(join(FIXTURES, "formats/events/error-with-threads.json"), "utf8"),
  ) as [number, string, { data: Record<string, unknown> }];
  events.push(insert[2].data);
  return events.map((event) => ({
    event,
    compiled: compileGroupingConfig(projectConfigFromTestKeys(event)),
  }));
}

const inputs = corpus();
const grouped: GroupingEvent[] = inputs.map(({ event, compiled }) => {
  const view = readGroupingEvent(event);
  computeGroupingForEvent(view, compiled);
  return view;
});
const frames = grouped.reduce(
  (sum, view) =>
    sum +
    [...(view.exceptions ?? []), ...(view.threads ?? [])].reduce(
      (n, e) => n + (e.stacktrace?.frames.length ?? 0),
      0,
    ) +
    (view.stacktrace?.frames.length ?? 0),
  0,
);

const grouping = measure((i) => {
  const input = inputs[i % inputs.length]!;
  return computeGroupingForEvent(readGroupingEvent(input.event), input.compiled);
});
const writeBack = measure((i) => {
  const index = i % inputs.length;
  return storedEventData(inputs[index]!.event, grouped[index]!, inputs[index]!.compiled.stacktraceRules);
});
report({
  bench: BENCH,
  metric: "write-back events/s/core",
  value: writeBack.opsPerSecond,
  unit: "events/s",
  baseline: grouping.opsPerSecond,
  note: `${inputs.length} events, ${frames} frames; baseline readGroupingEvent + computeGroupingForEvent`,
});
