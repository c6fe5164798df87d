import { ConsumerError, EndOfPartition, InvalidStateError, OffsetOutOfRange } from "../pipelines/errors.ts";
import { type BrokerValue, type KafkaPayload, Partition, type Topic } from "../pipelines/types.ts";
import type { GroupMembership, MemoryBroker } from "../producers/memory-broker.ts";
import type { Consumer, SubscribeCallbacks } from "./types.ts";

export interface MemoryConsumerOptions {
  /** Where a partition without a committed offset starts. */
  readonly autoOffsetReset?: "earliest" | "latest";
  /** Throw EndOfPartition once per (partition, offset) when a poll finds the tail. */
  readonly enableEndOfPartition?: boolean;
}

/**
 * A consumer over the in-memory broker (specs/arroyo.md §6.1, §6.3). Rebalance callbacks
 * run inside `poll`, revocation before assignment, and a member gets its new partitions only
 * after every member of the group has revoked. Unlike Arroyo's LocalConsumer, `poll` honours
 * its timeout (it waits for a produce or a group change) and reads partitions round-robin
 * rather than draining the lowest one first.
 */
export class MemoryConsumer implements Consumer {
  private membership: GroupMembership | null = null;
  private callbacks: SubscribeCallbacks = {};
  // The assignment as parallel arrays: the fetch loop reads them without allocating.
  private partitions: Partition[] = [];
  private offsets: number[] = [];
  private logs: BrokerValue<KafkaPayload>[][] = [];
  private pausedFlags: boolean[] = [];
  private readonly indexes = new Map<Partition, number>();
  private cursor = 0;
  private staged = new Map<Partition, number>();
  private readonly endReported = new Map<Partition, number>();
  private rebalancing = false;
  private isClosed = false;
  private readonly reset: "earliest" | "latest";
  private readonly endOfPartition: boolean;

