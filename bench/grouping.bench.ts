// Throughput of Sentry-compatible grouping (consumers/grouping: computeGrouping on an already
// parsed event, default project settings) against the floor of the same events through
// JSON.parse + JSON.stringify, on one core: Sentry's grouping fixture corpus (61 events, some
// large native ones) and ~3 KB SDK-shaped error events. The target is a ratio of at least 0.5.
// Run: node --import tsx bench/grouping.bench.ts   (BENCH_SECONDS, BENCH_ROUNDS tune it)
// or: npm run bench -- grouping.bench
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { computeGrouping } from "../consumers/grouping/compute.ts";
import type { ProjectGroupingConfig } from "../consumers/grouping/config.ts";
import { projectConfigFromTestKeys } from "../consumers/grouping/fixture-keys.ts";
import { typicalEvent } from "./grouping-events.ts";
import { benchRounds, benchSeconds, measure, report } from "./harness.ts";

const BENCH = "grouping";
const FIXTURES = join(import.meta.dirname, "../tests/fixtures/grouping/inputs");

interface Input {
  readonly event: Record<string, unknown>;
  readonly settings: ProjectGroupingConfig;
  readonly text: string;
}

function fixtureCorpus(): Input[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => {
      const text = readFileSync(join(FIXTURES, file), "utf8");
      const event = JSON.parse(text) as Record<string, unknown>;
      return { event, settings: projectConfigFromTestKeys(event), text: JSON.stringify(event) };
    });
}

function typicalCorpus(count: number): Input[] {
  const settings = projectConfigFromTestKeys({});
  return Array.from({ length: count }, (_, i) => {
    // Parsed from text, as the consumer gets them from Kafka.
    const text = JSON.stringify(typicalEvent(i + 1));
    return { event: JSON.parse(text) as Record<string, unknown>, settings, text };
  });
}

// Calls made before timing, on top of the harness's timed warmup: on a loaded machine a
// fraction of a second of wall time can end before the JIT has optimized the grouping code,
// and the figure would then measure the interpreter. Both sides get the same calls.
const WARMUP_CALLS = 6000;

function warmUp(work: (index: number) => unknown): void {
  let last: unknown;
  for (let i = 0; i < WARMUP_CALLS; i++) last = work(i);
  if (last === undefined) throw new Error("warmup produced nothing");
}

function run(name: string, inputs: ReadonlyArray<Input>): void {
  const bytes = inputs.reduce((sum, input) => sum + input.text.length, 0) / inputs.length;
  const parseAndStringify = (i: number): string =>
    JSON.stringify(JSON.parse(inputs[i % inputs.length]!.text));
  const group = (i: number): unknown => {
    const input = inputs[i % inputs.length]!;
    return computeGrouping(input.event, input.settings);
  };
  warmUp(parseAndStringify);
  warmUp(group);
  // Floor and grouping rounds alternate, so a burst of load from other processes falls on
  // both sides rather than on whichever happened to be timed then; the best round counts.
  const rounds = Math.max(2, benchRounds());
  const slice = { seconds: benchSeconds() / rounds, rounds: 1, warmupSeconds: 0 };
  let floorBest = 0;
  let groupingBest = 0;
  for (let round = 0; round < rounds; round++) {
    floorBest = Math.max(floorBest, measure(parseAndStringify, slice).opsPerSecond);
    groupingBest = Math.max(groupingBest, measure(group, slice).opsPerSecond);
  }
  report({
    bench: BENCH,
    metric: `${name} events/s/core`,
    value: groupingBest,
    unit: "events/s",
    baseline: floorBest,
    note: `${inputs.length} events, ${Math.round(bytes)} B average; baseline JSON.parse+stringify`,
  });
}

run("fixture corpus", fixtureCorpus());
// Distinct events, so caches keyed by frame values see realistic reuse, not one event.
run("typical 3 KB", typicalCorpus(2000));
