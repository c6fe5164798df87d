import { InvalidStateError, MessageRejected } from "../errors.ts";
import {
  type Committable,
  type FilteredPayload,
  isFiltered,
  Message,
  type MessageValue,
  mergeCommittable,
  type Partition,
  type ProcessingStrategy,
} from "../types.ts";
import { deadlineAfter, remainingUntil, submitBefore } from "./drain.ts";

/** Expands one payload into values; each keeps its own committable. */
export type UnfoldGenerator<TIn, TOut> = (payload: TIn) => Iterable<MessageValue<TOut>>;

/**
 * One message in, many out (specs/arroyo.md §4.6). The last output takes the source's
 * committable if it has none of its own, so the source offset commits only after the whole
 * expansion passed. Outputs the next step rejects are kept and retried from `poll`; the
 * input still counts as accepted, and further submits are rejected until they are out.
 *
 * Differences from Arroyo: when the outputs do not carry the source's offsets (no outputs,
 * or values with their own offsets, like a batch whose committable also holds offsets of
 * filtered messages merged into it) a filtered message with the source's offsets follows
 * them, so those offsets are neither lost nor delayed; and join polls the next step between
 * retries ([Q2]).
 */
export class Unfold<TIn, TOut> implements ProcessingStrategy<TIn> {
  private pending: MessageValue<TOut | FilteredPayload>[] = [];
  private closed = false;
  private nextClosed = false;

  constructor(
    private readonly generator: UnfoldGenerator<TIn, TOut>,
    private readonly next: ProcessingStrategy<TOut>,
  ) {}

  submit(message: Message<TIn | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("Unfold: submit after close");
    if (this.pending.length > 0) throw new MessageRejected();
    if (isFiltered(message.payload)) {
      this.next.submit(message as Message<FilteredPayload>);
      return;
    }
    const outputs: MessageValue<TOut | FilteredPayload>[] = [...this.generator(message.payload as TIn)];
    const last = outputs.length - 1;
    const tail = outputs[last];
    if (tail !== undefined && tail.kind === "value" && tail.committable.size === 0) {
      outputs[last] = { ...tail, committable: message.committable };
    } else if (!coversSource(outputs, message.committable)) {
      outputs.push(Message.filtered(message.committable, message.timestamp).value);
    }
    this.pending = outputs;
    this.drain();
  }

  poll(): void {
    if (this.pending.length > 0) this.drain();
    this.next.poll();
  }

  close(): void {
    this.closed = true;
  }

  async join(timeoutMs?: number): Promise<void> {
    const deadline = deadlineAfter(timeoutMs);
    while (this.pending.length > 0) {
      const head = this.pending[0] as MessageValue<TOut | FilteredPayload>;
      // Unsent at the deadline: dropped; the source offset rides on the last output, so it is redelivered.
      if (!(await submitBefore(this.next, new Message(head), deadline))) break;
      this.pending.shift();
    }
    this.pending = [];
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }

  terminate(): void {
    this.closed = true;
    this.pending = [];
    this.next.terminate();
  }

  private drain(): void {
    let sent = 0;
    try {
      for (; sent < this.pending.length; sent++) {
        this.next.submit(new Message(this.pending[sent] as MessageValue<TOut | FilteredPayload>));
      }
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
    }
    this.pending = sent === this.pending.length ? [] : this.pending.slice(sent);
  }
}

function coversSource(outputs: ReadonlyArray<MessageValue<unknown>>, source: Committable): boolean {
  if (outputs.length === 0) return source.size === 0;
  const carried = new Map<Partition, number>();
  for (const value of outputs) mergeCommittable(carried, value);
  for (const [p, offset] of source) {
    if ((carried.get(p) ?? -1) < offset) return false;
  }
  return true;
}
