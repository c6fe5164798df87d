import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../pipelines/clock.ts";
import { InvalidMessage, InvalidStateError, MessageRejected } from "../../../pipelines/errors.ts";
import { RunTaskInWorkers, WorkerTaskFailed } from "../../../pipelines/strategies/run-task-in-workers.ts";
import { Message } from "../../../pipelines/types.ts";
import { WorkerPool } from "../../../pipelines/workers/pool.ts";
import { brokerMessage, offsets, P0, RecordingStep } from "./helpers.ts";

const TASKS = new URL("./worker-tasks.ts", import.meta.url).href;
const task = (exportName: string) => ({ module: TASKS, exportName });

let pool: WorkerPool;
beforeAll(() => {
  pool = new WorkerPool({ threads: 2 });
});
afterAll(async () => {
  await pool.close();
});

/** Polls until `done` or the deadline, letting worker results arrive in between. */
async function pollUntil(step: { poll(): void }, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error("condition not reached");
    step.poll();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("RunTaskInWorkers", () => {
  it("applies the task in worker threads and forwards results in input order", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskInWorkers<number, number>(task("double"), next, {
      pool,
      maxBatchSize: 2,
      maxBatchTimeMs: 1000,
    });
    for (let i = 0; i < 5; i++) step.submit(brokerMessage(i, i));
    step.close();
    await step.join(10_000);
    expect(next.accepted).toEqual([0, 2, 4, 6, 8].map((v, i) => brokerMessage(v, i)));
    expect(next.calls.slice(-2).map((c) => c.kind)).toEqual(["close", "join"]);
  });

  it("keeps a filtered message in its place inside a batch", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskInWorkers<number, number>(task("double"), next, {
      pool,
      maxBatchSize: 3,
      maxBatchTimeMs: 1000,
    });
    step.submit(brokerMessage(1, 0));
    step.submit(Message.filtered(offsets([P0, 2])));
    step.submit(brokerMessage(3, 2));
    await pollUntil(step, () => next.accepted.length === 3);
    expect(next.payloads()).toEqual([2, "filtered", 6]);
  });

  it("hands Buffers to the task as Buffers", async () => {
    const next = new RecordingStep<string>();
    const step = new RunTaskInWorkers<Buffer, string>(task("describeBuffer"), next, {
      pool,
      maxBatchSize: 1,
      maxBatchTimeMs: 1000,
    });
    step.submit(brokerMessage(Buffer.from("héllo"), 0));
    await pollUntil(step, () => next.accepted.length === 1);
    expect(next.payloads()).toEqual(["true:héllo"]);
  });

  it("awaits async task functions", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskInWorkers<number, number>(task("later"), next, {
      pool,
      maxBatchSize: 2,
      maxBatchTimeMs: 1000,
    });
    step.submit(brokerMessage(1, 0));
    step.submit(brokerMessage(2, 1));
    await pollUntil(step, () => next.accepted.length === 2);
    expect(next.payloads()).toEqual([2, 3]);
  });

  it("sends a partial batch once its first message is maxBatchTimeMs old", async () => {
    const clock = new ManualClock();
    const next = new RecordingStep<number>();
    const step = new RunTaskInWorkers<number, number>(task("double"), next, {
      pool,
      maxBatchSize: 100,
      maxBatchTimeMs: 500,
      clock,
    });
    step.submit(brokerMessage(21, 0));
    step.poll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    step.poll();
    expect(next.accepted).toEqual([]);
    clock.advance(500);
    await pollUntil(step, () => next.accepted.length === 1);
    expect(next.payloads()).toEqual([42]);
  });

  it("re-raises an InvalidMessage from the worker with its partition and offset and forwards its offset", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskInWorkers<number, number>(task("rejectNegative"), next, {
      pool,
      maxBatchSize: 3,
      maxBatchTimeMs: 1000,
    });
    step.submit(brokerMessage(1, 0));
    step.submit(brokerMessage(-1, 1));
    step.submit(brokerMessage(2, 2));
    let raised: unknown;
    await pollUntil(step, () => {
      try {
        step.poll();
      } catch (error) {
        raised = error;
      }
      return raised !== undefined;
    });
    expect(raised).toBeInstanceOf(InvalidMessage);
    expect(raised).toMatchObject({
      partition: P0,
      offset: 1,
      reason: "negative",
      detail: "got -1",
      needsCommit: false,
    });
    step.poll();
    expect(next.payloads()).toEqual([1, "filtered", 2]);
    expect(next.committables()).toEqual([
      { "test-topic:0": 1 },
      { "test-topic:0": 2 },
      { "test-topic:0": 3 },
    ]);
  });

  it("crashes when the task fails with any other error", async () => {
    const step = new RunTaskInWorkers<number, number>(task("crash"), new RecordingStep(), {
      pool,
      maxBatchSize: 1,
      maxBatchTimeMs: 1000,
    });
    step.submit(brokerMessage(1, 0));
    step.close();
    await expect(step.join(10_000)).rejects.toBeInstanceOf(WorkerTaskFailed);
  });

  it("rejects submits while the allowed batches are in flight and the current batch is full", () => {
    const step = new RunTaskInWorkers<number, number>(task("double"), new RecordingStep(), {
      pool,
      maxBatchSize: 1,
      maxBatchTimeMs: 1000,
      maxBatchesInFlight: 1,
    });
    step.submit(brokerMessage(1, 0));
    step.submit(brokerMessage(2, 1));
    expect(() => step.submit(brokerMessage(3, 2))).toThrow(MessageRejected);
  });

  it("retries the same result until a rejecting next step accepts it", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskInWorkers<number, number>(task("double"), next, {
      pool,
      maxBatchSize: 2,
      maxBatchTimeMs: 1000,
    });
    step.submit(brokerMessage(1, 0));
    step.submit(brokerMessage(2, 1));
    next.rejectSubmits(3);
    await pollUntil(step, () => next.accepted.length === 2);
    expect(next.payloads()).toEqual([2, 4]);
    expect(next.count("submit")).toBe(5);
  });

  it("shares one pool across strategies built one after the other", async () => {
    for (const round of [1, 2]) {
      const next = new RecordingStep<number>();
      const step = new RunTaskInWorkers<number, number>(task("double"), next, {
        pool,
        maxBatchSize: 1,
        maxBatchTimeMs: 1000,
      });
      step.submit(brokerMessage(round, 0));
      step.close();
      await step.join(10_000);
      expect(next.payloads()).toEqual([round * 2]);
    }
  });

  it("returns from join within its timeout when work is still running", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTaskInWorkers<number, number>(task("later"), next, {
      pool,
      maxBatchSize: 1,
      maxBatchTimeMs: 1000,
    });
    for (let i = 0; i < 4; i++) step.submit(brokerMessage(i, i));
    step.close();
    const started = performance.now();
    await step.join(0);
    expect(performance.now() - started).toBeLessThan(500);
    expect(next.count("join")).toBe(1);
  });

  it("throws on submit after close", () => {
    const step = new RunTaskInWorkers<number, number>(task("double"), new RecordingStep(), {
      pool,
      maxBatchSize: 1,
      maxBatchTimeMs: 1000,
    });
    step.close();
    expect(() => step.submit(brokerMessage(1, 0))).toThrow(InvalidStateError);
  });
});
