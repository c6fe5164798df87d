import type { Options } from "../config/options.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Producer, ProducerFactory } from "../producers/types.ts";
import { Deque } from "./deque.ts";
import { DlqBuffer } from "./dlq-buffer.ts";
import { type DlqLimit, DlqLimitState, dlqLimitFromOptions } from "./dlq-limit.ts";
import {
  DlqLimitExceeded,
  DlqProduceFailed,
  DlqRecordMissing,
  type InvalidMessage,
  InvalidStateError,
} from "./errors.ts";
import type { BrokerValue, Committable, KafkaPayload, Partition, Topic } from "./types.ts";

/** Headers added to a dead-lettered record (the original headers are kept before them). */
export const DLQ_HEADERS = {
  originalTopic: "original_topic",
  originalPartition: "original_partition",
  originalOffset: "original_offset",
  consumer: "consumer",
  reason: "reason",
  reasonDetail: "reason_detail",
} as const;

export const DLQ_REASON_DETAIL_MAX_BYTES = 1024;
/** Arroyo's MAX_PENDING_FUTURES: DLQ writes in flight per partition before routing waits. */
export const DLQ_MAX_PENDING_PER_PARTITION = 2000;

/** Where dead letters go: one topic for every input, or one per input topic (topology.yaml `dlq`). */
export type DeadLetterTopics = { readonly topic: Topic } | { readonly topics: ReadonlyMap<Topic, Topic> };

export interface DeadLetterConfig {
  readonly topics: Topic | ReadonlyMap<Topic, Topic>;
  /** The consumer's name, written into the `consumer` header and used as metric label. */
  readonly consumer: string;
  readonly limit: DlqLimit;
  readonly maxBufferedPerPartition: number;
}

export function deadLetterConfig(
  options: Pick<Options, "dlqMaxInvalidRatio" | "dlqMaxConsecutiveCount" | "dlqMaxBufferedPerPartition">,
  target: { readonly consumer: string } & DeadLetterTopics,
): DeadLetterConfig {
  return {
    topics: "topics" in target ? target.topics : target.topic,
    consumer: target.consumer,
    limit: dlqLimitFromOptions(options),
    maxBufferedPerPartition: options.dlqMaxBufferedPerPartition,
  };
}

/** The processor's DLQ for one consumer, writing through a producer from `producerFactory`. */
export function createDeadLetterQueue(
  deps: {
    readonly producerFactory: ProducerFactory;
    readonly options: Pick<
      Options,
      "dlqMaxInvalidRatio" | "dlqMaxConsecutiveCount" | "dlqMaxBufferedPerPartition"
    >;
    readonly consumer: string;
    readonly metrics: Metrics;
    readonly logger: Logger;
  } & DeadLetterTopics,
): DeadLetterQueue {
  const config = deadLetterConfig(deps.options, deps);
  return new DeadLetterQueue(deps.producerFactory(`${deps.consumer}-dlq`), config, deps.metrics, deps.logger);
}

/** The original key, value and headers, plus headers saying where it came from and why. */
export function deadLetterPayload(
  record: BrokerValue<KafkaPayload>,
  error: InvalidMessage,
  consumer: string,
): KafkaPayload {
  const original = record.payload;
  return {
    key: original.key,
    value: original.value,
    headers: [
      ...original.headers,
      [DLQ_HEADERS.originalTopic, Buffer.from(record.partition.topic)],
      [DLQ_HEADERS.originalPartition, Buffer.from(String(record.partition.index))],
      [DLQ_HEADERS.originalOffset, Buffer.from(String(record.offset))],
      [DLQ_HEADERS.consumer, Buffer.from(consumer)],
      [DLQ_HEADERS.reason, Buffer.from(error.reason)],
      [DLQ_HEADERS.reasonDetail, truncateUtf8(error.detail ?? "", DLQ_REASON_DETAIL_MAX_BYTES)],
    ],
  };
}

