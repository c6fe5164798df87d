import { describe, expect, it } from "vitest";
import { createMetrics } from "../../../observability/metrics.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import { CommitPolicy, ONCE_PER_SECOND } from "../../../pipelines/commit-policy.ts";
import { InvalidStateError, MessageRejected } from "../../../pipelines/errors.ts";
import { Filter } from "../../../pipelines/strategies/filter.ts";
import { Message } from "../../../pipelines/types.ts";
import { brokerMessage, offsets, P0, P1, RecordingStep } from "./helpers.ts";

const even = (m: Message<number>) => m.payload % 2 === 0;

describe("Filter", () => {
  it("forwards what the predicate accepts and sends a dropped offset on at once by default", () => {
    const next = new RecordingStep<number>();
    const step = new Filter(even, next);
    step.submit(brokerMessage(2, 0));
    step.submit(brokerMessage(3, 1));
    step.submit(brokerMessage(4, 2));
    expect(next.payloads()).toEqual([2, "filtered", 4]);
    expect(next.committables()).toEqual([
      { "test-topic:0": 1 },
      { "test-topic:0": 2 },
      { "test-topic:0": 3 },
    ]);
  });

  it("propagates poll, close and join", async () => {
    const next = new RecordingStep<number>();
    const step = new Filter(even, next);
    step.poll();
    step.close();
    await step.join(1000);
    expect(next.calls.map((c) => c.kind)).toEqual(["poll", "close", "join"]);
  });

  it("flushes dropped offsets across partitions as one filtered message when the policy fires, and on join", async () => {
    const next = new RecordingStep<number>();
    const clock = new ManualClock();
    const step = new Filter(even, next, { commitPolicy: new CommitPolicy(null, 3), clock });
    step.submit(brokerMessage(1, 0, P0));
    step.submit(brokerMessage(1, 0, P1));
    expect(next.accepted).toEqual([]);
    step.submit(brokerMessage(1, 1, P0));
    expect(next.committables()).toEqual([{ "test-topic:0": 2, "test-topic:1": 1 }]);
    step.submit(brokerMessage(3, 2, P0));
    step.close();
    await step.join(1000);
    expect(next.committables()).toEqual([{ "test-topic:0": 2, "test-topic:1": 1 }, { "test-topic:0": 3 }]);
  });

  it("lets a passing message clear the pending offsets of its partition", () => {
    const next = new RecordingStep<number>();
    const step = new Filter(even, next, {
      commitPolicy: new CommitPolicy(null, 100),
      clock: new ManualClock(),
    });
    step.submit(brokerMessage(1, 0));
    step.submit(brokerMessage(2, 1));
    step.poll();
    expect(next.payloads()).toEqual([2]);
  });

  it("flushes pending offsets from poll once the time policy fires on a quiet stream", () => {
    const next = new RecordingStep<number>();
    const clock = new ManualClock();
    const step = new Filter(even, next, { commitPolicy: ONCE_PER_SECOND, clock });
    step.submit(brokerMessage(1, 0));
    step.poll();
    expect(next.accepted).toEqual([]);
    clock.advance(1000);
    step.poll();
    expect(next.committables()).toEqual([{ "test-topic:0": 1 }]);
  });

  it("keeps offsets it could not send during join, and sends them again on a later join", async () => {
    const next = new RecordingStep<number>();
    const step = new Filter(even, next, {
      commitPolicy: new CommitPolicy(null, 100),
      clock: new ManualClock(),
    });
    step.submit(brokerMessage(1, 0));
    next.rejectEverything(true);
    step.close();
    await step.join(20);
    next.rejectEverything(false);
    await step.join(20);
    expect(next.committables()).toEqual([{ "test-topic:0": 1 }]);
  });

  it("propagates a rejection in submit for the right message, and the retry works", () => {
    const next = new RecordingStep<number>();
    const step = new Filter(even, next);
    next.rejectSubmits(1);
    expect(() => step.submit(brokerMessage(2, 0))).toThrow(MessageRejected);
    step.submit(brokerMessage(2, 0));
    expect(next.payloads()).toEqual([2]);
  });

  it("passes incoming filtered messages on in order", () => {
    const next = new RecordingStep<number>();
    const step = new Filter(even, next);
    step.submit(brokerMessage(2, 0));
    step.submit(Message.filtered(offsets([P0, 5])));
    step.submit(brokerMessage(6, 5));
    expect(next.payloads()).toEqual([2, "filtered", 6]);
  });

  it("counts dropped messages by reason", async () => {
    const metrics = createMetrics();
    const step = new Filter(even, new RecordingStep(), {
      reason: "odd",
      instrumentation: { metrics, consumer: "c", step: "filter" },
    });
    step.submit(brokerMessage(1, 0));
    step.submit(brokerMessage(3, 1));
    step.close();
    await step.join(1000);
    expect(await metrics.registry.metrics()).toContain(
      'ingest_messages_filtered_total{consumer="c",reason="odd"} 2',
    );
  });

  it("throws on submit after close", () => {
    const step = new Filter(even, new RecordingStep());
    step.close();
    expect(() => step.submit(brokerMessage(2, 0))).toThrow(InvalidStateError);
  });
});
