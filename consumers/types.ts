import type { BrokerValue, KafkaPayload, Partition, Topic } from "../pipelines/types.ts";

export interface SubscribeCallbacks {
  /** Called from inside `poll` with the full new assignment: partition → next offset to read. */
  onAssign?(partitions: ReadonlyMap<Partition, number>): Promise<void> | void;
  /** Called from inside `poll` before partitions are taken away. */
  onRevoke?(partitions: ReadonlyArray<Partition>): Promise<void> | void;
}

/**
 * A pull consumer (specs/arroyo.md §6.1). Backends: the in-memory broker and kafkajs
 * (push-based underneath, bridged with a bounded buffer). Offsets are only ever committed
 * explicitly: stage, then commit.
 */
export interface Consumer {
  subscribe(topics: ReadonlyArray<Topic>, callbacks?: SubscribeCallbacks): void;
  unsubscribe(): void;
  /** Next record, or null when none arrives within `timeoutMs`. Runs rebalance callbacks. */
  poll(timeoutMs?: number): Promise<BrokerValue<KafkaPayload> | null>;
  /**
   * Optional fast path for the processor loop: the next record if one is already at hand
   * and no rebalance callback is due, else undefined (then the caller uses `poll`). Saves
   * two promise round-trips per message; same errors as `poll`.
   */
  pollBuffered?(): BrokerValue<KafkaPayload> | undefined;
  pause(partitions: Iterable<Partition>): void;
  resume(partitions: Iterable<Partition>): void;
  paused(): Partition[];
  /** Working offsets of all assigned partitions. */
  tell(): Map<Partition, number>;
  seek(offsets: ReadonlyMap<Partition, number>): void;
  stageOffsets(offsets: ReadonlyMap<Partition, number>): void;
  /** Commits everything staged; resolves to what was committed. */
  commitOffsets(): Promise<Map<Partition, number>>;
  close(timeoutMs?: number): Promise<void>;
  readonly closed: boolean;
  readonly memberId: string;
}