/** At most `maxBytes` of UTF-8, cut at a character boundary. */
export function truncateUtf8(text: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

const WRITING = 0;
const WRITTEN = 1;
const FAILED = 2;

interface Write {
  readonly partition: Partition;
  readonly offset: number;
  state: number;
  error: unknown;
  readonly settled: Promise<void>;
}

/**
 * Dead-letter routing for the processor (Arroyo's DlqPolicy + BufferedMessages +
 * DlqPolicyWrapper, §5). The processor buffers every polled record here, routes each
 * InvalidMessage to `route`, releases records that reached the commit step, and calls
 * `flush` before every commit so a commit never passes a record whose dead-letter write is
 * not acknowledged.
 *
 * Where Arroyo drops (#425, #510, and the [Q] of §3.4 that turns a limit into silent drops),
 * we stop: a limit beyond which the consumer should not go throws DlqLimitExceeded, a record
 * no longer buffered throws DlqRecordMissing, and a failed write throws DlqProduceFailed from
 * the next flush, all before the offset can commit. The one record we skip is that of a
 * partition revoked meanwhile: we can no longer commit it, and its new owner redelivers it.
 */
export class DeadLetterQueue {
  private readonly buffer: DlqBuffer;
  private limits: DlqLimitState;
  private readonly writes = new Map<Partition, Deque<Write>>();

  constructor(
    private readonly producer: Producer,
    private readonly config: DeadLetterConfig,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    const evicted = metrics.dlqBufferEvicted.labels({ consumer: config.consumer });
    this.buffer = new DlqBuffer(config.maxBufferedPerPartition, () => evicted.inc());
    this.limits = new DlqLimitState(config.limit);
  }

  /** The dead-letter topic for records of `input`; throws when there is none. */
  topicFor(input: Topic): Topic {
    const topics = this.config.topics;
    const topic = typeof topics === "string" ? topics : topics.get(input);
    if (topic === undefined) throw new InvalidStateError(`no dead-letter topic for input topic ${input}`);
    return topic;
  }

  /** Keeps a polled record until it is known good (hot path). */
  remember(record: BrokerValue<KafkaPayload>): void {
    this.buffer.append(record);
  }

  /** Records below these offsets reached the commit step. */
  release(offsets: Committable): void {
    for (const [p, offset] of offsets) this.buffer.release(p, offset);
  }

  /** A (re)assignment restarts the limit counters from each partition's offset. */
  assign(assignment: ReadonlyMap<Partition, number>): void {
    this.limits = new DlqLimitState(this.config.limit, assignment);
    this.buffer.reassigned(assignment.keys());
  }

  revoke(partitions: ReadonlyArray<Partition>): void {
    this.buffer.drop(partitions);
  }

  /** Buffer slots held for `p` (taken records between held ones included): the memory bound. */
  bufferedCount(p: Partition): number {
    return this.buffer.span(p);
  }

  /** Produces the raw original of an invalid record to the DLQ topic (not awaiting the ack). */
  async route(error: InvalidMessage): Promise<void> {
    const record = this.buffer.pop(error.partition, error.offset);
    if (record === undefined) {
      const miss = this.buffer.miss(error.partition, error.offset);
      const context = { partition: error.partition.key, offset: error.offset, reason: error.reason, miss };
      // Nothing of a revoked partition commits here any more: its new owner reads the record
      // again and dead-letters it there, so skipping loses nothing.
      if (miss === "revoked") {
        this.metrics.dlqInvalidAfterRevoke.labels({ consumer: this.config.consumer }).inc();
        this.logger.warn(context, "dlq.invalid_after_revoke");
        return;
      }
      this.logger.error(context, "dlq.record_missing");
      throw new DlqRecordMissing(error.partition, error.offset);
    }
    const exceeded = this.limits.recordInvalid(error.partition, error.offset);
    if (exceeded !== null) throw new DlqLimitExceeded(error.partition, exceeded);
    const queue = this.queueOf(error.partition);
    this.dropWritten(queue);
    const oldest = queue.peek();
    if (queue.length >= DLQ_MAX_PENDING_PER_PARTITION && oldest !== undefined) {
      await oldest.settled;
      this.dropWritten(queue);
    }
    const counter = this.metrics.messagesDeadLettered.labels({
      consumer: this.config.consumer,
      topic: error.partition.topic,
      reason: error.reason,
    });
    const write: Write = {
      partition: error.partition,
      offset: error.offset,
      state: WRITING,
      error: undefined,
      settled: this.producer
        .produce(this.topicFor(error.partition.topic), deadLetterPayload(record, error, this.config.consumer))
        .then(
          () => {
            write.state = WRITTEN;
            counter.inc();
          },
          (cause: unknown) => {
            write.state = FAILED;
            write.error = cause;
            this.logger.error(
              { err: cause, partition: error.partition.key, offset: error.offset },
              "dlq.produce_failed",
            );
          },
        ),
    };
    queue.push(write);
  }

  /**
   * Waits for every write of a record below the offsets about to be committed. Writes are
   * queued in the order their InvalidMessages came, which need not be offset order, so
   * the whole queue (at most DLQ_MAX_PENDING_PER_PARTITION) is checked, not just its front.
   */
  async flush(offsets: Committable): Promise<void> {
    for (const [p, offset] of offsets) {
      const queue = this.writes.get(p);
      if (queue === undefined) continue;
      for (const write of [...queue]) {
        if (write.offset >= offset) continue;
        if (write.state === WRITING) await write.settled;
        if (write.state === FAILED)
          throw new DlqProduceFailed(write.partition, write.offset, { cause: write.error });
      }
      // A failed write above the offset stays queued: it fails the flush that would pass it.
      for (let head = queue.peek(); head?.state === WRITTEN; head = queue.peek()) queue.shift();
    }
  }

  /** Waits for outstanding writes, then closes the producer. */
  async close(): Promise<void> {
    for (const queue of this.writes.values()) {
      for (const write of queue) await write.settled;
      this.dropWritten(queue);
    }
    await this.producer.close();
  }

  /** Closes the producer without waiting (the consumer is crashing; nothing more commits). */
  async abandon(): Promise<void> {
    this.writes.clear();
    await this.producer.close();
  }

  private queueOf(p: Partition): Deque<Write> {
    let queue = this.writes.get(p);
    if (queue === undefined) {
      queue = new Deque();
      this.writes.set(p, queue);
    }
    return queue;
  }

  // Acknowledged writes leave from the front; a failed one stops everything.
  private dropWritten(queue: Deque<Write>): void {
    for (let head = queue.peek(); head !== undefined && head.state !== WRITING; head = queue.peek()) {
      if (head.state === FAILED)
        throw new DlqProduceFailed(head.partition, head.offset, { cause: head.error });
      queue.shift();
    }
  }
}
