import type { BrokerValue, KafkaPayload, Partition } from "./types.ts";

/** Why a record could not be taken from the buffer (for the DlqRecordMissing detail). */
export type DlqBufferMiss = "released" | "evicted" | "revoked" | "never_buffered";

interface Slot {
  readonly offset: number;
  /** Undefined once taken for the DLQ: a tombstone until the window's front passes it. */
  record: BrokerValue<KafkaPayload> | undefined;
}

// Past this many dead slots at the front, the array is compacted (as pipelines/deque.ts does).
const COMPACT_AFTER = 1024;

/**
 * One partition's buffered records, sorted by offset. Records are taken by offset in any
 * order (a parallel or batch step finishes out of order), so taking one leaves the others;
 * they leave from the front when the commit step passes them, or by eviction.
 * Invariant: the front slot, if any, holds a record (tombstones are trimmed off the front).
 */
class PartitionWindow {
  private slots: Slot[] = [];
  private head = 0;
  /** Records not yet taken. */
  live = 0;
  /** Everything below this offset was released by a commit, evicted, or taken. */
  releasedBelow = 0;
  evictedBelow = 0;

  /** Slots between the front and the newest, tombstones included: the memory bound. */
  get span(): number {
    return this.slots.length - this.head;
  }

  append(record: BrokerValue<KafkaPayload>): void {
    // A seek back redelivers records already here; the later copies are dropped and come again.
    while (this.span > 0) {
      const last = this.slots[this.slots.length - 1] as Slot;
      if (last.offset < record.offset) break;
      this.slots.pop();
      if (last.record !== undefined) this.live--;
    }
    this.slots.push({ offset: record.offset, record });
    this.live++;
    this.trimFront();
  }

  /** Drops the oldest record; false when empty. */
  evictOldest(): boolean {
    const front = this.front();
    if (front === undefined) return false;
    this.shift();
    this.evictedBelow = Math.max(this.evictedBelow, front.offset + 1);
    this.trimFront();
    return true;
  }

  take(offset: number): BrokerValue<KafkaPayload> | undefined {
    const slot = this.find(offset);
    if (slot === undefined || slot.record === undefined) return undefined;
    const record = slot.record;
    slot.record = undefined;
    this.live--;
    this.trimFront();
    return record;
  }

  release(nextOffset: number): void {
    for (let front = this.front(); front !== undefined && front.offset < nextOffset; front = this.front()) {
      this.shift();
    }
    this.releasedBelow = Math.max(this.releasedBelow, nextOffset);
    this.trimFront();
  }

  private front(): Slot | undefined {
    return this.head < this.slots.length ? this.slots[this.head] : undefined;
  }

  private shift(): void {
    const front = this.slots[this.head];
    if (front?.record !== undefined) this.live--;
    this.head++;
    if (this.head === this.slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }

  private trimFront(): void {
    for (let front = this.front(); front !== undefined && front.record === undefined; front = this.front()) {
      this.shift();
    }
  }

  // Binary search: offsets are strictly increasing from head (append keeps them so).
  private find(offset: number): Slot | undefined {
    let lo = this.head;
    let hi = this.slots.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const slot = this.slots[mid] as Slot;
      if (slot.offset === offset) return slot;
      if (slot.offset < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/**
 * The raw records polled and not yet known good, per partition, so an InvalidMessage (which
 * names only partition and offset) can be dead-lettered with its original bytes
 * (Arroyo's BufferedMessages, §5).
 *
 * Unlike Arroyo's `pop`, taking a record does not discard the lower ones: a step running
 * work in parallel or validating a batch may raise InvalidMessage for a later offset before
 * an earlier one, and the earlier record must still be here. Memory stays bounded twice:
 * records below the committed offset leave on `release`, and a partition holds at most
 * `maxPerPartition` slots from its oldest record to its newest (taken ones included);
 * past that the oldest is evicted.
 */
export class DlqBuffer {
  private readonly windows = new Map<Partition, PartitionWindow>();
  private readonly revoked = new Set<Partition>();

  constructor(
    private readonly maxPerPartition: number,
    private readonly onEvict: (p: Partition) => void = () => {},
  ) {
    if (maxPerPartition < 1) throw new RangeError("the DLQ buffer needs room for at least one record");
  }

  append(record: BrokerValue<KafkaPayload>): void {
    let window = this.windows.get(record.partition);
    if (window === undefined) {
      window = new PartitionWindow();
      this.windows.set(record.partition, window);
      this.revoked.delete(record.partition);
    }
    window.append(record);
    while (window.span > this.maxPerPartition && window.evictOldest()) this.onEvict(record.partition);
  }

  /** Takes the record at `offset`, if still buffered; records above and below it stay. */
  pop(p: Partition, offset: number): BrokerValue<KafkaPayload> | undefined {
    return this.windows.get(p)?.take(offset);
  }

  /** Why `pop(p, offset)` found nothing. */
  miss(p: Partition, offset: number): DlqBufferMiss {
    const window = this.windows.get(p);
    if (window === undefined) return this.revoked.has(p) ? "revoked" : "never_buffered";
    if (offset < window.releasedBelow) return "released";
    if (offset < window.evictedBelow) return "evicted";
    return "never_buffered";
  }

  /** Records below `nextOffset` reached the commit step: they are good. */
  release(p: Partition, nextOffset: number): void {
    this.windows.get(p)?.release(nextOffset);
  }

  /** Forgets revoked partitions (remembering that they were revoked, until polled again). */
  drop(partitions: Iterable<Partition>): void {
    for (const p of partitions) {
      this.windows.delete(p);
      this.revoked.add(p);
    }
  }

  isRevoked(p: Partition): boolean {
    return this.revoked.has(p);
  }

  /** A reassigned partition is ours again. */
  reassigned(partitions: Iterable<Partition>): void {
    for (const p of partitions) this.revoked.delete(p);
  }

  /** Records still held (not taken) for `p`. */
  size(p: Partition): number {
    return this.windows.get(p)?.live ?? 0;
  }

  /** Slots held for `p`, taken ones between held ones included (what the limit counts). */
  span(p: Partition): number {
    return this.windows.get(p)?.span ?? 0;
  }
}
