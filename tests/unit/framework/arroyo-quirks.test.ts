// One test per Arroyo quirk we fix (specs/arroyo.md [Q] notes), each showing that our
// version neither loses nor reorders a message or an offset.
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import { DeadLetterQueue, deadLetterConfig } from "../../../pipelines/dlq.ts";
import { DlqLimitState } from "../../../pipelines/dlq-limit.ts";
import { DlqLimitExceeded, InvalidMessage, MessageRejected } from "../../../pipelines/errors.ts";
import { Unbatch } from "../../../pipelines/strategies/batch.ts";
import { Produce } from "../../../pipelines/strategies/produce.ts";
import { Reduce } from "../../../pipelines/strategies/reduce.ts";
import { RunTask } from "../../../pipelines/strategies/run-task.ts";
import { RunTaskAsync } from "../../../pipelines/strategies/run-task-async.ts";
import { Unfold } from "../../../pipelines/strategies/unfold.ts";
import { type KafkaPayload, Message, type MessageValue, Partition } from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import { brokerMessage, deferred, kafkaPayload, offsets, P0, RecordingStep, settle } from "./helpers.ts";

describe("Arroyo quirks we fix", () => {
  it("[Q1] RunTaskAsync keeps a finished result the next step rejects and delivers it later, in order", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskAsync<number, number>(async (m) => m.payload, next, {
      concurrency: 4,
      maxPending: 10,
    });
    for (let i = 0; i < 3; i++) step.submit(brokerMessage(i, i));
    await settle();
    next.rejectSubmits(1);
    expect(() => step.poll()).not.toThrow();
    step.poll();
    expect(next.payloads()).toEqual([0, 1, 2]);
  });

  it("[Q1] Produce keeps an acknowledged message the next step rejects and delivers it later, in order", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("out", 1);
    const next = new RecordingStep<KafkaPayload>();
    const step = new Produce(broker.producer(), "out", next);
    step.submit(brokerMessage(kafkaPayload("a"), 0));
    step.submit(brokerMessage(kafkaPayload("b"), 1));
    await settle();
    next.rejectSubmits(1);
    expect(() => step.poll()).not.toThrow();
    step.poll();
    expect(next.accepted.map((m) => (m.payload as KafkaPayload).value.toString())).toEqual(["a", "b"]);
  });

  it("[Q2] Reduce's join polls a next step that makes room only when polled, instead of dropping the batch", async () => {
    const next = new RecordingStep<number>();
    const step = new Reduce<number, number>(next, {
      maxBatchSize: 10,
      maxBatchTimeMs: 60_000,
      accumulator: (a, v) => a + v.payload,
      initialValue: () => 0,
    });
    step.submit(brokerMessage(2, 0));
    step.submit(brokerMessage(3, 1));
    next.onlyAcceptAfterPoll();
    step.close();
    await step.join(1000);
    expect(next.payloads()).toEqual([5]);
    expect(next.committables()).toEqual([{ "test-topic:0": 2 }]);
  });

  it("[Q2] Unfold's join polls the next step between retries too", async () => {
    const next = new RecordingStep<string>();
    const split = (s: string): MessageValue<string>[] =>
      [...s].map((c) => ({ kind: "value", payload: c, committable: new Map(), timestamp: undefined }));
    const step = new Unfold<string, string>(split, next);
    next.onlyAcceptAfterPoll();
    step.submit(brokerMessage("xyz", 0));
    step.close();
    await step.join(1000);
    expect(next.payloads()).toEqual(["x", "y", "z"]);
  });

  it("[Q3] a filtered message does not overtake a pending Reduce batch: its offset commits with the batch", () => {
    const next = new RecordingStep<number>();
    const step = new Reduce<number, number>(next, {
      maxBatchSize: 6,
      maxBatchTimeMs: 60_000,
      accumulator: (a) => a + 1,
      initialValue: () => 0,
    });
    for (let o = 0; o < 5; o++) step.submit(brokerMessage(o, o));
    step.submit(Message.filtered(offsets([P0, 6])));
    expect(next.accepted).toEqual([]);
    step.submit(brokerMessage(6, 6));
    expect(next.payloads()).toEqual([6]);
    expect(next.committables()).toEqual([{ "test-topic:0": 7 }]);
  });

  it("[Q3] offsets merged into a batch still reach the commit step after Unbatch", () => {
    const next = new RecordingStep<number>();
    const step = new Unbatch<number>(next);
    step.submit(Message.value([brokerMessage(1, 0).value], offsets([P0, 5])));
    expect(next.payloads()).toEqual([1, "filtered"]);
    expect(next.committables()).toEqual([{ "test-topic:0": 1 }, { "test-topic:0": 5 }]);
  });

  it("[Q4] Produce's join waits for writes in flight instead of dropping them", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("out", 1);
    const producer = broker.producer();
    producer.holdAcks();
    const next = new RecordingStep<KafkaPayload>();
    const step = new Produce(producer, "out", next);
    step.submit(brokerMessage(kafkaPayload("a"), 0));
    step.close();
    setTimeout(() => producer.releaseAcks(), 20);
    await step.join(5000);
    expect(next.committables()).toEqual([{ "test-topic:0": 1 }]);
  });

  it("[Q] RunTaskAsync's join gives the next step only the time left, not the whole timeout", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskAsync<number, number>(
      (m) => new Promise((resolve) => setTimeout(resolve, 60, m.payload)),
      next,
      { concurrency: 1, maxPending: 10 },
    );
    step.submit(brokerMessage(1, 0));
    step.close();
    await step.join(1000);
    const join = next.calls.find((c) => c.kind === "join");
    expect(join?.kind === "join" ? join.timeoutMs : undefined).toBeLessThanOrEqual(945);
  });

  it("[Q] RunTaskAsync's join stops at an unfinished task instead of skipping it and committing past it", async () => {
    const next = new RecordingStep<number>();
    const slow = deferred<number>();
    const step = new RunTaskAsync<number, number>((m) => (m.payload === 0 ? slow.promise : m.payload), next, {
      concurrency: 2,
      maxPending: 10,
    });
    step.submit(brokerMessage(0, 0));
    step.submit(brokerMessage(1, 1));
    step.close();
    await step.join(30);
    expect(next.accepted).toEqual([]);
  });

  it("[Q] a DLQ limit stops the consumer instead of silently dropping records past it", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("dlq", 1);
    const dlq = new DeadLetterQueue(
      broker.producer(),
      deadLetterConfig(
        { dlqMaxInvalidRatio: 1, dlqMaxConsecutiveCount: 1, dlqMaxBufferedPerPartition: 10 },
        { topic: "dlq", consumer: "c" },
      ),
      createMetrics(),
      silentLogger(),
    );
    dlq.assign(offsets([P0, 0]));
    for (let o = 0; o < 2; o++) {
      dlq.remember({
        kind: "broker",
        payload: kafkaPayload(`r${o}`),
        partition: P0,
        offset: o,
        timestamp: 0,
      });
    }
    await dlq.route(new InvalidMessage(P0, 0, "bad"));
    await expect(dlq.route(new InvalidMessage(P0, 1, "bad"))).rejects.toBeInstanceOf(DlqLimitExceeded);
    expect(broker.log(Partition.of("dlq", 0))).toHaveLength(1);
  });

  it("[Q] the DLQ limit counts the valid records between invalid ones exactly (offset − last − 1)", () => {
    // Valid 0–1, invalid 2, 3, 5, 6: after 6 there are 3 valid and 4 invalid, 4/7 > 0.5.
    // Arroyo's `offset − last + 1` would count 7 valid and accept.
    const state = new DlqLimitState({ maxInvalidRatio: 0.5, minMessagesForRatio: 4 }, offsets([P0, 0]));
    expect([2, 3, 5].map((o) => state.recordInvalid(P0, o))).toEqual([null, null, null]);
    expect(state.recordInvalid(P0, 6)).toMatch(/4 of 7/);
  });

  it("[Q] Reduce's batch time starts at the batch's first message, not when the empty buffer was made", () => {
    const clock = new ManualClock();
    const next = new RecordingStep<number>();
    const step = new Reduce<number, number>(next, {
      maxBatchSize: 10,
      maxBatchTimeMs: 1000,
      accumulator: (a) => a + 1,
      initialValue: () => 0,
      clock,
    });
    clock.advance(10_000);
    step.submit(brokerMessage(1, 0));
    step.poll();
    step.submit(brokerMessage(2, 1));
    step.poll();
    expect(next.accepted).toEqual([]);
  });

  it("[Q] Unbatch closes (Arroyo's polls), and join still closes and joins the next step once", async () => {
    const next = new RecordingStep<number>();
    const step = new Unbatch<number>(next);
    step.close();
    await step.join(100);
    expect(next.calls.map((c) => c.kind)).toEqual(["close", "join"]);
    expect(() => step.submit(Message.value([], offsets([P0, 1])))).toThrow();
  });

  it("a filtered message does not overtake a result RunTask carries after a rejection (Arroyo's Guard bypass)", () => {
    const next = new RecordingStep<number>();
    const step = new RunTask<number, number>((m) => m.payload, next);
    next.rejectSubmits(1);
    step.submit(brokerMessage(1, 0));
    expect(() => step.submit(Message.filtered(offsets([P0, 2])))).toThrow(MessageRejected);
    step.poll();
    step.submit(Message.filtered(offsets([P0, 2])));
    expect(next.payloads()).toEqual([1, "filtered"]);
  });
});
