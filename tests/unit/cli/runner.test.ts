import { existsSync, mkdtempSync, rmSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadOptions, type Options } from "../../../config/options.ts";
import { type ConsumerBackend, memoryBackend } from "../../../consumers/backends.ts";
import type { ConsumerDefinition, ConsumerSettings } from "../../../consumers/definition.ts";
import { HEALTH_TOUCH_INTERVAL_MS, type RunningConsumer, startConsumer } from "../../../consumers/runner.ts";
import type { Consumer } from "../../../consumers/types.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics, type Metrics } from "../../../observability/metrics.ts";
import { CommitOffsets, type KafkaPayload, Partition, RunTask } from "../../../pipelines/index.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";

// The runner's own duties around the processing loop: the health file, the lag gauge, the
// effective-configuration log line and releasing the definition's resources. The chain is
// a minimal pass-through: what is under test is the runner, not a consumer.

const INPUT = "runner-in";
const DLQ = "runner-in-dlq";

const dirs: string[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ingest-runner-"));
  dirs.push(dir);
  return join(dir, name);
}

const settings: ConsumerSettings = {
  name: "passthrough",
  groupId: "runner-group",
  inputs: [INPUT],
  outputs: [],
  dlq: new Map([[INPUT, DLQ]]),
  maxBatchSize: 10,
  maxBatchTimeMs: 100,
  concurrency: 1,
};

/** A chain that commits every message; records whether its resources were released. */
function passthrough(): ConsumerDefinition<{ closed: boolean }> & { readonly state: { closed: boolean } } {
  const state = { closed: false };
  return {
    name: "passthrough",
    state,
    openResources: async () => ({
      deps: state,
      close: async () => {
        state.closed = true;
      },
    }),
    buildStrategy: () => ({
      createWithPartitions: (commit) => new RunTask((message) => message.payload, new CommitOffsets(commit)),
      shutdown: async () => {},
    }),
  };
}

function newBroker(): MemoryBroker {
  const broker = new MemoryBroker();
  broker.createTopic(INPUT, 2);
  broker.createTopic(DLQ, 1);
  return broker;
}

