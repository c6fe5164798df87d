import { Deque } from "../deque.ts";
import { InvalidMessage, InvalidStateError, MessageRejected } from "../errors.ts";
import { type FilteredPayload, isFiltered, type Message, type ProcessingStrategy } from "../types.ts";
import { deadlineAfter, remainingUntil, settledBefore, submitBefore } from "./drain.ts";
import { InvalidOffsets } from "./invalid-offsets.ts";

/** An I/O-bound map; reject with InvalidMessage for a record that can never succeed. */
export type AsyncTaskFunction<TIn, TOut> = (message: Message<TIn>) => PromiseLike<TOut> | TOut;

export interface RunTaskAsyncOptions {
  /** Tasks running at once. */
  readonly concurrency: number;
  /** Messages held (running, waiting to start, or finished and not yet forwarded). */
  readonly maxPending: number;
}

const WAITING = 0;
const RUNNING = 1;
const DONE = 2;
const FAILED = 3;

interface Entry<TIn, TOut> {
  readonly message: Message<TIn | FilteredPayload>;
  state: number;
  result: TOut | undefined;
  error: unknown;
  settled: Promise<void> | undefined;
}

/**
 * Bounded-concurrency async map with results forwarded in input order (Arroyo's
 * RunTaskInThreads, §4.2). Filtered messages queue in place without running the task.
 *
 * Fixes: [Q1] a result is removed from the queue only after the next step accepted it, so
 * a rejection never loses it; join passes the next step the time left, not the whole
 * timeout; and a task unfinished at the join deadline stops forwarding (Arroyo skips it and
 * forwards later results, whose offsets would then commit past it).
 */
export class RunTaskAsync<TIn, TOut> implements ProcessingStrategy<TIn> {
  private readonly queue = new Deque<Entry<TIn, TOut>>();
  private readonly waiting = new Deque<Entry<TIn, TOut>>();
  private readonly invalid = new InvalidOffsets();
  private running = 0;
  private closed = false;
  private terminated = false;
  private nextClosed = false;
  private readonly concurrency: number;
  private readonly maxPending: number;

  constructor(
    private readonly fn: AsyncTaskFunction<TIn, TOut>,
    private readonly next: ProcessingStrategy<TOut>,
    options: RunTaskAsyncOptions,
  ) {
    if (options.concurrency < 1 || options.maxPending < 1) {
      throw new RangeError("RunTaskAsync needs concurrency and maxPending of at least 1");
    }
    this.concurrency = options.concurrency;
    this.maxPending = options.maxPending;
  }

  submit(message: Message<TIn | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("RunTaskAsync: submit after close");
    if (this.queue.length >= this.maxPending) throw new MessageRejected();
    const entry: Entry<TIn, TOut> = {
      message,
      state: WAITING,
      result: undefined,
      error: undefined,
      settled: undefined,
    };
    this.queue.push(entry);
    if (isFiltered(message.payload)) {
      entry.state = DONE;
    } else if (this.running < this.concurrency) {
      this.start(entry);
    } else {
      this.waiting.push(entry);
    }
  }

  poll(): void {
    if (!this.invalid.pending || this.invalid.forward(this.next)) {
      for (let head = this.queue.peek(); head !== undefined && head.state >= DONE; head = this.queue.peek()) {
        if (!this.forwardHead(head)) break;
      }
    }
    this.next.poll();
  }

  close(): void {
    this.closed = true;
  }

  async join(timeoutMs?: number): Promise<void> {
    const deadline = deadlineAfter(timeoutMs);
    if (await this.invalid.forwardBefore(this.next, deadline)) {
      for (let head = this.queue.peek(); head !== undefined; head = this.queue.peek()) {
        if (head.state === WAITING) this.startHead(head);
        if (head.state < DONE && !(await settledBefore(head.settled as Promise<void>, deadline))) break;
        if (this.forwardHead(head)) continue;
        if (!(await this.submitHeadBefore(head, deadline))) break;
      }
    }
    // Whatever is left is abandoned: its offsets are not committed, so it is redelivered.
    this.queue.clear();
    this.waiting.clear();
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }

  terminate(): void {
    this.closed = true;
    this.terminated = true;
    this.queue.clear();
    this.waiting.clear();
    this.invalid.clear();
    this.next.terminate();
  }

  /** Forwards a finished head entry; false (entry kept) when the next step rejects it. */
  private forwardHead(head: Entry<TIn, TOut>): boolean {
    if (head.state === FAILED) {
      this.queue.shift();
      if (head.error instanceof InvalidMessage) this.invalid.record(head.error);
      throw head.error;
    }
    try {
      this.next.submit(this.outputOf(head));
    } catch (error) {
      if (error instanceof MessageRejected) return false;
      this.queue.shift();
      if (error instanceof InvalidMessage) this.invalid.record(error);
      throw error;
    }
    this.queue.shift();
    return true;
  }

  private outputOf(entry: Entry<TIn, TOut>): Message<TOut | FilteredPayload> {
    return isFiltered(entry.message.payload)
      ? (entry.message as Message<FilteredPayload>)
      : entry.message.replace(entry.result as TOut);
  }

  private start(entry: Entry<TIn, TOut>): void {
    entry.state = RUNNING;
    this.running += 1;
    let result: PromiseLike<TOut> | TOut;
    try {
      result = this.fn(entry.message as Message<TIn>);
    } catch (error) {
      result = Promise.reject(error);
    }
    entry.settled = Promise.resolve(result).then(
      (value) => this.settle(entry, DONE, value, undefined),
      (error: unknown) => this.settle(entry, FAILED, undefined, error),
    );
  }

  private settle(entry: Entry<TIn, TOut>, state: number, result: TOut | undefined, error: unknown): void {
    entry.state = state;
    entry.result = result;
    entry.error = error;
    this.running -= 1;
    // Start the next waiting task from the completion itself: with an idle topic the loop
    // may sit in consumer.poll for a second, and the pool must not idle with it.
    if (this.terminated) return;
    const waiting = this.waiting.shift();
    if (waiting !== undefined) this.start(waiting);
  }

  // Tasks start in FIFO order, so the head waits only if nothing ran ahead of it.
  private startHead(head: Entry<TIn, TOut>): void {
    if (this.waiting.peek() === head) this.waiting.shift();
    this.start(head);
  }

  private async submitHeadBefore(head: Entry<TIn, TOut>, deadline: number): Promise<boolean> {
    try {
      if (!(await submitBefore(this.next, this.outputOf(head), deadline))) return false;
    } catch (error) {
      if (error instanceof InvalidMessage) {
        this.queue.shift();
        this.invalid.record(error);
      }
      throw error;
    }
    this.queue.shift();
    return true;
  }
}
