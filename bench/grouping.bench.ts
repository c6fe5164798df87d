// Throughput of Sentry-compatible grouping (consumers/grouping: computeGrouping on an already
// parsed event, default project settings) against the floor of the same events through
// JSON.parse + JSON.stringify, on one core: Sentry's grouping fixture corpus (61 events, some
// large native ones) and ~3 KB SDK-shaped error events. The target is a ratio of at least 0.5.
// Run: node --import tsx bench/grouping.bench.ts   (BENCH_SECONDS, BENCH_ROUNDS tune it)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { computeGrouping } from "../consumers/grouping/compute.ts";
import type { ProjectGroupingConfig } from "../consumers/grouping/config.ts";
import { projectConfigFromTestKeys } from "../consumers/grouping/fixture-keys.ts";
import { typicalEvent } from "./grouping-events.ts";
import { measure, report } from "./harness.ts";

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

function run(name: string, inputs: ReadonlyArray<Input>): void {
  const bytes = inputs.reduce((sum, input) => sum + input.text.length, 0) / inputs.length;
  const floor = measure((i) => JSON.stringify(JSON.parse(inputs[i % inputs.length]!.text)));
  const grouping = measure((i) => {
    const input = inputs[i % inputs.length]!;
    return computeGrouping(input.event, input.settings);
  });
  report({
    bench: BENCH,
    metric: `${name} events/s/core`,
    value: grouping.opsPerSecond,
    unit: "events/s",
    baseline: floor.opsPerSecond,
    note: `${inputs.length} events, ${Math.round(bytes)} B average; baseline JSON.parse+stringify`,
  });
}

run("fixture corpus", fixtureCorpus());
// Distinct events, so caches keyed by frame values see realistic reuse, not one event.
run("typical 3 KB", typicalCorpus(2000));
