// The conformance suite every built-in strategy passes (specs/arroyo.md §2 and Arroyo's
// tests/processing/strategies/test_all.py): the five-verb contract, filtered messages kept
// in place, and, for steps that run user code, InvalidMessage handling.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../pipelines/clock.ts";
import { IMMEDIATE } from "../../pipelines/commit-policy.ts";
import { InvalidMessage, InvalidStateError, MessageRejected } from "../../pipelines/errors.ts";
import { Batch, Unbatch, type ValuesBatch } from "../../pipelines/strategies/batch.ts";
import { CommitOffsets } from "../../pipelines/strategies/commit-offsets.ts";
import { Filter } from "../../pipelines/strategies/filter.ts";
import { Healthcheck } from "../../pipelines/strategies/healthcheck.ts";
import { Noop } from "../../pipelines/strategies/noop.ts";
import { Produce } from "../../pipelines/strategies/produce.ts";
import { Reduce } from "../../pipelines/strategies/reduce.ts";
import { RunTask } from "../../pipelines/strategies/run-task.ts";
import { RunTaskAsync } from "../../pipelines/strategies/run-task-async.ts";
import { RunTaskInWorkers } from "../../pipelines/strategies/run-task-in-workers.ts";
import { Unfold } from "../../pipelines/strategies/unfold.ts";
import {
  type FilteredPayload,
  type KafkaPayload,
  Message,
  type ProcessingStrategy,
} from "../../pipelines/types.ts";
import { WorkerPool } from "../../pipelines/workers/pool.ts";
import { MemoryBroker } from "../../producers/memory-broker.ts";
import { brokerMessage, kafkaPayload, offsets, P0, P1, RecordingStep, settle } from "./framework/helpers.ts";

type Step = ProcessingStrategy<unknown>;
type Next = RecordingStep<unknown>;

interface Case {
  readonly name: string;
  readonly make: (next: Next) => Step;
  /** The real message with offset `offset` on `p`, as this step takes it. */
  readonly input: (offset: number, p?: typeof P0) => Message<unknown>;
}

let pool: WorkerPool | undefined;
function workerPool(): WorkerPool {
  pool ??= new WorkerPool({ threads: 1 });
  return pool;
}
afterAll(async () => {
  await pool?.close();
});

const WORKER_TASKS = new URL("./framework/worker-tasks.ts", import.meta.url).href;
const broker = new MemoryBroker({ autoCreatePartitions: 1 });
const healthFile = join(mkdtempSync(join(tmpdir(), "conformance-")), "health");

function rejectNegative(m: Message<number>): number {
  const value = m.value;
  if (m.payload < 0 && value.kind === "broker")
    throw new InvalidMessage(value.partition, value.offset, "negative");
  return m.payload;
}

const numbers = (offset: number, p = P0) => brokerMessage<unknown>(offset, offset, p);

/** Steps that run user code; their function rejects negative payloads. */
const userCodeCases: Case[] = [
  { name: "RunTask", make: (next) => new RunTask(rejectNegative, next) as Step, input: numbers },
  {
    name: "RunTaskAsync",
    make: (next) =>
      new RunTaskAsync(async (m: Message<number>) => rejectNegative(m), next, {
        concurrency: 2,
        maxPending: 8,
      }) as Step,
    input: numbers,
  },
  {
    name: "RunTaskInWorkers",
    make: (next) =>
      new RunTaskInWorkers({ module: WORKER_TASKS, exportName: "rejectNegative" }, next, {
        pool: workerPool(),
        maxBatchSize: 2,
        maxBatchTimeMs: 0,
      }) as Step,
    input: numbers,
  },
];

const chainCases: Case[] = [
  ...userCodeCases,
  {
    name: "Reduce(1)",
    make: (next) =>
      new Reduce<number, number>(next as ProcessingStrategy<number>, {
        maxBatchSize: 1,
        maxBatchTimeMs: 1000,
        accumulator: (a, v) => a + v.payload,
        initialValue: () => 0,
        clock: new ManualClock(),
      }) as Step,
    input: numbers,
  },
  {
    name: "Batch(1)",
    make: (next) =>
      new Batch(next as ProcessingStrategy<ValuesBatch<unknown>>, {
        maxBatchSize: 1,
        maxBatchTimeMs: 1000,
        clock: new ManualClock(),
      }) as Step,
    input: numbers,
  },
  {
    name: "Unbatch",
    make: (next) => new Unbatch(next) as Step,
    input: (offset, p = P0) =>
      Message.value([brokerMessage(offset, offset, p).value], offsets([p, offset + 1])),
  },
  {
    name: "Unfold",
    make: (next) =>
      new Unfold(
        (n: number) => [{ kind: "value", payload: n, committable: new Map(), timestamp: undefined }],
        next,
      ) as Step,
    input: numbers,
  },
  {
    name: "Filter(IMMEDIATE)",
    make: (next) =>
      new Filter(() => true, next, { commitPolicy: IMMEDIATE, clock: new ManualClock() }) as Step,
    input: numbers,
  },
  {
    name: "Produce",
    make: (next) =>
      new Produce(broker.producer(), "conformance-out", next as ProcessingStrategy<KafkaPayload>) as Step,
    input: (offset, p = P0) => brokerMessage<unknown>(kafkaPayload(`m${offset}`), offset, p),
  },
  { name: "Healthcheck", make: (next) => new Healthcheck(healthFile, next) as Step, input: numbers },
];

