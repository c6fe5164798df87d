import { describe, expect, it } from "vitest";
import { InvalidMessage, InvalidStateError, MessageRejected } from "../../../pipelines/errors.ts";
import { RunTaskAsync } from "../../../pipelines/strategies/run-task-async.ts";
import { Message } from "../../../pipelines/types.ts";
import { brokerMessage, deferred, offsets, P0, RecordingStep, settle } from "./helpers.ts";

describe("RunTaskAsync", () => {
  it("forwards every result exactly once, in input order, even when tasks finish out of order", async () => {
    const next = new RecordingStep<string>();
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const step = new RunTaskAsync<number, string>(
      async (m) => {
        await gates[m.payload]?.promise;
        return `r${m.payload}`;
      },
      next,
      { concurrency: 3, maxPending: 10 },
    );
    for (const i of [0, 1, 2]) step.submit(brokerMessage(i, i));
    gates[2]?.resolve();
    gates[1]?.resolve();
    await settle();
    step.poll();
    expect(next.payloads()).toEqual([]);
    gates[0]?.resolve();
    await settle();
    step.poll();
    expect(next.payloads()).toEqual(["r0", "r1", "r2"]);
    step.poll();
    expect(next.accepted).toHaveLength(3);
  });

  it("forwards everything on join without polling in between", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskAsync<number, number>(async (m) => m.payload * 10, next, {
      concurrency: 2,
      maxPending: 10,
    });
    for (let i = 0; i < 5; i++) step.submit(brokerMessage(i, i));
    step.close();
    await step.join(1000);
    expect(next.payloads()).toEqual([0, 10, 20, 30, 40]);
    expect(next.calls.slice(-2).map((c) => c.kind)).toEqual(["close", "join"]);
  });

  it("runs at most `concurrency` tasks at once and starts the next as one finishes", async () => {
    let running = 0;
    let peak = 0;
    const step = new RunTaskAsync<number, number>(
      async (m) => {
        running++;
        peak = Math.max(peak, running);
        await settle();
        running--;
        return m.payload;
      },
      new RecordingStep(),
      { concurrency: 2, maxPending: 10 },
    );
    for (let i = 0; i < 6; i++) step.submit(brokerMessage(i, i));
    step.close();
    await step.join(1000);
    expect(peak).toBe(2);
  });

  it("rejects a submit once maxPending messages are held", () => {
    const never = deferred<number>();
    const step = new RunTaskAsync<number, number>(() => never.promise, new RecordingStep(), {
      concurrency: 1,
      maxPending: 2,
    });
    step.submit(brokerMessage(1, 0));
    step.submit(brokerMessage(2, 1));
    expect(() => step.submit(brokerMessage(3, 2))).toThrow(MessageRejected);
  });

  it("keeps a filtered message in its place between results", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskAsync<number, number>(async (m) => m.payload, next, {
      concurrency: 4,
      maxPending: 10,
    });
    step.submit(brokerMessage(1, 0));
    step.submit(Message.filtered(offsets([P0, 2])));
    step.submit(brokerMessage(3, 2));
    await settle();
    step.poll();
    expect(next.payloads()).toEqual([1, "filtered", 3]);
  });

  it("re-raises an InvalidMessage from a task on poll and forwards its offset in its place", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskAsync<number, number>(
      async (m) => {
        if (m.payload < 0) throw new InvalidMessage(P0, 1, "bad");
        return m.payload;
      },
      next,
      { concurrency: 4, maxPending: 10 },
    );
    step.submit(brokerMessage(5, 0));
    step.submit(brokerMessage(-1, 1));
    step.submit(brokerMessage(6, 2));
    await settle();
    expect(() => step.poll()).toThrow(InvalidMessage);
    step.poll();
    expect(next.payloads()).toEqual([5, "filtered", 6]);
    expect(next.committables()).toEqual([
      { "test-topic:0": 1 },
      { "test-topic:0": 2 },
      { "test-topic:0": 3 },
    ]);
  });

  it("crashes on any other task error", async () => {
    const step = new RunTaskAsync<number, number>(
      async () => {
        throw new TypeError("boom");
      },
      new RecordingStep(),
      { concurrency: 1, maxPending: 1 },
    );
    step.submit(brokerMessage(1, 0));
    await settle();
    expect(() => step.poll()).toThrow(TypeError);
  });

  it("returns from join within its timeout, abandoning unfinished tasks and what follows them", async () => {
    const next = new RecordingStep<number>();
    const slow = deferred<number>();
    const step = new RunTaskAsync<number, number>((m) => (m.payload === 1 ? slow.promise : m.payload), next, {
      concurrency: 3,
      maxPending: 10,
    });
    step.submit(brokerMessage(0, 0));
    step.submit(brokerMessage(1, 1));
    step.submit(brokerMessage(2, 2));
    step.close();
    const started = performance.now();
    await step.join(50);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(next.payloads()).toEqual([0]);
    expect(next.count("join")).toBe(1);
  });

  it("throws on submit after close", () => {
    const step = new RunTaskAsync<number, number>(async (m) => m.payload, new RecordingStep(), {
      concurrency: 1,
      maxPending: 1,
    });
    step.close();
    expect(() => step.submit(brokerMessage(1, 0))).toThrow(InvalidStateError);
  });
});
