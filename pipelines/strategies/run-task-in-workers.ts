import { Deque } from "../deque.ts";
import { InvalidMessage, InvalidStateError, MessageRejected } from "../errors.ts";
import {
  type Clock,
  type FilteredPayload,
  isFiltered,
  type Message,
  type ProcessingStrategy,
  systemClock,
} from "../types.ts";
import type { WorkerPool } from "../workers/pool.ts";
import { decode, encode, type WireBatch, type WireResults, type WorkerTask } from "../workers/protocol.ts";
import { deadlineAfter, remainingUntil, settledBefore, submitBefore } from "./drain.ts";
import { InvalidOffsets } from "./invalid-offsets.ts";

export interface RunTaskInWorkersOptions {
  /** Owned by the factory and shared across rebalances. */
  readonly pool: WorkerPool;
  /** Messages per batch sent to a worker. */
  readonly maxBatchSize: number;
  /** A partial batch is sent once its first message is this old. */
  readonly maxBatchTimeMs: number;
  /** Batches sent and not yet forwarded before submit rejects; default two per thread. */
  readonly maxBatchesInFlight?: number;
  readonly clock?: Clock;
}

/** A batch failed in its worker with an error other than InvalidMessage; fatal, as in RunTask. */
export class WorkerTaskFailed extends Error {
  constructor(task: WorkerTask, options: { cause: unknown }) {
    super(`worker task ${task.module}#${task.exportName} failed`, options);
    this.name = "WorkerTaskFailed";
  }
}

const RUNNING = 0;
const DONE = 1;
const FAILED = 2;

interface Batch<TIn> {
  readonly messages: Message<TIn | FilteredPayload>[];
  /** Message index → index among the items sent to the worker (filtered messages are not sent). */
  readonly items: Int32Array;
  state: number;
  results: unknown[];
  invalid: Map<number, [reason: string, detail: string | undefined]>;
  error: unknown;
  settled: Promise<void> | undefined;
  /** Messages already forwarded, so a rejection resumes at the right one. */
  forwarded: number;
}

/**
 * CPU-bound map on a worker_threads pool (Arroyo's RunTaskWithMultiprocessing, §4.3). The
 * task is a module and export name so a worker can load it; it receives a `Message` like a
 * RunTask function (payload, partition, offset, timestamp; no committable) and may throw
 * InvalidMessage. Messages go to workers in batches (by count or age), results come back
 * as one batch and are forwarded strictly in input order, one by one, resuming at the
 * rejected one when the next step pushes back. Submit rejects while `maxBatchesInFlight`
 * batches are out and the current batch is full.
 *
 * Join waits for batches in flight up to the deadline; later ones are abandoned (their
 * offsets are not committed, so they are redelivered). Work still running in a worker is
 * left to finish and its result discarded: piscina cannot interrupt a task, and the pool
 * is the factory's.
 */
export class RunTaskInWorkers<TIn, TOut> implements ProcessingStrategy<TIn> {
  private building: Message<TIn | FilteredPayload>[] = [];
  private openedAt = 0;
  private readonly inFlight = new Deque<Batch<TIn>>();
  private readonly invalid = new InvalidOffsets();
  private closed = false;
  private nextClosed = false;
  private readonly pool: WorkerPool;
  private readonly maxBatchSize: number;
  private readonly maxBatchTimeMs: number;
  private readonly maxBatchesInFlight: number;
  private readonly clock: Clock;

  constructor(
    private readonly task: WorkerTask,
    private readonly next: ProcessingStrategy<TOut>,
    options: RunTaskInWorkersOptions,
  ) {
    this.pool = options.pool;
    this.maxBatchSize = options.maxBatchSize;
    this.maxBatchTimeMs = options.maxBatchTimeMs;
    this.maxBatchesInFlight = options.maxBatchesInFlight ?? options.pool.threads * 2;
    this.clock = options.clock ?? systemClock;
  }

  submit(message: Message<TIn | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("RunTaskInWorkers: submit after close");
    if (this.building.length >= this.maxBatchSize && !this.send()) throw new MessageRejected();
    if (this.building.length === 0) this.openedAt = this.clock.now();
    this.building.push(message);
    if (this.building.length >= this.maxBatchSize) this.send();
  }

  poll(): void {
    if (!this.invalid.pending || this.invalid.forward(this.next)) this.forwardCompleted();
    if (this.building.length > 0 && this.clock.now() - this.openedAt >= this.maxBatchTimeMs) this.send();
    this.next.poll();
  }

