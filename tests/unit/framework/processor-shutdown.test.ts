import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import { ONCE_PER_SECOND } from "../../../pipelines/commit-policy.ts";
import { StreamProcessor } from "../../../pipelines/processor.ts";
import { CommitOffsets } from "../../../pipelines/strategies/commit-offsets.ts";
import { Healthcheck } from "../../../pipelines/strategies/healthcheck.ts";
import { Reduce } from "../../../pipelines/strategies/reduce.ts";
import { RunTask } from "../../../pipelines/strategies/run-task.ts";
import type { KafkaPayload, ProcessingStrategy } from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import { deferred, kafkaPayload, offsets, P0, RecordingStep } from "./helpers.ts";
import { metricLines, processorHarness, TestFactory } from "./processor-harness.ts";
import { ScriptedConsumer } from "./scripted-consumer.ts";

describe("StreamProcessor shutdown", () => {
  it("drains the chain, commits, closes the consumer and shuts the factory down on signalShutdown", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("test-topic", 1);
    for (let i = 0; i < 5; i++) broker.produce(P0, kafkaPayload(`m${i}`));
    const consumer = new MemoryConsumer(broker, "g");
    let seen = 0;
    let signal = () => {};
    const { processor, factory } = processorHarness({
      consumer,
      build: (commit) =>
        new RunTask<KafkaPayload, number>(
          () => {
            if (++seen === 5) signal();
            return 1;
          },
          new Reduce<number, number>(new CommitOffsets(commit), {
            maxBatchSize: 100,
            maxBatchTimeMs: 60_000,
            accumulator: (a, v) => a + v.payload,
            initialValue: () => 0,
          }),
        ),
    });
    signal = () => processor.signalShutdown();
    await processor.run();
    expect(broker.committedOffset("g", P0)).toBe(5);
    expect(consumer.closed).toBe(true);
    expect(factory.shutdowns).toBe(1);
  });

  it("closes and joins the strategy before it commits and closes the consumer", async () => {
    const consumer = new ScriptedConsumer();
    const order: string[] = [];
    const { processor } = processorHarness({
      consumer,
      build: (commit) => {
        const tail = new CommitOffsets(commit);
        return {
          submit: (m) => tail.submit(m),
          poll: () => tail.poll(),
          close: () => order.push("strategy.close"),
          join: async () => {
            order.push("strategy.join");
            await tail.join();
          },
          terminate: () => order.push("strategy.terminate"),
        } satisfies ProcessingStrategy<KafkaPayload>;
      },
    });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    consumer.push(P0, 0);
    await processor.runOnce();
    processor.signalShutdown();
    await processor.run();
    expect(order).toEqual(["strategy.close", "strategy.join"]);
    expect(consumer.calls.slice(-2)).toEqual(["commit", "close"]);
  });

  it("terminates the chain without waiting on a second signal", async () => {
    const consumer = new ScriptedConsumer();
    const never = deferred<void>();
    const step = new RecordingStep<KafkaPayload>();
    step.join = () => never.promise;
    const { processor } = processorHarness({ consumer, build: () => step, joinTimeoutMs: 60_000 });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    await processor.runOnce();
    processor.signalShutdown();
    const running = processor.run();
    await new Promise((resolve) => setTimeout(resolve, 10));
    processor.signalShutdown();
    await running;
    expect(step.count("terminate")).toBe(1);
    expect(consumer.closed).toBe(true);
    expect(consumer.commits).toEqual([]);
  });

  it("reports a blocked loop as stuck exactly once, and clears when it moves again", async () => {
    const consumer = new ScriptedConsumer();
    const clock = new ManualClock(0);
    const { processor, metrics } = processorHarness({ consumer, clock, stuckThresholdMs: 30_000 });
    await processor.runOnce();
    const hung = deferred<void>();
    consumer.hang = hung.promise;
    const blocked = processor.runOnce();
    clock.advance(30_001);
    processor.checkStuck();
    clock.advance(5_000);
    processor.checkStuck();
    expect(processor.stuck).toBe(true);
    expect(await metricLines(metrics, "ingest_consumer_stuck_total")).toEqual([
      'ingest_consumer_stuck_total{consumer="test-consumer"} 1',
    ]);
    consumer.hang = null;
    hung.resolve();
    await blocked;
    await processor.runOnce();
    expect(processor.stuck).toBe(false);
  });

  it("notices a hung loop from its own timer, with the real clock", async () => {
    const consumer = new ScriptedConsumer();
    const hung = deferred<void>();
    consumer.hang = hung.promise;
    const metrics = createMetrics();
    const processor = new StreamProcessor(
      { consumer, factory: new TestFactory(), metrics, logger: silentLogger() },
      {
        name: "test-consumer",
        topic: "test-topic",
        commitPolicy: ONCE_PER_SECOND,
        joinTimeoutMs: 100,
        backpressurePauseAfterMs: 1000,
        stuckThresholdMs: 40,
      },
    );
    const running = processor.run();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(processor.stuck).toBe(true);
    processor.signalShutdown();
    consumer.hang = null;
    hung.resolve();
    await running;
    expect(await metricLines(metrics, "ingest_consumer_stuck_total")).toEqual([
      'ingest_consumer_stuck_total{consumer="test-consumer"} 1',
    ]);
  });

  it("touches the health file on the first iteration and not again within a second", async () => {
    const consumer = new ScriptedConsumer();
    const clock = new ManualClock(0);
    const file = join(mkdtempSync(join(tmpdir(), "processor-health-")), "health");
    const { processor } = processorHarness({
      consumer,
      clock,
      build: () => new Healthcheck(file, new RecordingStep<KafkaPayload>(), { clock }),
    });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    await processor.runOnce();
    expect(existsSync(file)).toBe(true);
    const first = statSync(file).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    clock.advance(500);
    await processor.runOnce();
    expect(statSync(file).mtimeMs).toBe(first);
  });
});
