import { InvalidMessage, InvalidStateError, MessageRejected } from "../errors.ts";
import { type FilteredPayload, isFiltered, type Message, type ProcessingStrategy } from "../types.ts";
import { deadlineAfter, remainingUntil, submitBefore } from "./drain.ts";
import { InvalidOffsets } from "./invalid-offsets.ts";

/** A synchronous map over one message; throw InvalidMessage for a record that can never succeed. */
export type TaskFunction<TIn, TOut> = (message: Message<TIn>) => TOut;

/**
 * Applies `fn` to each message and forwards the result (specs/arroyo.md §4.1), with the
 * StrategyGuard semantics of §4.12 built in: filtered messages pass untouched and in
 * order, and the offsets of InvalidMessages raised here or below are sent on as one filtered
 * message before anything newer.
 *
 * Backpressure is Arroyo's `better_backpressure`, the only mode (the spec recommends it):
 * `fn` runs once per message; when the next step rejects the result it is carried and
 * retried from `poll`, and further submits are rejected meanwhile. Two of Arroyo's
 * ordering gaps are closed: the Guard forwards filtered messages past a carried result,
 * and a new message can overtake invalid offsets whose forwarding was rejected. Here
 * both reject instead.
 */
export class RunTask<TIn, TOut> implements ProcessingStrategy<TIn> {
  private carried: Message<TOut> | null = null;
  private readonly invalid = new InvalidOffsets();
  private closed = false;
  private nextClosed = false;

  constructor(
    private readonly fn: TaskFunction<TIn, TOut>,
    private readonly next: ProcessingStrategy<TOut>,
  ) {}

  submit(message: Message<TIn | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("RunTask: submit after close");
    if (this.carried !== null) throw new MessageRejected();
    if (this.invalid.pending && !this.invalid.forward(this.next)) throw new MessageRejected();
    if (isFiltered(message.payload)) {
      this.next.submit(message as Message<FilteredPayload>);
      return;
    }
    let output: Message<TOut>;
    try {
      output = message.replace(this.fn(message as Message<TIn>));
    } catch (error) {
      if (error instanceof InvalidMessage) this.invalid.record(error);
      throw error;
    }
    try {
      this.next.submit(output);
    } catch (error) {
      if (error instanceof MessageRejected) {
        // Accepted here: the result is retried from poll, so fn never runs twice.
        this.carried = output;
        return;
      }
      if (error instanceof InvalidMessage) this.invalid.record(error);
      throw error;
    }
  }

  poll(): void {
    if (this.invalid.pending) this.invalid.forward(this.next);
    const carried = this.carried;
    if (carried !== null) {
      try {
        this.next.submit(carried);
        this.carried = null;
      } catch (error) {
        if (error instanceof InvalidMessage) {
          this.carried = null;
          this.invalid.record(error);
          throw error;
        }
        if (!(error instanceof MessageRejected)) throw error;
      }
    }
    this.next.poll();
  }

  close(): void {
    this.closed = true;
    if (this.invalid.pending) this.invalid.forward(this.next);
  }

  async join(timeoutMs?: number): Promise<void> {
    const deadline = deadlineAfter(timeoutMs);
    await this.invalid.forwardBefore(this.next, deadline);
    const carried = this.carried;
    if (carried !== null) {
      try {
        // Unfinished at the deadline: abandoned; its offset is not committed, so it is redelivered.
        await submitBefore(this.next, carried, deadline);
        this.carried = null;
      } catch (error) {
        if (error instanceof InvalidMessage) {
          this.carried = null;
          this.invalid.record(error);
        }
        throw error;
      }
    }
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }

  terminate(): void {
    this.closed = true;
    this.carried = null;
    this.invalid.clear();
    this.next.terminate();
  }
}
