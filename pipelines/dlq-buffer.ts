import type { BrokerValue, KafkaPayload, Partition } from "./types.ts";

/** Why a record could not be taken from the buffer (for the DlqRecordMissing detail). */
export type DlqBufferMiss = "released" | "evicted" | "revoked" | "never_buffered";

// Past this many dead slots at the front, the arrays are compacted (as pipelines/deque.ts does).
const COMPACT_AFTER = 1024;

/**
 * One partition's buffered records, sorted by offset. Records are taken by offset in any
 * order (a parallel or batch step finishes out of order), so taking one leaves the others;
 * they leave from the front when the commit step passes them, or by eviction. A taken
 * record leaves a hole (undefined) until the front passes it. Parallel arrays, so the hot
 * path (`append`) allocates nothing per record.
 * Invariant: the front slot, if any, holds a record (holes are trimmed off the front).
 */
class PartitionWindow {
  private offsets: number[] = [];
  private records: (BrokerValue<KafkaPayload> | undefined)[] = [];
  private head = 0;
  /** Records not yet taken. */
  live = 0;
  /** Everything below these offsets was released by a commit / evicted. */
  releasedBelow = 0;
  evictedBelow = 0;

  /** Slots between the front and the newest, holes included: the memory bound. */
  get span(): number {
    return this.offsets.length - this.head;
  }

  append(record: BrokerValue<KafkaPayload>): void {
    const offsets = this.offsets;
    // A seek back redelivers records already here; the later copies are dropped and come again.
    while (offsets.length > this.head && (offsets[offsets.length - 1] as number) >= record.offset) {
      offsets.pop();
      if (this.records.pop() !== undefined) this.live--;
    }
    offsets.push(record.offset);
    this.records.push(record);
    this.live++;
  }

  /** Drops the oldest record; false when empty. */
  evictOldest(): boolean {
    if (this.head >= this.offsets.length) return false;
    this.evictedBelow = Math.max(this.evictedBelow, (this.offsets[this.head] as number) + 1);
    this.shift();
    this.trimFront();
    return true;
  }

  take(offset: number): BrokerValue<KafkaPayload> | undefined {
    const at = this.find(offset);
    if (at < 0) return undefined;
    const record = this.records[at];
    if (record === undefined) return undefined;
    this.records[at] = undefined;
    this.live--;
    this.trimFront();
    return record;
  }

  release(nextOffset: number): void {
    while (this.head < this.offsets.length && (this.offsets[this.head] as number) < nextOffset) this.shift();
    this.releasedBelow = Math.max(this.releasedBelow, nextOffset);
    this.trimFront();
  }

  private shift(): void {
    if (this.records[this.head] !== undefined) this.live--;
    this.records[this.head] = undefined;
    this.head++;
    if (this.head === this.offsets.length) {
      this.offsets = [];
      this.records = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }

  private trimFront(): void {
    while (this.head < this.offsets.length && this.records[this.head] === undefined) this.shift();
  }

  // Binary search: offsets strictly increase from head (append keeps them so); -1 if absent.
  private find(offset: number): number {
    let lo = this.head;
    let hi = this.offsets.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.offsets[mid] as number;
      if (at === offset) return mid;
      if (at < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
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
    if (window.span > this.maxPerPartition) {
      while (window.span > this.maxPerPartition && window.evictOldest()) this.onEvict(record.partition);
    }
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
