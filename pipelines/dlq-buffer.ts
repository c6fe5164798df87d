import { Deque } from "./deque.ts";
import type { BrokerValue, KafkaPayload, Partition } from "./types.ts";

/**
 * The raw records polled and not yet known good, per partition, so an InvalidMessage (which
 * names only partition and offset) can be dead-lettered with its original bytes
 * (Arroyo's BufferedMessages, §5). Bounded: past `maxPerPartition` the oldest is evicted.
 */
export class DlqBuffer {
  private readonly queues = new Map<Partition, Deque<BrokerValue<KafkaPayload>>>();

  constructor(
    private readonly maxPerPartition: number,
    private readonly onEvict: (p: Partition) => void = () => {},
  ) {
    if (maxPerPartition < 1) throw new RangeError("the DLQ buffer needs room for at least one record");
  }

  append(record: BrokerValue<KafkaPayload>): void {
    let queue = this.queues.get(record.partition);
    if (queue === undefined) {
      queue = new Deque();
      this.queues.set(record.partition, queue);
    }
    queue.push(record);
    if (queue.length > this.maxPerPartition) {
      queue.shift();
      this.onEvict(record.partition);
    }
  }

  /** Drops records below `offset` and takes the one at `offset`, if still buffered. */
  pop(p: Partition, offset: number): BrokerValue<KafkaPayload> | undefined {
    const queue = this.queues.get(p);
    if (queue === undefined) return undefined;
    for (let head = queue.peek(); head !== undefined && head.offset <= offset; head = queue.peek()) {
      queue.shift();
      if (head.offset === offset) return head;
    }
    return undefined;
  }

  /** Records below `nextOffset` reached the commit step: they are good. */
  release(p: Partition, nextOffset: number): void {
    const queue = this.queues.get(p);
    if (queue === undefined) return;
    for (let head = queue.peek(); head !== undefined && head.offset < nextOffset; head = queue.peek()) {
      queue.shift();
    }
  }

  drop(partitions: Iterable<Partition>): void {
    for (const p of partitions) this.queues.delete(p);
  }

  size(p: Partition): number {
    return this.queues.get(p)?.length ?? 0;
  }
}
