import { InvalidStateError, MessageRejected } from "../errors.ts";
import {
  type Clock,
  type FilteredPayload,
  isFiltered,
  Message,
  type MessageValue,
  mergeCommittable,
  type Partition,
  type ProcessingStrategy,
  systemClock,
} from "../types.ts";
import { deadlineAfter, remainingUntil, submitBefore } from "./drain.ts";
import type { StepInstrumentation } from "./instrumentation.ts";

export interface ReduceOptions<TIn, TAcc> {
  /** Flush once the batch size (message count, or `computeBatchSize` units) reaches this. */
  readonly maxBatchSize: number;
  /** Flush once the batch's first message is this old. */
  readonly maxBatchTimeMs: number;
  readonly accumulator: (accumulated: TAcc, value: MessageValue<TIn>) => TAcc;
  /** A fresh accumulator for each batch. */
  readonly initialValue: () => TAcc;
  /** Size of one value (e.g. bytes); 1 per message when absent. */
  readonly computeBatchSize?: (value: MessageValue<TIn>) => number;
  readonly clock?: Clock;
  readonly instrumentation?: StepInstrumentation;
}

/**
 * Size/time batching with an accumulator (Arroyo's Reduce over Buffer, §4.4). A batch is
 * emitted as one `Value(accumulated, merged committable, last timestamp)`. A full batch is
 * flushed by the submit that filled it (Arroyo waits for the next poll or submit, which on
 * an idle topic means a poll timeout later); if the next step rejects it, the next poll or
 * submit retries, and a submit's rejection propagates before the new message is added, so
 * the processor's retry is safe.
 *
 * Deliberate differences from Arroyo:
 * - [Q3] A filtered message that arrives while a batch is open is merged into the batch's
 *   committable instead of overtaking it, so its offset cannot commit before the batch's.
 * - [Q2] join polls the next step between retries (see drain.ts).
 * - [Q] The batch time counts from the batch's first message, not from when the empty
 *   buffer was created, so the first message after an idle period is not flushed alone.
 * - The time check runs in `poll` only (called every loop iteration right before `submit`),
 *   which saves a clock read per message.
 */
export class Reduce<TIn, TAcc> implements ProcessingStrategy<TIn> {
  private accumulated: TAcc;
  private committable = new Map<Partition, number>();
  private timestamp: number | undefined = undefined;
  private size = 0;
  private count = 0;
  private openedAt = 0;
  private closed = false;
  private nextClosed = false;
  private readonly clock: Clock;
  private readonly maxBatchSize: number;
  private readonly maxBatchTimeMs: number;
  private readonly accumulator: (accumulated: TAcc, value: MessageValue<TIn>) => TAcc;
  private readonly initialValue: () => TAcc;
  private readonly computeBatchSize: ((value: MessageValue<TIn>) => number) | undefined;
  private readonly instrumentation: StepInstrumentation | undefined;

  constructor(
    private readonly next: ProcessingStrategy<TAcc>,
    options: ReduceOptions<TIn, TAcc>,
  ) {
    if (options.maxBatchSize < 1) throw new RangeError("Reduce needs maxBatchSize of at least 1");
    this.clock = options.clock ?? systemClock;
    this.maxBatchSize = options.maxBatchSize;
    this.maxBatchTimeMs = options.maxBatchTimeMs;
    this.accumulator = options.accumulator;
    this.initialValue = options.initialValue;
    this.computeBatchSize = options.computeBatchSize;
    this.instrumentation = options.instrumentation;
    this.accumulated = options.initialValue();
  }

  submit(message: Message<TIn | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("Reduce: submit after close");
    if (isFiltered(message.payload)) {
      if (this.count === 0) this.next.submit(message as Message<FilteredPayload>);
      else mergeCommittable(this.committable, message.value);
      return;
    }
    if (this.size >= this.maxBatchSize) this.flush();
    const value = message.value as MessageValue<TIn>;
    if (this.count === 0) this.openedAt = this.clock.now();
    mergeCommittable(this.committable, value);
    this.timestamp = value.timestamp;
    this.accumulated = this.accumulator(this.accumulated, value);
    this.size += this.computeBatchSize === undefined ? 1 : this.computeBatchSize(value);
    this.count += 1;
    if (this.size >= this.maxBatchSize) this.tryFlush();
  }

  poll(): void {
    if (
      this.count > 0 &&
      (this.size >= this.maxBatchSize || this.clock.now() - this.openedAt >= this.maxBatchTimeMs)
    ) {
      this.tryFlush();
    }
    this.next.poll();
  }

  close(): void {
    this.closed = true;
  }

  async join(timeoutMs?: number): Promise<void> {
    const deadline = deadlineAfter(timeoutMs);
    if (this.count > 0) {
      // Unflushed at the deadline: dropped; its offsets are not committed, so it is redelivered.
      if (await submitBefore(this.next, this.batchMessage(), deadline)) this.recordFlush();
      this.reset();
    }
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }

  terminate(): void {
    this.closed = true;
    this.reset();
    this.next.terminate();
  }

  private flush(): void {
    this.next.submit(this.batchMessage());
    this.recordFlush();
    this.reset();
  }

  // The message that filled the batch is already accepted, so a rejection here only means
  // the batch waits for the next poll.
  private tryFlush(): void {
    try {
      this.flush();
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
    }
  }

  private batchMessage(): Message<TAcc> {
    return Message.value(this.accumulated, this.committable, this.timestamp);
  }

  private recordFlush(): void {
    const i = this.instrumentation;
    if (i === undefined) return;
    const labels = { consumer: i.consumer, step: i.step };
    i.metrics.batchSize.observe(labels, this.count);
    i.metrics.batchTime.observe(labels, Math.max(0, this.clock.now() - this.openedAt) / 1000);
  }

  private reset(): void {
    this.accumulated = this.initialValue();
    this.committable = new Map();
    this.timestamp = undefined;
    this.size = 0;
    this.count = 0;
  }
}