  constructor(
    private readonly broker: MemoryBroker,
    readonly group: string,
    options: MemoryConsumerOptions = {},
  ) {
    this.reset = options.autoOffsetReset ?? "earliest";
    this.endOfPartition = options.enableEndOfPartition ?? false;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get memberId(): string {
    return this.membership?.memberId ?? "";
  }

  subscribe(topics: ReadonlyArray<Topic>, callbacks: SubscribeCallbacks = {}): void {
    this.assertOpen();
    this.callbacks = callbacks;
    this.membership = this.broker.joinGroup(this.group, topics, this.membership ?? undefined);
  }

  unsubscribe(): void {
    this.assertOpen();
    if (this.membership === null) return;
    this.broker.leaveGroup(this.membership);
    if (!this.membership.mustRevoke) this.membership = null;
  }

  async poll(timeoutMs = 0): Promise<BrokerValue<KafkaPayload> | null> {
    this.assertOpen();
    const membership = this.membership;
    if (membership !== null && (membership.mustRevoke || membership.behind)) await this.rebalance();
    const record = this.fetch();
    if (record !== null || timeoutMs <= 0) return record;
    return this.waitAndFetch(timeoutMs);
  }

  pollBuffered(): BrokerValue<KafkaPayload> | undefined {
    const membership = this.membership;
    if (this.isClosed || (membership !== null && (membership.mustRevoke || membership.behind)))
      return undefined;
    return this.fetch() ?? undefined;
  }

  pause(partitions: Iterable<Partition>): void {
    this.setPaused(partitions, true);
  }

  resume(partitions: Iterable<Partition>): void {
    this.setPaused(partitions, false);
  }

  paused(): Partition[] {
    this.assertOpen();
    return this.partitions.filter((_, i) => this.pausedFlags[i]);
  }

  tell(): Map<Partition, number> {
    this.assertOpen();
    const result = new Map<Partition, number>();
    this.partitions.forEach((p, i) => {
      result.set(p, this.offsets[i] as number);
    });
    return result;
  }

  seek(offsets: ReadonlyMap<Partition, number>): void {
    this.assertOpen();
    for (const [p, offset] of offsets) {
      if (!this.indexes.has(p)) throw new ConsumerError(`cannot seek unassigned partition ${p.key}`);
      if (!Number.isInteger(offset) || offset < 0) {
        throw new ConsumerError(`cannot seek ${p.key} to offset ${offset}`);
      }
    }
    for (const [p, offset] of offsets) this.offsets[this.indexes.get(p) as number] = offset;
  }

  /** Overwrites, even backwards, without validation: this is the hot path. Allowed after close. */
  stageOffsets(offsets: ReadonlyMap<Partition, number>): void {
    for (const [p, offset] of offsets) this.staged.set(p, offset);
  }

  async commitOffsets(): Promise<Map<Partition, number>> {
    this.assertOpen();
    for (const p of this.staged.keys()) {
      if (!this.indexes.has(p)) throw new ConsumerError(`cannot commit unassigned partition ${p.key}`);
    }
    const committed = this.staged;
    this.staged = new Map();
    this.broker.commit(this.group, committed);
    return committed;
  }

  /** Idempotent; runs the revocation of whatever is still assigned before closing. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    const membership = this.membership;
    if (membership !== null) {
      this.broker.leaveGroup(membership);
      if (membership.mustRevoke) await this.revoke(membership);
      this.membership = null;
    }
    this.isClosed = true;
  }

  private fetch(): BrokerValue<KafkaPayload> | null {
    const n = this.partitions.length;
    for (let k = 0; k < n; k++) {
      let i = this.cursor + k;
      if (i >= n) i -= n;
      if (this.pausedFlags[i]) continue;
      const log = this.logs[i] as BrokerValue<KafkaPayload>[];
      const offset = this.offsets[i] as number;
      if (offset < log.length) {
        this.offsets[i] = offset + 1;
        this.cursor = i + 1 === n ? 0 : i + 1;
        return log[offset] as BrokerValue<KafkaPayload>;
      }
      const p = this.partitions[i] as Partition;
      if (offset > log.length) {
        throw new OffsetOutOfRange(`offset ${offset} is beyond the end of ${p.key} (${log.length})`);
      }
      if (this.endOfPartition && this.endReported.get(p) !== offset) {
        this.endReported.set(p, offset);
        throw new EndOfPartition(p, offset);
      }
    }
    return null;
  }

  private async waitAndFetch(timeoutMs: number): Promise<BrokerValue<KafkaPayload> | null> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return null;
      await this.broker.waitForActivity(remaining);
      if (this.isClosed) return null;
      const membership = this.membership;
      if (membership !== null && (membership.mustRevoke || membership.behind)) await this.rebalance();
      const record = this.fetch();
      if (record !== null) return record;
    }
  }

  private async rebalance(): Promise<void> {
    // A callback that polls this consumer again must not start a second rebalance.
    if (this.rebalancing) return;
    this.rebalancing = true;
    try {
      const membership = this.membership as GroupMembership;
      if (membership.mustRevoke) {
        await this.revoke(membership);
        if (this.membership === null) return;
      }
      const assigned = this.broker.takeAssignment(membership);
      if (assigned === null) return;
      this.assign(assigned);
      if (assigned.length > 0) await this.callbacks.onAssign?.(this.tell());
    } finally {
      this.rebalancing = false;
    }
  }

  // The callback runs while the partitions are still assigned, so the processor can commit
  // from inside it; only then are working, staged and paused state dropped.
  private async revoke(membership: GroupMembership): Promise<void> {
    const revoked = [...membership.owned];
    await this.callbacks.onRevoke?.(revoked);
    for (const p of revoked) {
      this.staged.delete(p);
      this.endReported.delete(p);
    }
    this.assign([]);
    this.broker.completeRevocation(membership);
    if (!this.broker.isMember(membership)) this.membership = null;
  }

  // Pauses do not survive reassignment: every assigned partition starts resumed.
  private assign(partitions: ReadonlyArray<Partition>): void {
    const sorted = [...partitions].sort(Partition.compare);
    this.partitions = sorted;
    this.logs = sorted.map((p) => this.broker.log(p));
    this.offsets = sorted.map((p) => this.startOffset(p));
    this.pausedFlags = sorted.map(() => false);
    this.indexes.clear();
    sorted.forEach((p, i) => {
      this.indexes.set(p, i);
    });
    this.cursor = 0;
  }

  private startOffset(p: Partition): number {
    const committed = this.broker.committedOffset(this.group, p);
    if (committed !== undefined) return committed;
    return this.reset === "earliest" ? 0 : this.broker.endOffset(p);
  }

  // All or nothing: one unassigned partition fails the call and changes nothing.
  private setPaused(partitions: Iterable<Partition>, paused: boolean): void {
    this.assertOpen();
    const indexes: number[] = [];
    for (const p of partitions) {
      const index = this.indexes.get(p);
      if (index === undefined) throw new ConsumerError(`partition ${p.key} is not assigned`);
      indexes.push(index);
    }
    for (const index of indexes) this.pausedFlags[index] = paused;
  }

  private assertOpen(): void {
    if (this.isClosed) throw new InvalidStateError("consumer is closed");
  }
}
