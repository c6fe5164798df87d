import { describe, expect, it } from "vitest";
import { InvalidMessage } from "../../../pipelines/errors.ts";
import type { KafkaPayload, Message } from "../../../pipelines/types.ts";
import { offsets, P0, P1, type RecordingStep, text } from "./helpers.ts";
import { metricLines, processorHarness } from "./processor-harness.ts";
import { ScriptedConsumer } from "./scripted-consumer.ts";

async function rejectingSetup(pauseAfterMs = 5000) {
  const consumer = new ScriptedConsumer();
  const harness = processorHarness({ consumer, backpressurePauseAfterMs: pauseAfterMs });
  consumer.assignOnNextPoll(offsets([P0, 0], [P1, 0]));
  await harness.processor.runOnce();
  const step = harness.factory.recording;
  step.rejectEverything(true);
  return { consumer, step, ...harness };
}

function submittedOffsets(step: RecordingStep<KafkaPayload>): string[] {
  return step.calls.flatMap((c) =>
    c.kind === "submit" && c.message.value.kind === "broker"
      ? [`${c.message.value.partition.index}@${c.message.value.offset}`]
      : [],
  );
}

describe("StreamProcessor backpressure", () => {
  it("offers the same rejected message again and does not poll for a new one meanwhile", async () => {
    const { consumer, step, processor } = await rejectingSetup();
    consumer.push(P0, 0);
    consumer.push(P0, 1);
    await processor.runOnce();
    await processor.runOnce();
    step.rejectEverything(false);
    await processor.runOnce();
    await processor.runOnce();
    expect(submittedOffsets(step)).toEqual(["0@0", "0@0", "0@0", "0@1"]);
    expect(step.accepted.map((m) => text(m as Message<KafkaPayload>))).toEqual(["v0", "v1"]);
  });

  it("pauses all assigned partitions after continuous rejection past the threshold, and resumes on acceptance", async () => {
    const { consumer, step, processor, clock, metrics } = await rejectingSetup(5000);
    consumer.push(P0, 0);
    await processor.runOnce();
    clock.advance(5000);
    await processor.runOnce();
    expect(consumer.paused()).toEqual([]);
    clock.advance(1);
    await processor.runOnce();
    expect(consumer.paused().map(String).sort()).toEqual(["test-topic:0", "test-topic:1"]);
    expect(await metricLines(metrics, "ingest_paused_partitions_count")).toEqual([
      'ingest_paused_partitions_count{consumer="test-consumer"} 2',
    ]);
    step.rejectEverything(false);
    await processor.runOnce();
    expect(consumer.paused()).toEqual([]);
    expect(step.accepted).toHaveLength(1);
    expect(consumer.calls.filter((c) => c.startsWith("resume"))).toHaveLength(1);
  });

  it("keeps polling the consumer briefly while paused, so the membership stays alive", async () => {
    const { consumer, processor, clock } = await rejectingSetup(0);
    consumer.push(P0, 0);
    await processor.runOnce();
    clock.advance(1);
    await processor.runOnce();
    const polls = consumer.calls.filter((c) => c.startsWith("poll")).length;
    await processor.runOnce();
    await processor.runOnce();
    expect(consumer.calls.filter((c) => c.startsWith("poll"))).toHaveLength(polls + 2);
    expect(consumer.calls.at(-1)).toBe("poll(100)");
  });

  it("waits a little between retries before pausing instead of spinning", async () => {
    const { consumer, processor, clock } = await rejectingSetup(5000);
    consumer.push(P0, 0);
    await processor.runOnce();
    const before = clock.now();
    await processor.runOnce();
    expect(clock.now() - before).toBe(10);
  });

  it("records the backpressure time of an episode", async () => {
    const { consumer, step, processor, clock, metrics } = await rejectingSetup(5000);
    consumer.push(P0, 0);
    await processor.runOnce();
    clock.advance(1500);
    step.rejectEverything(false);
    await processor.runOnce();
    expect(await metricLines(metrics, "ingest_backpressure_seconds_total")).toEqual([
      'ingest_backpressure_seconds_total{consumer="test-consumer"} 1.5',
    ]);
  });

  it("resumes a paused consumer and takes the next message when the carried one turns out invalid (#445)", async () => {
    const { consumer, step, processor, clock } = await rejectingSetup(0);
    consumer.push(P0, 0);
    await processor.runOnce();
    clock.advance(1);
    await processor.runOnce();
    expect(consumer.paused()).toHaveLength(2);
    step.rejectEverything(false);
    step.submit = (message) => {
      step.calls.push({ kind: "submit", message });
      throw new InvalidMessage(P0, 0, "bad");
    };
    await processor.runOnce();
    expect(consumer.paused()).toEqual([]);
    consumer.push(P1, 0);
    delete (step as { submit?: unknown }).submit;
    await processor.runOnce();
    expect(submittedOffsets(step).at(-1)).toBe("1@0");
  });

  it("keeps a record a rebalance returns from the paused poll and clears the paused state", async () => {
    const { consumer, processor, clock, factory } = await rejectingSetup(0);
    consumer.push(P0, 0);
    await processor.runOnce();
    clock.advance(1);
    await processor.runOnce();
    expect(consumer.paused()).toHaveLength(2);
    consumer.revokeOnNextPoll([P0, P1]);
    consumer.assignOnNextPoll(offsets([P1, 7]));
    consumer.push(P1, 7);
    await processor.runOnce();
    expect(consumer.paused()).toEqual([]);
    await processor.runOnce();
    const fresh = factory.recording;
    expect(submittedOffsets(fresh)).toEqual(["1@7"]);
    expect(fresh.accepted).toHaveLength(1);
  });

  it("drops the carried message when a rebalance closes the strategy, so it is not submitted twice (#299)", async () => {
    const { consumer, step, processor, clock, factory } = await rejectingSetup(0);
    consumer.push(P0, 0);
    await processor.runOnce();
    clock.advance(1);
    await processor.runOnce();
    consumer.revokeOnNextPoll([P0, P1]);
    consumer.assignOnNextPoll(offsets([P0, 0]));
    consumer.push(P0, 0);
    await processor.runOnce();
    await processor.runOnce();
    await processor.runOnce();
    const fresh = factory.recording;
    expect(fresh).not.toBe(step);
    expect(submittedOffsets(fresh)).toEqual(["0@0"]);
    expect(step.calls.slice(-2).map((c) => c.kind)).toEqual(["close", "join"]);
  });
});
