// pipelines/dlq.ts
import { Deque } from "./deque.js";
import { DlqBuffer } from "./dlq-buffer.js";
import { DlqLimitState, dlqLimitFromOptions } from "./dlq-limit.js";
import {
  DlqLimitExceeded,
  DlqProduceFailed,
  DlqRecordMissing,
  InvalidStateError
} from "./errors.js";
var DLQ_HEADERS = {
  originalTopic: "original_topic",
  originalPartition: "original_partition",
  originalOffset: "original_offset",
  consumer: "consumer",
  reason: "reason",
  reasonDetail: "reason_detail"
};
var DLQ_REASON_DETAIL_MAX_BYTES = 1024;
var DLQ_MAX_PENDING_PER_PARTITION = 2e3;
function deadLetterConfig(options, target) {
  return {
    topics: "topics" in target ? target.topics : target.topic,
    consumer: target.consumer,
    limit: dlqLimitFromOptions(options),
    maxBufferedPerPartition: options.dlqMaxBufferedPerPartition
  };
}
function createDeadLetterQueue(deps) {
  const config = deadLetterConfig(deps.options, deps);
  return new DeadLetterQueue(deps.producerFactory(`${deps.consumer}-dlq`), config, deps.metrics, deps.logger);
}
function deadLetterPayload(record, error, consumer) {
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
      [DLQ_HEADERS.reasonDetail, truncateUtf8(error.detail ?? "", DLQ_REASON_DETAIL_MAX_BYTES)]
    ]
  };
}
function truncateUtf8(text, maxBytes) {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 192) === 128) end--;
  return bytes.subarray(0, end);
}
var WRITING = 0;
var WRITTEN = 1;
var FAILED = 2;
var DeadLetterQueue = class {
  constructor(producer, config, metrics, logger) {
    this.producer = producer;
    this.config = config;
    this.metrics = metrics;
    this.logger = logger;
    const evicted = metrics.dlqBufferEvicted.labels({ consumer: config.consumer });
    this.buffer = new DlqBuffer(config.maxBufferedPerPartition, () => evicted.inc());
    this.limits = new DlqLimitState(config.limit);
  }
  producer;
  config;
  metrics;
  logger;
  buffer;
  limits;
  writes = /* @__PURE__ */ new Map();
  /** The dead-letter topic for records of `input`; throws when there is none. */
  topicFor(input) {
    const topics = this.config.topics;
    const topic = typeof topics === "string" ? topics : topics.get(input);
    if (topic === void 0) throw new InvalidStateError(`no dead-letter topic for input topic ${input}`);
    return topic;
  }
  /** Keeps a polled record until it is known good (hot path). */
  remember(record) {
    this.buffer.append(record);
  }
  /** Records below these offsets reached the commit step. */
  release(offsets) {
    for (const [p, offset] of offsets) this.buffer.release(p, offset);
  }
  /** A (re)assignment restarts the limit counters from each partition's offset. */
  assign(assignment) {
    this.limits = new DlqLimitState(this.config.limit, assignment);
    this.buffer.reassigned(assignment.keys());
  }
  revoke(partitions) {
    this.buffer.drop(partitions);
  }
  /** Buffer slots held for `p` (taken records between held ones included): the memory bound. */
  bufferedCount(p) {
    return this.buffer.span(p);
  }
  /** Produces the raw original of an invalid record to the DLQ topic (not awaiting the ack). */
  async route(error) {
    const record = this.buffer.pop(error.partition, error.offset);
    if (record === void 0) {
      const miss = this.buffer.miss(error.partition, error.offset);
      const context = { partition: error.partition.key, offset: error.offset, reason: error.reason, miss };
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
    if (queue.length >= DLQ_MAX_PENDING_PER_PARTITION && oldest !== void 0) {
      await oldest.settled;
      this.dropWritten(queue);
    }
    const counter = this.metrics.messagesDeadLettered.labels({
      consumer: this.config.consumer,
      topic: error.partition.topic,
      reason: error.reason
    });
    const write = {
      partition: error.partition,
      offset: error.offset,
      state: WRITING,
      error: void 0,
      settled: this.producer.produce(this.topicFor(error.partition.topic), deadLetterPayload(record, error, this.config.consumer)).then(
        () => {
          write.state = WRITTEN;
          counter.inc();
        },
        (cause) => {
          write.state = FAILED;
          write.error = cause;
          this.logger.error(
            { err: cause, partition: error.partition.key, offset: error.offset },
            "dlq.produce_failed"
          );
        }
      )
    };
    queue.push(write);
  }
  /**
   * Waits for every write of a record below the offsets about to be committed. Writes are
   * queued in the order their InvalidMessages came, which need not be offset order, so
   * the whole queue (at most DLQ_MAX_PENDING_PER_PARTITION) is checked, not just its front.
   */
  async flush(offsets) {
    for (const [p, offset] of offsets) {
      const queue = this.writes.get(p);
      if (queue === void 0) continue;
      for (const write of [...queue]) {
        if (write.offset >= offset) continue;
        if (write.state === WRITING) await write.settled;
        if (write.state === FAILED)
          throw new DlqProduceFailed(write.partition, write.offset, { cause: write.error });
      }
      for (let head = queue.peek(); head?.state === WRITTEN; head = queue.peek()) queue.shift();
    }
  }
  /** Waits for outstanding writes, then closes the producer. */
  async close() {
    for (const queue of this.writes.values()) {
      for (const write of queue) await write.settled;
      this.dropWritten(queue);
    }
    await this.producer.close();
  }
  /** Closes the producer without waiting (the consumer is crashing; nothing more commits). */
  async abandon() {
    this.writes.clear();
    await this.producer.close();
  }
  queueOf(p) {
    let queue = this.writes.get(p);
    if (queue === void 0) {
      queue = new Deque();
      this.writes.set(p, queue);
    }
    return queue;
  }
  // Acknowledged writes leave from the front; a failed one stops everything.
  dropWritten(queue) {
    for (let head = queue.peek(); head !== void 0 && head.state !== WRITING; head = queue.peek()) {
      if (head.state === FAILED)
        throw new DlqProduceFailed(head.partition, head.offset, { cause: head.error });
      queue.shift();
    }
  }
};
export {
  DLQ_HEADERS,
  DLQ_MAX_PENDING_PER_PARTITION,
  DLQ_REASON_DETAIL_MAX_BYTES,
  DeadLetterQueue,
  createDeadLetterQueue,
  deadLetterConfig,
  deadLetterPayload,
  truncateUtf8
};
//# sourceMappingURL=dlq.js.map