function payload(text: string): KafkaPayload {
  return { key: null, value: Buffer.from(text), headers: [] };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function start(
  setup: {
    options?: Partial<Options>;
    backend?: ConsumerBackend;
    broker?: MemoryBroker;
    metrics?: Metrics;
    logger?: ReturnType<typeof silentLogger>;
  } = {},
): Promise<{ running: RunningConsumer; definition: ReturnType<typeof passthrough>; metrics: Metrics }> {
  const options = loadOptions({}, { commitIntervalMs: 0, ...setup.options });
  const broker = setup.broker ?? newBroker();
  const definition = passthrough();
  const metrics = setup.metrics ?? createMetrics();
  const running = await startConsumer(definition, {
    settings,
    options,
    backend: setup.backend ?? memoryBackend(broker, options),
    mode: "embedded",
    metrics,
    logger: setup.logger ?? silentLogger(),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    running.shutdown();
    await running.done;
  };
  stops.push(stop);
  return { running, definition, metrics };
}

/** A memory backend whose commits hang until `release` is called: the loop gets stuck in a commit. */
function hangingCommits(
  broker: MemoryBroker,
  options: Options,
): { backend: ConsumerBackend; release(): void } {
  const inner = memoryBackend(broker, options);
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release: () => release(),
    backend: {
      ...inner,
      createConsumer: (s) => {
        const consumer = inner.createConsumer(s);
        return new Proxy(consumer, {
          get(target, property, receiver) {
            if (property === "commitOffsets") {
              return async () => {
                await gate;
                return target.commitOffsets();
              };
            }
            const value = Reflect.get(target, property, receiver);
            return typeof value === "function" ? value.bind(target) : value;
          },
        }) as Consumer;
      },
    },
  };
}

describe("consumer runner", () => {
  it("touches the health file at once and then at most once a second while the loop is healthy", async () => {
    const file = tempFile("health.txt");
    const { running, metrics } = await start({ options: { healthcheckFile: file } });
    expect(existsSync(file)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2.5 * HEALTH_TOUCH_INTERVAL_MS));
    const touches = (await metrics.healthcheckTouches.get()).values[0]?.value ?? 0;
    expect(touches).toBeGreaterThanOrEqual(2);
    expect(touches).toBeLessThanOrEqual(4);
    // What a liveness probe does: delete it, and it must come back.
    unlinkSync(file);
    await waitFor("the health file to come back", () => existsSync(file), 1.5 * HEALTH_TOUCH_INTERVAL_MS);
    expect(running.health()).toEqual({ healthy: true });
  });

  it("stops touching the health file and reports unhealthy while the loop is stuck, and recovers", async () => {
    const file = tempFile("health.txt");
    const broker = newBroker();
    const options = loadOptions({}, { commitIntervalMs: 0, maxPollIntervalMs: 300, healthcheckFile: file });
    const hang = hangingCommits(broker, options);
    const { running } = await start({ broker, backend: hang.backend, options });
    broker.produce(Partition.of(INPUT, 0), payload("a"));
    await waitFor("the stuck detector", () => running.processor.stuck, 5000);
    expect(running.health()).toEqual({ healthy: false, detail: "the processing loop is stuck" });
    unlinkSync(file);
    await new Promise((resolve) => setTimeout(resolve, 2.5 * HEALTH_TOUCH_INTERVAL_MS));
    expect(existsSync(file)).toBe(false);
    hang.release();
    await waitFor("the loop to move again", () => !running.processor.stuck, 5000);
    await waitFor("the health file to come back", () => existsSync(file), 1.5 * HEALTH_TOUCH_INTERVAL_MS);
  });

  it("refreshes the lag gauge from the backend's committed and end offsets", async () => {
    const broker = newBroker();
    const options = loadOptions({}, { commitIntervalMs: 0, lagRefreshIntervalMs: 50 });
    const asked: Array<[string, ReadonlyArray<string>]> = [];
    const backend: ConsumerBackend = {
      ...memoryBackend(broker, options),
      lag: async (groupId, topics) => {
        asked.push([groupId, topics]);
        return [
          { partition: Partition.of(INPUT, 0), end: 10, committed: 4, lag: 6 },
          { partition: Partition.of(INPUT, 1), end: 3, committed: null, lag: 3 },
        ];
      },
    };
    const { metrics } = await start({ broker, backend, options });
    await waitFor("a lag refresh", () => asked.length > 0);
    const values = (await metrics.consumerLag.get()).values;
    expect(values).toEqual(
      expect.arrayContaining([
        { labels: { consumer: "passthrough", topic: INPUT, partition: "0" }, value: 6 },
        { labels: { consumer: "passthrough", topic: INPUT, partition: "1" }, value: 3 },
      ]),
    );
    expect(asked[0]).toEqual(["runner-group", [INPUT]]);
  });

  it("logs the effective configuration once, at start, and no line per message", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const broker = newBroker();
    const { running } = await start({ broker, logger });
    for (let i = 0; i < 50; i++) broker.produce(Partition.of(INPUT, i % 2), payload(`m${i}`));
    await waitFor(
      "every message committed",
      () => broker.committedOffset("runner-group", Partition.of(INPUT, 0)) === 25,
    );
    running.shutdown();
    await running.done;
    const started = lines.filter((line) => line.msg === "consumer.started");
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({
      consumer: "passthrough",
      groupId: "runner-group",
      inputs: [INPUT],
      dlq: { [INPUT]: DLQ },
      maxBatchSize: 10,
      autoOffsetReset: "earliest",
      backend: "memory",
      mode: "embedded",
    });
    expect(lines.length).toBeLessThan(20);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(["partitions.assigned", "consumer.stopped"]),
    );
  });

  it("releases the definition's resources when the loop stops, and is unhealthy afterwards", async () => {
    const { running, definition } = await start();
    expect(definition.state.closed).toBe(false);
    running.shutdown();
    await running.done;
    expect(definition.state.closed).toBe(true);
    expect(running.health().healthy).toBe(false);
  });

  it("stops touching the health file once the loop has ended", async () => {
    const file = tempFile("health.txt");
    const { running } = await start({ options: { healthcheckFile: file } });
    running.shutdown();
    await running.done;
    const touched = statSync(file).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 1.5 * HEALTH_TOUCH_INTERVAL_MS));
    expect(statSync(file).mtimeMs).toBe(touched);
  });
});
