import type { Producer } from "../../producers/types.ts";
import { Deque } from "../deque.ts";
import { InvalidStateError, MessageRejected } from "../errors.ts";
import {
  type FilteredPayload,
  isFiltered,
  type KafkaPayload,
  type Message,
  type ProcessingStrategy,
  type Topic,
} from "../types.ts";
import { deadlineAfter, remainingUntil, settledBefore, submitBefore } from "./drain.ts";
import { BufferedCount, type StepInstrumentation } from "./instrumentation.ts";

/** Arroyo's default for `max_buffer_size`. */
export const DEFAULT_PRODUCE_BUFFER_SIZE = 10_000;

export interface ProduceOptions {
  /** Writes in flight (or acknowledged and not yet forwarded) before submit rejects. */
  readonly maxBufferSize?: number;
  readonly instrumentation?: StepInstrumentation;
}

/** A produce the broker refused; fatal for the consumer, as in Arroyo. */
export class ProduceFailed extends Error {
  constructor(topic: Topic, options: { cause: unknown }) {
    super(`producing to ${topic} failed`, options);
    this.name = "ProduceFailed";
  }
}

const IN_FLIGHT = 0;
const ACKED = 1;
const FAILED = 2;

interface Entry {
  readonly message: Message<KafkaPayload | FilteredPayload>;
  state: number;
  error: unknown;
  settled: Promise<void> | undefined;
}

/**
 * Writes each payload to `topic` and forwards the original message (payload, offsets,
 * timestamp) only after the broker acknowledged it, in input order (specs/arroyo.md §4.9).
 * Filtered messages queue in place without producing. The producer belongs to the factory;
 * this step never closes it.
 *
 * Fixes: [Q1] an acknowledged entry leaves the queue only after the next step accepted it;
 * [Q4] join waits for each write up to the deadline instead of dropping unacknowledged ones.
 */
export class Produce implements ProcessingStrategy<KafkaPayload> {
  private readonly queue = new Deque<Entry>();
  private readonly maxBufferSize: number;
  private readonly produced: BufferedCount | undefined;
  private closed = false;
  private nextClosed = false;

  constructor(
    private readonly producer: Producer,
    private readonly topic: Topic,
    private readonly next: ProcessingStrategy<KafkaPayload>,
    options: ProduceOptions = {},
  ) {
    this.maxBufferSize = options.maxBufferSize ?? DEFAULT_PRODUCE_BUFFER_SIZE;
    const i = options.instrumentation;
    if (i !== undefined) {
      const counter = i.metrics.messagesProduced.labels({ consumer: i.consumer, topic });
      this.produced = new BufferedCount((count) => counter.inc(count));
    }
  }

  submit(message: Message<KafkaPayload | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("Produce: submit after close");
    if (this.queue.length >= this.maxBufferSize) throw new MessageRejected();
    const entry: Entry = { message, state: ACKED, error: undefined, settled: undefined };
    if (!isFiltered(message.payload)) {
      // A synchronous throw (a full local queue surfacing as MessageRejected) leaves no trace.
      const ack = this.producer.produce(this.topic, message.payload);
      entry.state = IN_FLIGHT;
      entry.settled = ack.then(
        () => {
          entry.state = ACKED;
          this.produced?.add();
        },
        (error: unknown) => {
          entry.state = FAILED;
          entry.error = error;
        },
      );
    }
    this.queue.push(entry);
  }

  poll(): void {
    for (
      let head = this.queue.peek();
      head !== undefined && head.state !== IN_FLIGHT;
      head = this.queue.peek()
    ) {
      if (!this.forwardHead(head)) break;
    }
    this.produced?.maybeFlush();
    this.next.poll();
  }

  close(): void {
    this.closed = true;
  }

  async join(timeoutMs?: number): Promise<void> {
    const deadline = deadlineAfter(timeoutMs);
    for (let head = this.queue.peek(); head !== undefined; head = this.queue.peek()) {
      if (head.state === IN_FLIGHT && !(await settledBefore(head.settled as Promise<void>, deadline))) break;
      if (this.forwardHead(head)) continue;
      if (!(await submitBefore(this.next, head.message, deadline))) break;
      this.queue.shift();
    }
    // Unacknowledged at the deadline: abandoned; their offsets are not committed, so they are
    // redelivered (and possibly written twice), never lost.
    this.queue.clear();
    this.produced?.flush();
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }

  terminate(): void {
    this.closed = true;
    this.queue.clear();
    this.produced?.flush();
    this.next.terminate();
  }

  /** Forwards a settled head; false (kept) when the next step rejects it. */
  private forwardHead(head: Entry): boolean {
    if (head.state === FAILED) throw new ProduceFailed(this.topic, { cause: head.error });
    try {
      this.next.submit(head.message);
    } catch (error) {
      if (error instanceof MessageRejected) return false;
      throw error;
    }
    this.queue.shift();
    return true;
  }
}
