// Core value types of the processing framework (specs/arroyo.md §1). The framework knows
// nothing about events: payloads are opaque `T`s, usually bytes at the edges.

/** A topic name. Plain strings compare by value, so they work as Map keys as they are. */
export type Topic = string;

/**
 * A topic partition. Instances are interned by `partition(topic, index)`, so the same
 * (topic, index) is always the same object and can key a `Map` directly.
 */
export class Partition {
  readonly key: string;
  private constructor(
    readonly topic: Topic,
    readonly index: number,
  ) {
    this.key = `${topic}:${index}`;
  }

  private static readonly interned = new Map<string, Partition>();

  static of(topic: Topic, index: number): Partition {
    const key = `${topic}:${index}`;
    let found = Partition.interned.get(key);
    if (!found) {
      found = new Partition(topic, index);
      Partition.interned.set(key, found);
    }
    return found;
  }

  /** Orders by (topic, index), as Arroyo's value semantics do. */
  static compare(a: Partition, b: Partition): number {
    if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
    return a.index - b.index;
  }

  toString(): string {
    return this.key;
  }

  toJSON(): { topic: Topic; index: number } {
    return { topic: this.topic, index: this.index };
  }
}

export const partition = Partition.of;

/** Offsets to commit: partition → the next offset to read (last processed + 1). */
export type Committable = ReadonlyMap<Partition, number>;

/** A record as Kafka carries it. Headers keep their order and may repeat. */
export interface KafkaPayload {
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers: ReadonlyArray<readonly [string, Buffer]>;
}

/** Marker payload: a message that carries only offsets to commit. */
export const FILTERED: unique symbol = Symbol("FilteredPayload");
export type FilteredPayload = typeof FILTERED;

export function isFiltered(payload: unknown): payload is FilteredPayload {
  return payload === FILTERED;
}

/** One real record, as read from a consumer or as returned by a producer after delivery. */
export interface BrokerValue<T> {
  readonly kind: "broker";
  readonly payload: T;
  readonly partition: Partition;
  readonly offset: number;
  /** Broker timestamp, epoch milliseconds. */
  readonly timestamp: number;
}

/** Anything else: a transformed record, a batch, a filtered marker. */
export interface Value<T> {
  readonly kind: "value";
  readonly payload: T;
  readonly committable: Committable;
  /** Epoch milliseconds of the newest record this value came from, when known. */
  readonly timestamp: number | undefined;
}

export type MessageValue<T> = BrokerValue<T> | Value<T>;

/** A thin wrapper around one value (specs/arroyo.md §1.2). */
export class Message<T> {
  constructor(readonly value: MessageValue<T>) {}

  get payload(): T {
    return this.value.payload;
  }

  get timestamp(): number | undefined {
    return this.value.timestamp;
  }

  get committable(): Committable {
    const v = this.value;
    return v.kind === "broker" ? new Map([[v.partition, v.offset + 1]]) : v.committable;
  }

  /** Same kind of value, same offsets and timestamp, new payload. */
  replace<U>(payload: U): Message<U> {
    const v = this.value;
    // Literal objects with a fixed property order keep the hot path monomorphic.
    if (v.kind === "broker") {
      return new Message<U>({
        kind: "broker",
        payload,
        partition: v.partition,
        offset: v.offset,
        timestamp: v.timestamp,
      });
    }
    return new Message<U>({ kind: "value", payload, committable: v.committable, timestamp: v.timestamp });
  }

  static broker<T>(payload: T, p: Partition, offset: number, timestamp: number): Message<T> {
    return new Message<T>({ kind: "broker", payload, partition: p, offset, timestamp });
  }

  static value<T>(payload: T, committable: Committable, timestamp?: number): Message<T> {
    return new Message<T>({ kind: "value", payload, committable, timestamp });
  }

  static filtered(committable: Committable, timestamp?: number): Message<FilteredPayload> {
    return new Message<FilteredPayload>({ kind: "value", payload: FILTERED, committable, timestamp });
  }
}

/**
 * Merges a value's offsets into `target` (the later one wins: committables are a
 * high-watermark, specs/arroyo.md §1.3) without building the broker value's one-entry map.
 */
export function mergeCommittable(target: Map<Partition, number>, value: MessageValue<unknown>): void {
  if (value.kind === "broker") {
    target.set(value.partition, value.offset + 1);
    return;
  }
  for (const [p, offset] of value.committable) target.set(p, offset);
}

/** Commits offsets; `force` bypasses the commit policy (used on join). */
export type Commit = (offsets: Committable, force?: boolean) => void;

/** The five verbs every step implements (specs/arroyo.md §2). */
export interface ProcessingStrategy<T> {
  /** Accept a message; may throw MessageRejected (offer the same one again) or InvalidMessage. */
  submit(message: Message<T | FilteredPayload>): void;
  /** Non-blocking: forward finished work, rethrow background errors; always polls the next step. */
  poll(): void;
  /** No more submits will come. Never blocks. */
  close(): void;
  /** Drain: finish and forward everything, then close and join the next step. */
  join(timeoutMs?: number): Promise<void>;
  /** Abandon everything now and terminate the next step. */
  terminate(): void;
}

/** Builds a fresh chain for the current assignment; owns long-lived resources. */
export interface ProcessingStrategyFactory<T> {
  createWithPartitions(commit: Commit, partitions: ReadonlyMap<Partition, number>): ProcessingStrategy<T>;
  shutdown(): Promise<void>;
}

/** An injectable clock, so tests can drive time-based policies. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
