// producers/kafka-producer.ts
import {
  Partition,
  systemClock
} from "../pipelines/types.js";
import { isBrokerUnavailable } from "./kafka-client.js";
var PartitionRecorder = class {
  chosen = /* @__PURE__ */ new WeakMap();
  record(message, partition) {
    this.chosen.set(message, partition);
  }
  get(message) {
    return this.chosen.get(message);
  }
};
var UNAVAILABLE_BACKOFF_MS = { initial: 250, max: 5e3 };
var ProducerClosed = class extends Error {
  constructor(producer) {
    super(`producer ${producer} is closed`);
    this.producer = producer;
    this.name = "ProducerClosed";
  }
  producer;
};
var ProduceFailed = class extends Error {
  constructor(topics, records, options) {
    super(`producing ${records} records to ${topics.join(", ")} failed`, options);
    this.topics = topics;
    this.records = records;
    this.name = "ProduceFailed";
  }
  topics;
  records;
};
var MissingProduceAck = class extends Error {
  constructor(partition) {
    super(`no acknowledgement for ${partition.key} in the produce response`);
    this.partition = partition;
    this.name = "MissingProduceAck";
  }
  partition;
};
function toKafkajsHeaders(headers) {
  if (headers.length === 0) return void 0;
  const out = {};
  for (const [name, value] of headers) {
    const existing = out[name];
    if (existing === void 0) out[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  return out;
}
function recordBytes(payload) {
  let bytes = 20 + payload.value.length + (payload.key?.length ?? 0);
  for (const [name, value] of payload.headers) bytes += name.length + value.length + 4;
  return bytes;
}
function isPartition(destination) {
  return destination instanceof Partition;
}
var KafkaProducer = class {
  constructor(sender, recorder, config, deps) {
    this.sender = sender;
    this.recorder = recorder;
    this.config = config;
    this.deps = deps;
    if (!Number.isInteger(config.maxBatchSize) || config.maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${config.maxBatchSize}`);
    }
  }
  sender;
  recorder;
  config;
  deps;
  queue = [];
  inFlight = null;
  timer = null;
  closed = false;
  drained = [];
  queuedBytes = 0;
  produce(destination, payload) {
    if (this.closed) return Promise.reject(new ProducerClosed(this.deps.name));
    const topic = isPartition(destination) ? destination.topic : destination;
    const message = {
      key: payload.key,
      value: payload.value,
      headers: toKafkajsHeaders(payload.headers),
      timestamp: String((this.deps.clock ?? systemClock).now())
    };
    if (isPartition(destination)) message.partition = destination.index;
    const bytes = recordBytes(payload);
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, bytes, payload, message, resolve, reject });
      this.queuedBytes += bytes;
      this.schedule();
    });
  }
  /** Records waiting for a request (not counting the one in flight). */
  get queued() {
    return this.queue.length;
  }
  async close() {
    if (this.closed) return;
    this.closed = true;
    const drained = new Promise((resolve) => this.drained.push(resolve));
    if (!this.inFlight) this.flushNow();
    await drained;
    await this.deps.onClose?.();
  }
  schedule() {
    if (this.inFlight) return;
    if (this.queue.length >= this.config.maxBatchSize || this.queuedBytes >= this.config.maxBatchBytes || this.closed) {
      this.flushNow();
      return;
    }
    if (this.timer) return;
    this.timer = this.config.lingerMs <= 0 ? setImmediate(() => this.flushNow()) : setTimeout(() => this.flushNow(), this.config.lingerMs);
  }
  clearTimer() {
    if (!this.timer) return;
    if (this.config.lingerMs <= 0) clearImmediate(this.timer);
    else clearTimeout(this.timer);
    this.timer = null;
  }
  flushNow() {
    this.clearTimer();
    if (this.inFlight) return;
    if (this.queue.length === 0) {
      const waiters = this.drained;
      this.drained = [];
      for (const wake of waiters) wake();
      return;
    }
    const batch = this.queue.splice(0, this.batchLength());
    for (const record of batch) this.queuedBytes -= record.bytes;
    this.inFlight = this.send(batch).finally(() => {
      this.inFlight = null;
      this.flushNow();
    });
  }
  /** How many queued records fit one request (at least one). */
  batchLength() {
    let bytes = 0;
    const limit = Math.min(this.queue.length, this.config.maxBatchSize);
    for (let i = 0; i < limit; i++) {
      bytes += this.queue[i].bytes;
      if (bytes > this.config.maxBatchBytes) return Math.max(1, i);
    }
    return limit;
  }
  async send(batch) {
    const byTopic = /* @__PURE__ */ new Map();
    for (const record of batch) {
      let messages = byTopic.get(record.topic);
      if (!messages) {
        messages = [];
        byTopic.set(record.topic, messages);
      }
      messages.push(record.message);
    }
    const request = {
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: -1,
      compression: this.config.compression
    };
    let response;
    try {
      response = await this.sendRetryingUnavailable(request, batch.length);
    } catch (cause) {
      const error = new ProduceFailed([...byTopic.keys()], batch.length, { cause });
      for (const record of batch) record.reject(error);
      return;
    }
    this.settle(batch, response);
  }
  /**
   * Sends `request`, and sends it again while the failure says the cluster is unavailable,
   * for up to `unavailableRetryMs`. kafkajs gives up on a broker restart well before the
   * broker is back (a reconnect that fails ends its retries at once), and failing then
   * would crash the consumer over an outage of seconds. Sending the same records again is
   * what kafkajs's own retries do: the same message objects keep their partitions (the
   * recorder), the idempotent producer rolled their sequence numbers back on the failure,
   * so a request the broker had written before the connection dropped is acknowledged as a
   * duplicate rather than written twice; and as only this request is in flight, order holds.
   */
  async sendRetryingUnavailable(request, records) {
    const budget = this.config.unavailableRetryMs ?? 0;
    const started = Date.now();
    let backoff = UNAVAILABLE_BACKOFF_MS.initial;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sender.sendBatch(request);
      } catch (error) {
        const waited = Date.now() - started;
        if (!isBrokerUnavailable(error) || waited + backoff > budget) throw error;
        this.deps.logger?.warn(
          { producer: this.deps.name, records, attempt, waitedMs: waited, err: error },
          "kafka.producer.unavailable_retry"
        );
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(UNAVAILABLE_BACKOFF_MS.max, backoff * 2);
      }
    }
  }
  settle(batch, response) {
    const acks = /* @__PURE__ */ new Map();
    for (const meta of response) {
      acks.set(Partition.of(meta.topicName, meta.partition), {
        baseOffset: Number(meta.baseOffset),
        logAppendTime: Number(meta.logAppendTime)
      });
    }
    const nextIndex = /* @__PURE__ */ new Map();
    const producedPerTopic = /* @__PURE__ */ new Map();
    for (const record of batch) {
      const index = record.message.partition ?? this.recorder.get(record.message);
      const ack = index === void 0 ? void 0 : acks.get(Partition.of(record.topic, index));
      if (index === void 0 || !ack) {
        record.reject(new MissingProduceAck(Partition.of(record.topic, index ?? -1)));
        continue;
      }
      const partition = Partition.of(record.topic, index);
      const position = nextIndex.get(partition) ?? 0;
      nextIndex.set(partition, position + 1);
      const timestamp = ack.logAppendTime >= 0 ? ack.logAppendTime : Number(record.message.timestamp);
      record.resolve({
        kind: "broker",
        payload: record.payload,
        partition,
        offset: ack.baseOffset + position,
        timestamp
      });
      producedPerTopic.set(record.topic, (producedPerTopic.get(record.topic) ?? 0) + 1);
    }
    for (const [topic, count] of producedPerTopic) {
      this.deps.metrics?.messagesProduced.inc({ consumer: this.deps.name, topic }, count);
    }
  }
};
export {
  KafkaProducer,
  MissingProduceAck,
  PartitionRecorder,
  ProduceFailed,
  ProducerClosed
};
//# sourceMappingURL=kafka-producer.js.map
