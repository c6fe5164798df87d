import { MessageRejected } from "../../../pipelines/errors.ts";
import {
  type BrokerValue,
  type Committable,
  type FilteredPayload,
  type KafkaPayload,
  Message,
  Partition,
  type ProcessingStrategy,
} from "../../../pipelines/types.ts";

export type Call<T> =
  | { readonly kind: "submit"; readonly message: Message<T | FilteredPayload> }
  | { readonly kind: "poll" }
  | { readonly kind: "close" }
  | { readonly kind: "join"; readonly timeoutMs: number | undefined }
  | { readonly kind: "terminate" };

/**
 * A next step that records every call. `rejectSubmits(n)` makes the next n submits throw
 * MessageRejected; `acceptOnlyOnPoll` models a step that frees room only when polled
 * (Produce, RunTaskAsync): after each rejected submit it accepts again only after a poll.
 */
export class RecordingStep<T> implements ProcessingStrategy<T> {
  readonly calls: Call<T>[] = [];
  readonly accepted: Message<T | FilteredPayload>[] = [];
  private rejections = 0;
  private rejectAll = false;
  private acceptOnlyOnPoll = false;
  private roomFromPoll = false;

  submit(message: Message<T | FilteredPayload>): void {
    this.calls.push({ kind: "submit", message });
    if (this.rejectAll) throw new MessageRejected();
    if (this.rejections > 0) {
      this.rejections -= 1;
      throw new MessageRejected();
    }
    if (this.acceptOnlyOnPoll) {
      if (!this.roomFromPoll) throw new MessageRejected();
      this.roomFromPoll = false;
    }
    this.accepted.push(message);
  }

  poll(): void {
    this.calls.push({ kind: "poll" });
    this.roomFromPoll = true;
  }

  close(): void {
    this.calls.push({ kind: "close" });
  }

  async join(timeoutMs?: number): Promise<void> {
    this.calls.push({ kind: "join", timeoutMs });
  }

  terminate(): void {
    this.calls.push({ kind: "terminate" });
  }

  rejectSubmits(count: number): void {
    this.rejections = count;
  }

  rejectEverything(reject: boolean): void {
    this.rejectAll = reject;
  }

  /** From now on each accepted submit needs a poll before it. */
  onlyAcceptAfterPoll(): void {
    this.acceptOnlyOnPoll = true;
    this.roomFromPoll = false;
  }

  count(kind: Call<T>["kind"]): number {
    return this.calls.filter((c) => c.kind === kind).length;
  }

  /** Accepted payloads, FILTERED shown as "filtered". */
  payloads(): unknown[] {
    return this.accepted.map((m) => (typeof m.payload === "symbol" ? "filtered" : m.payload));
  }

  /** Accepted committables as plain `{ "topic:index": offset }` objects. */
  committables(): Record<string, number>[] {
    return this.accepted.map((m) => plainOffsets(m.committable));
  }
}

export function plainOffsets(offsets: Committable): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [p, offset] of offsets) result[p.key] = offset;
  return result;
}

export const P0 = Partition.of("test-topic", 0);
export const P1 = Partition.of("test-topic", 1);

export function brokerMessage<T>(
  payload: T,
  offset: number,
  p: Partition = P0,
  timestamp = 1000,
): Message<T> {
  return Message.broker(payload, p, offset, timestamp);
}

export function offsets(...entries: ReadonlyArray<readonly [Partition, number]>): Map<Partition, number> {
  return new Map(entries);
}

export function kafkaPayload(value: string, key: string | null = null): KafkaPayload {
  return { key: key === null ? null : Buffer.from(key), value: Buffer.from(value), headers: [] };
}

export function text(record: BrokerValue<KafkaPayload> | Message<KafkaPayload>): string {
  return record.payload.value.toString("utf8");
}

/** Lets promise callbacks and timers that are already due run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise with its resolve/reject exposed. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