/** Submits, retrying after a poll when the step pushes back (the processor's job). */
async function offer(step: Step, message: Message<unknown>): Promise<void> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    try {
      step.submit(message as Message<unknown | FilteredPayload>);
      return;
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
    }
    step.poll();
    await settle();
  }
  throw new Error("the step never accepted the message");
}

/** What reached the next step, reduced to "offset" per real message and "F@offsets" per filtered one. */
function trace(next: Next): string[] {
  return next.accepted.map((m) => {
    const o = [...m.committable].map(([p, v]) => `${p.index}:${v}`).join(",");
    return typeof m.payload === "symbol" ? `F@${o}` : o;
  });
}

describe.each(chainCases)("$name conforms to the strategy contract", ({ make, input }) => {
  it("forwards an idle poll to the next step exactly once", () => {
    const next: Next = new RecordingStep();
    make(next).poll();
    expect(next.count("poll")).toBe(1);
  });

  it("closes and joins the next step exactly once on close + join", async () => {
    const next: Next = new RecordingStep();
    const step = make(next);
    step.close();
    await step.join(5000);
    expect([next.count("close"), next.count("join")]).toEqual([1, 1]);
  });

  it("terminates the next step exactly once", () => {
    const next: Next = new RecordingStep();
    make(next).terminate();
    expect(next.count("terminate")).toBe(1);
  });

  it("passes a filtered message between real messages on in its original place", async () => {
    const next: Next = new RecordingStep();
    const step = make(next);
    await offer(step, input(0));
    step.poll();
    await offer(step, Message.filtered(offsets([P0, 2])));
    step.poll();
    await offer(step, input(2));
    step.close();
    await step.join(10_000);
    expect(trace(next)).toEqual(["0:1", "F@0:2", "0:3"]);
  });

  it("throws on submit after close", () => {
    const step = make(new RecordingStep());
    step.close();
    expect(() => step.submit(input(0))).toThrow(InvalidStateError);
  });
});

describe.each(userCodeCases)(
  "$name handles InvalidMessage like Arroyo's guarded steps",
  ({ make, input }) => {
    const patterns: ReadonlyArray<{
      name: string;
      records: ReadonlyArray<readonly [typeof P0, number, boolean]>;
    }> = [
      {
        name: "one partition, invalid in the middle",
        records: [
          [P0, 0, true],
          [P0, 1, false],
          [P0, 2, true],
        ],
      },
      {
        name: "one partition, invalid first and last",
        records: [
          [P0, 0, false],
          [P0, 1, true],
          [P0, 2, false],
        ],
      },
      {
        name: "two partitions",
        records: [
          [P0, 0, true],
          [P1, 0, false],
          [P0, 1, false],
          [P1, 1, true],
        ],
      },
    ];

    it.each(patterns)(
      "raises one InvalidMessage per invalid record and forwards its offset in place ($name)",
      async ({ records }) => {
        const next: Next = new RecordingStep();
        const step = make(next);
        const raised: InvalidMessage[] = [];
        const collect = async (action: () => unknown) => {
          try {
            await action();
          } catch (error) {
            if (!(error instanceof InvalidMessage)) throw error;
            raised.push(error);
          }
        };
        for (const [p, offset, valid] of records) {
          const message = valid ? input(offset, p) : brokerMessage<unknown>(-1, offset, p);
          await collect(() => offer(step, message));
          await collect(() => step.poll());
        }
        step.close();
        for (let attempt = 0; attempt < 10; attempt++) {
          const before = raised.length;
          await collect(() => step.join(10_000));
          if (raised.length === before) break;
        }
        const invalid = records.filter(([, , valid]) => !valid);
        expect(raised.map((e) => `${e.partition.index}:${e.offset}:${e.needsCommit}`)).toEqual(
          invalid.map(([p, o]) => `${p.index}:${o}:false`),
        );
        expect(trace(next)).toEqual(
          records.map(([p, o, valid]) => (valid ? `${p.index}:${o + 1}` : `F@${p.index}:${o + 1}`)),
        );
      },
    );
  },
);

describe.each([
  { name: "CommitOffsets", make: (): Step => new CommitOffsets(() => {}) },
  { name: "Noop", make: (): Step => new Noop() },
])("$name (terminal) conforms to the strategy contract", ({ make }) => {
  it("accepts filtered and real messages, polls and joins without a next step", async () => {
    const step = make();
    step.submit(brokerMessage(1, 0));
    step.submit(Message.filtered(offsets([P0, 1])));
    step.poll();
    step.close();
    await step.join(100);
  });

  it("throws on submit after close", () => {
    const step = make();
    step.close();
    expect(() => step.submit(brokerMessage(1, 0))).toThrow(InvalidStateError);
  });
});
