import { type CommitPolicy, type CommitPolicyState, IMMEDIATE } from "../commit-policy.ts";
import { InvalidStateError, MessageRejected } from "../errors.ts";
import {
  type Clock,
  type FilteredPayload,
  isFiltered,
  Message,
  mergeCommittable,
  type Partition,
  type ProcessingStrategy,
  systemClock,
} from "../types.ts";
import { deadlineAfter, remainingUntil, submitBefore } from "./drain.ts";
import { BufferedCount, type StepInstrumentation } from "./instrumentation.ts";

export interface FilterOptions {
  /**
   * How often the offsets of dropped messages are sent on as one filtered message. Default
   * IMMEDIATE: every drop forwards its offset at once.
   */
  readonly commitPolicy?: CommitPolicy;
  readonly clock?: Clock;
  /** Reported as `ingest_messages_filtered_total{reason}`. */
  readonly reason?: string;
  readonly instrumentation?: StepInstrumentation;
}

/**
 * Forwards the messages `predicate` accepts (specs/arroyo.md §4.7). Offsets of dropped
 * messages, and of filtered messages arriving from upstream, are always sent on (as filtered
 * messages, when the commit policy says so), in their place in the stream: a message that
 * passes first flushes any older pending offsets, so nothing overtakes anything.
 *
 * Differences from Arroyo: there is no "no policy" mode in which dropped offsets vanish
 * (#143); and `poll` flushes pending offsets when the policy fires, so a fully filtered
 * stream that goes quiet still commits.
 */
export class Filter<T> implements ProcessingStrategy<T> {
  private uncommitted = new Map<Partition, number>();
  private readonly policy: CommitPolicyState;
  private readonly clock: Clock;
  private readonly dropped: BufferedCount | undefined;
  private closed = false;
  private nextClosed = false;

  constructor(
    private readonly predicate: (message: Message<T>) => boolean,
    private readonly next: ProcessingStrategy<T>,
    options: FilterOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.policy = (options.commitPolicy ?? IMMEDIATE).createState(this.clock.now());
    const i = options.instrumentation;
    if (i !== undefined) {
      const counter = i.metrics.messagesFiltered.labels({
        consumer: i.consumer,
        reason: options.reason ?? i.step,
      });
      this.dropped = new BufferedCount((count) => counter.inc(count));
    }
  }

  submit(message: Message<T | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("Filter: submit after close");
    // A rejection here propagates before `message` is looked at, so the retry is safe.
    if (this.uncommitted.size > 0 && this.policy.shouldCommit(this.clock.now(), this.uncommitted)) {
      this.flush();
    }
    if (!isFiltered(message.payload) && this.predicate(message as Message<T>)) {
      if (this.uncommitted.size > 0) this.supersede(message);
      this.next.submit(message);
      return;
    }
    if (!isFiltered(message.payload)) this.dropped?.add();
    mergeCommittable(this.uncommitted, message.value);
    if (this.policy.shouldCommit(this.clock.now(), this.uncommitted)) this.tryFlush();
  }

  poll(): void {
    if (this.uncommitted.size > 0 && this.policy.shouldCommit(this.clock.now(), this.uncommitted)) {
      this.tryFlush();
    }
    this.dropped?.maybeFlush();
    this.next.poll();
  }

  close(): void {
    this.closed = true;
  }

  async join(timeoutMs?: number): Promise<void> {
    const deadline = deadlineAfter(timeoutMs);
    if (this.uncommitted.size > 0) {
      // Kept when rejected until the deadline: a later join sends them again.
      if (await submitBefore(this.next, Message.filtered(this.uncommitted), deadline)) this.committed();
    }
    this.dropped?.flush();
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }

  terminate(): void {
    this.closed = true;
    this.dropped?.flush();
    this.next.terminate();
  }

  private flush(): void {
    this.next.submit(Message.filtered(this.uncommitted));
    this.committed();
  }

  private tryFlush(): void {
    try {
      this.flush();
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
    }
  }

  private committed(): void {
    this.policy.didCommit(this.clock.now(), this.uncommitted);
    this.uncommitted = new Map();
  }

  // A passing message's offset covers its partition's dropped offsets before it.
  private supersede(message: Message<T | FilteredPayload>): void {
    const value = message.value;
    if (value.kind === "broker") {
      this.uncommitted.delete(value.partition);
    } else {
      for (const p of value.committable.keys()) this.uncommitted.delete(p);
    }
  }
}
