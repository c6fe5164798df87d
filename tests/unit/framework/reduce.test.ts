import { describe, expect, it } from "vitest";
import { createMetrics } from "../../../observability/metrics.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import { InvalidStateError, MessageRejected } from "../../../pipelines/errors.ts";
import { Batch, Unbatch, type ValuesBatch } from "../../../pipelines/strategies/batch.ts";
import { Reduce } from "../../../pipelines/strategies/reduce.ts";
import { RunTask } from "../../../pipelines/strategies/run-task.ts";
import { Message, type MessageValue } from "../../../pipelines/types.ts";
import { brokerMessage, offsets, P0, P1, RecordingStep } from "./helpers.ts";

function sumReduce(
  next: RecordingStep<number>,
  clock = new ManualClock(),
  maxBatchSize = 3,
  maxBatchTimeMs = 1000,
) {
  return new Reduce<number, number>(next, {
    maxBatchSize,
    maxBatchTimeMs,
    accumulator: (acc, value) => acc + value.payload,
    initialValue: () => 0,
    clock,
  });
}

describe("Reduce", () => {
  it("turns 6 messages into two size-3 batches with merged offsets and the last timestamp", () => {
    const next = new RecordingStep<number>();
    const step = sumReduce(next);
    for (let i = 0; i < 6; i++) {
      step.submit(brokerMessage(i + 1, i, P0, 100 + i));
      step.poll();
    }
    expect(next.accepted).toEqual([
      Message.value(6, offsets([P0, 3]), 102),
      Message.value(15, offsets([P0, 6]), 105),
    ]);
  });

  it("does not emit a half-full batch before its time", () => {
    const next = new RecordingStep<number>();
    const clock = new ManualClock();
    const step = sumReduce(next, clock);
    step.submit(brokerMessage(1, 0));
    clock.advance(999);
    step.poll();
    expect(next.accepted).toEqual([]);
    clock.advance(1);
    step.poll();
    expect(next.payloads()).toEqual([1]);
  });

  it("counts the batch time from its first message, not from when the empty batch opened", () => {
    const next = new RecordingStep<number>();
    const clock = new ManualClock();
    const step = sumReduce(next, clock);
    clock.advance(5000);
    step.submit(brokerMessage(1, 0));
    step.poll();
    expect(next.accepted).toEqual([]);
  });

  it("keeps a full batch when the next step rejects it and flushes it on a later poll", () => {
    const next = new RecordingStep<number>();
    const step = sumReduce(next);
    next.rejectSubmits(1);
    for (let i = 0; i < 3; i++) step.submit(brokerMessage(1, i));
    expect(next.accepted).toEqual([]);
    step.poll();
    expect(next.payloads()).toEqual([3]);
  });

  it("rejects a submit that would go into a full, unflushable batch, without adding it", () => {
    const next = new RecordingStep<number>();
    const step = sumReduce(next);
    next.rejectEverything(true);
    for (let i = 0; i < 3; i++) step.submit(brokerMessage(1, i));
    expect(() => step.submit(brokerMessage(100, 3))).toThrow(MessageRejected);
    next.rejectEverything(false);
    step.submit(brokerMessage(100, 3));
    step.poll();
    expect(next.payloads()).toEqual([3]);
  });

  it("splits batches by computeBatchSize units", () => {
    const next = new RecordingStep<number>();
    const step = new Reduce<number, number>(next, {
      maxBatchSize: 10,
      maxBatchTimeMs: 1000,
      accumulator: (acc) => acc + 1,
      initialValue: () => 0,
      computeBatchSize: (v) => v.payload,
      clock: new ManualClock(),
    });
    for (const [i, size] of [4, 4, 4, 9, 1].entries()) step.submit(brokerMessage(size, i));
    expect(next.payloads()).toEqual([3, 2]);
  });

  it("flushes a partial batch on join, then closes and joins the next step", async () => {
    const next = new RecordingStep<number>();
    const step = sumReduce(next);
    step.submit(brokerMessage(4, 0));
    step.close();
    await step.join(1000);
    expect(next.payloads()).toEqual([4]);
    expect(next.calls.slice(-2).map((c) => c.kind)).toEqual(["close", "join"]);
  });

  it("forwards a filtered message at once when no batch is open", () => {
    const next = new RecordingStep<number>();
    const step = sumReduce(next);
    step.submit(Message.filtered(offsets([P0, 1])));
    expect(next.payloads()).toEqual(["filtered"]);
  });

  it("records batch size and time when instrumented", async () => {
    const metrics = createMetrics();
    const clock = new ManualClock();
    const step = new Reduce<number, number>(new RecordingStep(), {
      maxBatchSize: 2,
      maxBatchTimeMs: 1000,
      accumulator: (acc, v) => acc + v.payload,
      initialValue: () => 0,
      clock,
      instrumentation: { metrics, consumer: "c", step: "batch" },
    });
    step.submit(brokerMessage(1, 0));
    clock.advance(250);
    step.submit(brokerMessage(1, 1));
    const text = await metrics.registry.metrics();
    expect(text).toContain('ingest_batch_size_messages_sum{consumer="c",step="batch"} 2');
    expect(text).toContain('ingest_batch_time_seconds_sum{consumer="c",step="batch"} 0.25');
  });

  it("throws on submit after close", () => {
    const step = sumReduce(new RecordingStep());
    step.close();
    expect(() => step.submit(brokerMessage(1, 0))).toThrow(InvalidStateError);
  });
});