  close(): void {
    this.closed = true;
  }

  async join(timeoutMs?: number): Promise<void> {
    const deadline = deadlineAfter(timeoutMs);
    if (await this.invalid.forwardBefore(this.next, deadline)) {
      for (;;) {
        if (this.building.length > 0) this.send();
        const head = this.inFlight.peek();
        if (head === undefined) break;
        if (head.state === RUNNING && !(await settledBefore(head.settled as Promise<void>, deadline))) break;
        if (!(await this.forwardBefore(head, deadline))) break;
        this.inFlight.shift();
      }
    }
    this.inFlight.clear();
    this.building = [];
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }

  terminate(): void {
    this.closed = true;
    this.inFlight.clear();
    this.building = [];
    this.invalid.clear();
    this.next.terminate();
  }

  private send(): boolean {
    if (this.inFlight.length >= this.maxBatchesInFlight) return false;
    const messages = this.building;
    this.building = [];
    const items = new Int32Array(messages.length).fill(-1);
    const wire: WireBatch = [[], [], [], [], []];
    messages.forEach((message, i) => {
      if (isFiltered(message.payload)) return;
      items[i] = wire[0].length;
      const value = message.value;
      wire[0].push(value.payload);
      wire[1].push(value.kind === "broker" ? value.partition.topic : null);
      wire[2].push(value.kind === "broker" ? value.partition.index : -1);
      wire[3].push(value.kind === "broker" ? value.offset : -1);
      wire[4].push(value.timestamp);
    });
    const batch: Batch<TIn> = {
      messages,
      items,
      state: DONE,
      results: [],
      invalid: new Map(),
      error: undefined,
      settled: undefined,
      forwarded: 0,
    };
    if (wire[0].length > 0) {
      batch.state = RUNNING;
      const input = encode(wire);
      batch.settled = this.pool
        .run({ module: this.task.module, exportName: this.task.exportName, input })
        .then(
          (output) => {
            const [results, invalid] = decode<WireResults>(output);
            batch.results = results;
            for (const [item, reason, detail] of invalid) batch.invalid.set(item, [reason, detail]);
            batch.state = DONE;
          },
          (error: unknown) => {
            batch.error = error;
            batch.state = FAILED;
          },
        );
    }
    this.inFlight.push(batch);
    return true;
  }

  private forwardCompleted(): void {
    for (
      let head = this.inFlight.peek();
      head !== undefined && head.state !== RUNNING;
      head = this.inFlight.peek()
    ) {
      while (head.forwarded < head.messages.length) {
        const output = this.outputAt(head);
        try {
          this.next.submit(output);
        } catch (error) {
          if (error instanceof MessageRejected) return;
          this.skipFailed(head, error);
        }
        head.forwarded += 1;
      }
      this.inFlight.shift();
    }
  }

  private async forwardBefore(head: Batch<TIn>, deadline: number): Promise<boolean> {
    while (head.forwarded < head.messages.length) {
      const output = this.outputAt(head);
      try {
        if (!(await submitBefore(this.next, output, deadline))) return false;
      } catch (error) {
        this.skipFailed(head, error);
      }
      head.forwarded += 1;
    }
    return true;
  }

  /** The next output of a settled batch; throws for a failed batch or an invalid item. */
  private outputAt(head: Batch<TIn>): Message<TOut | FilteredPayload> {
    if (head.state === FAILED) {
      this.inFlight.shift();
      throw new WorkerTaskFailed(this.task, { cause: head.error });
    }
    const message = head.messages[head.forwarded] as Message<TIn | FilteredPayload>;
    const item = head.items[head.forwarded] as number;
    if (item < 0) return message as Message<FilteredPayload>;
    const invalid = head.invalid.get(item);
    if (invalid !== undefined) {
      const value = message.value;
      if (value.kind !== "broker") {
        throw new InvalidStateError(
          "an InvalidMessage needs a broker record; raise it before batching (Arroyo #373)",
        );
      }
      head.forwarded += 1;
      const error = new InvalidMessage(value.partition, value.offset, invalid[0], invalid[1]);
      this.invalid.record(error);
      throw error;
    }
    return message.replace(head.results[item] as TOut);
  }

  // An InvalidMessage from the next step consumed the item; anything else is fatal.
  private skipFailed(head: Batch<TIn>, error: unknown): never {
    if (error instanceof InvalidMessage) {
      head.forwarded += 1;
      this.invalid.record(error);
    }
    throw error;
  }
}