describe("Batch and Unbatch", () => {
  it("emits a full batch of the values themselves with the last offset + 1", () => {
    const next = new RecordingStep<ValuesBatch<string>>();
    const step = new Batch<string>(next, { maxBatchSize: 2, maxBatchTimeMs: 1000, clock: new ManualClock() });
    step.submit(brokerMessage("a", 0));
    expect(next.accepted).toEqual([]);
    step.submit(brokerMessage("b", 1));
    expect(next.accepted).toEqual([
      Message.value([brokerMessage("a", 0).value, brokerMessage("b", 1).value], offsets([P0, 2]), 1000),
    ]);
  });

  it("fills separate batches for two partitions submitted in turn", () => {
    const next = new RecordingStep<ValuesBatch<string>>();
    const step = new Batch<string>(next, { maxBatchSize: 2, maxBatchTimeMs: 1000, clock: new ManualClock() });
    step.submit(brokerMessage("a", 0, P0));
    step.submit(brokerMessage("b", 0, P1));
    step.submit(brokerMessage("c", 1, P0));
    step.submit(brokerMessage("d", 1, P1));
    expect(next.committables()).toEqual([
      { "test-topic:0": 1, "test-topic:1": 1 },
      { "test-topic:0": 2, "test-topic:1": 2 },
    ]);
  });

  it("sends the elements of a batch out one by one, each with its own offsets", () => {
    const next = new RecordingStep<string>();
    const step = new Unbatch<string>(next);
    const values: MessageValue<string>[] = [brokerMessage("a", 0).value, brokerMessage("b", 1).value];
    step.submit(Message.value(values, offsets([P0, 2])));
    expect(next.accepted).toEqual([brokerMessage("a", 0), brokerMessage("b", 1)]);
  });

  it("rejects the next batch while elements the next step refused are pending, and delivers them from poll", () => {
    const next = new RecordingStep<string>();
    const step = new Unbatch<string>(next);
    next.rejectSubmits(1);
    step.submit(Message.value([brokerMessage("a", 0).value, brokerMessage("b", 1).value], offsets([P0, 2])));
    expect(() => step.submit(Message.value([brokerMessage("c", 2).value], offsets([P0, 3])))).toThrow(
      MessageRejected,
    );
    step.poll();
    expect(next.payloads()).toEqual(["a", "b"]);
  });

  it("flushes pending elements on join", async () => {
    const next = new RecordingStep<string>();
    const step = new Unbatch<string>(next);
    next.rejectSubmits(1);
    step.submit(Message.value([brokerMessage("a", 0).value], offsets([P0, 1])));
    step.close();
    await step.join(1000);
    expect(next.payloads()).toEqual(["a"]);
  });

  it("delivers Batch → RunTask(transform the list) → Unbatch in order", async () => {
    const next = new RecordingStep<string>();
    const unbatch = new Unbatch<string>(next);
    const transform = new RunTask<ValuesBatch<string>, ValuesBatch<string>>(
      (m) => m.payload.map((v) => ({ ...v, payload: v.payload.toUpperCase() })),
      unbatch,
    );
    const batch = new Batch<string>(transform, {
      maxBatchSize: 2,
      maxBatchTimeMs: 1000,
      clock: new ManualClock(),
    });
    for (const [i, s] of ["a", "b", "c"].entries()) batch.submit(brokerMessage(s, i));
    batch.close();
    await batch.join(1000);
    expect(next.payloads()).toEqual(["A", "B", "C"]);
    expect(next.committables().at(-1)).toEqual({ "test-topic:0": 3 });
  });
});
