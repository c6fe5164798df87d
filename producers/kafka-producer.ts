import type { CompressionTypes, Message as KafkajsMessage, ProducerBatch, RecordMetadata } from "kafkajs";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import {
  type BrokerValue,
  type Clock,
  type KafkaPayload,
  Partition,
  systemClock,
} from "../pipelines/types.ts";
import { isBrokerUnavailable } from "./kafka-client.ts";
import type { Destination, Producer } from "./types.ts";

/** The slice of a kafkajs producer this module uses, so tests can stand in for the broker. */
export interface BatchSender {
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

/**
 * Remembers which partition the kafkajs partitioner picked for each message object, so a
 * record's offset can be read back from the per-partition base offsets of the response.
 * The partitioner asks it first, which also keeps a keyless record on the same partition
 * when kafkajs retries a request.
 */
export class PartitionRecorder {
  private readonly chosen = new WeakMap<KafkajsMessage, number>();
  record(message: KafkajsMessage, partition: number): void {
    this.chosen.set(message, partition);
  }
  get(message: KafkajsMessage): number | undefined {
    return this.chosen.get(message);
  }
}

export interface KafkaProducerConfig {
  readonly compression: CompressionTypes;
  /** 0 = gather only what is produced in the same tick. */
  readonly lingerMs: number;
  readonly maxBatchSize: number;
  /** Uncompressed bytes per request; one larger record still goes, alone. */
  readonly maxBatchBytes: number;
  /**
   * How long a request is sent again while the cluster is unavailable (a broker restart),
   * on top of kafkajs's own retries; 0 fails it at once. See `send`.
   */
  readonly unavailableRetryMs?: number;
}

/** Waits between two attempts at a request while the cluster is unavailable. */
const UNAVAILABLE_BACKOFF_MS = { initial: 250, max: 5000 } as const;

export class ProducerClosed extends Error {
  constructor(readonly producer: string) {
    super(`producer ${producer} is closed`);
    this.name = "ProducerClosed";
  }
}

/** The broker refused or never acknowledged a request; every record of it fails with this. */
export class ProduceFailed extends Error {
  constructor(
    readonly topics: ReadonlyArray<string>,
    readonly records: number,
    options: { cause: unknown },
  ) {
    super(`producing ${records} records to ${topics.join(", ")} failed`, options);
    this.name = "ProduceFailed";
  }
}

/** The response named no base offset for a partition we wrote to: a broker or kafkajs bug. */
export class MissingProduceAck extends Error {
  constructor(readonly partition: Partition) {
    super(`no acknowledgement for ${partition.key} in the produce response`);
    this.name = "MissingProduceAck";
  }
}

interface PartitionAck {
  readonly partition: Partition;
  readonly baseOffset: number;
  readonly logAppendTime: number;
  /** Position of the next record of this request in the partition. */
  next: number;
}

interface PendingRecord {
  readonly topic: string;
  readonly bytes: number;
  readonly payload: KafkaPayload;
  readonly message: KafkajsMessage;
  readonly resolve: (value: BrokerValue<KafkaPayload>) => void;
  readonly reject: (error: unknown) => void;
}

function toKafkajsHeaders(headers: KafkaPayload["headers"]): KafkajsMessage["headers"] {
  if (headers.length === 0) return undefined;
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const [name, value] of headers) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  return out;
}

/** Kafka's per-record overhead in a v2 batch is at most ~20 bytes plus header names. */
function recordBytes(payload: KafkaPayload): number {
  let bytes = 20 + payload.value.length + (payload.key?.length ?? 0);
  for (const [name, value] of payload.headers) bytes += name.length + value.length + 4;
  return bytes;
}

function isPartition(destination: Destination): destination is Partition {
  return destination instanceof Partition;
}

/**
 * `Producer` over kafkajs. Records produced while a request is in flight (or within
 * `lingerMs`) go out together in one `sendBatch`; only one request is in flight at a time,
 * so per-partition order holds even for a non-idempotent producer that retries. Each
 * record's offset is its partition's base offset plus its index among that partition's
 * records in the request, which is the order kafkajs writes them in.
 */
export class KafkaProducer implements Producer {
  private queue: PendingRecord[] = [];
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private closed = false;
  private drained: Array<() => void> = [];
  private queuedBytes = 0;

  constructor(
    private readonly sender: BatchSender,
    private readonly recorder: PartitionRecorder,
    private readonly config: KafkaProducerConfig,
    private readonly deps: {
      readonly name: string;
      readonly metrics?: Metrics;
      readonly clock?: Clock;
      readonly logger?: Logger;
      /** Runs after the last record is acknowledged on close (e.g. disconnect a private client). */
      readonly onClose?: () => Promise<void>;
    },
  ) {
    if (!Number.isInteger(config.maxBatchSize) || config.maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${config.maxBatchSize}`);
    }
  }

  produce(destination: Destination, payload: KafkaPayload): Promise<BrokerValue<KafkaPayload>> {
    if (this.closed) return Promise.reject(new ProducerClosed(this.deps.name));
    const topic = isPartition(destination) ? destination.topic : destination;
    const message: KafkajsMessage = {
      key: payload.key,
      value: payload.value,
      headers: toKafkajsHeaders(payload.headers),
      timestamp: String((this.deps.clock ?? systemClock).now()),
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
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const drained = new Promise<void>((resolve) => this.drained.push(resolve));
    if (!this.inFlight) this.flushNow();
    await drained;
    await this.deps.onClose?.();
  }

  private schedule(): void {
    if (this.inFlight) return; // the in-flight request's completion sends what queued meanwhile
    if (
      this.queue.length >= this.config.maxBatchSize ||
      this.queuedBytes >= this.config.maxBatchBytes ||
      this.closed
    ) {
      this.flushNow();
      return;
    }
    if (this.timer) return;
    this.timer =
      this.config.lingerMs <= 0
        ? setImmediate(() => this.flushNow())
        : setTimeout(() => this.flushNow(), this.config.lingerMs);
  }

  private clearTimer(): void {
    if (!this.timer) return;
    if (this.config.lingerMs <= 0) clearImmediate(this.timer as NodeJS.Immediate);
    else clearTimeout(this.timer as NodeJS.Timeout);
    this.timer = null;
  }

  private flushNow(): void {
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
  private batchLength(): number {
    let bytes = 0;
    const limit = Math.min(this.queue.length, this.config.maxBatchSize);
    for (let i = 0; i < limit; i++) {
      bytes += this.queue[i]!.bytes;
      if (bytes > this.config.maxBatchBytes) return Math.max(1, i);
    }
    return limit;
  }

  private async send(batch: ReadonlyArray<PendingRecord>): Promise<void> {
    const byTopic = new Map<string, KafkajsMessage[]>();
    for (const record of batch) {
      let messages = byTopic.get(record.topic);
      if (!messages) {
        messages = [];
        byTopic.set(record.topic, messages);
      }
      messages.push(record.message);
    }
    const request: ProducerBatch = {
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: -1,
      compression: this.config.compression,
    };
    let response: RecordMetadata[];
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
  private async sendRetryingUnavailable(request: ProducerBatch, records: number): Promise<RecordMetadata[]> {
    const budget = this.config.unavailableRetryMs ?? 0;
    const started = Date.now();
    let backoff: number = UNAVAILABLE_BACKOFF_MS.initial;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sender.sendBatch(request);
      } catch (error) {
        const waited = Date.now() - started;
        if (!isBrokerUnavailable(error) || waited + backoff > budget) throw error;
        this.deps.logger?.warn(
          { producer: this.deps.name, records, attempt, waitedMs: waited, err: error },
          "kafka.producer.unavailable_retry",
        );
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(UNAVAILABLE_BACKOFF_MS.max, backoff * 2);
      }
    }
  }

  private settle(batch: ReadonlyArray<PendingRecord>, response: ReadonlyArray<RecordMetadata>): void {
    // Per topic, per partition index: the ack and the next record's position in it. Looked
    // up without building a Partition key per record (a string concatenation each).
    const acks = new Map<string, Map<number, PartitionAck>>();
    for (const meta of response) {
      let byIndex = acks.get(meta.topicName);
      if (!byIndex) {
        byIndex = new Map();
        acks.set(meta.topicName, byIndex);
      }
      byIndex.set(meta.partition, {
        partition: Partition.of(meta.topicName, meta.partition),
        baseOffset: Number(meta.baseOffset),
        logAppendTime: Number(meta.logAppendTime),
        next: 0,
      });
    }
    const producedPerTopic = new Map<string, number>();
    for (const record of batch) {
      const index = record.message.partition ?? this.recorder.get(record.message);
      const ack = index === undefined ? undefined : acks.get(record.topic)?.get(index);
      if (index === undefined || !ack) {
        record.reject(new MissingProduceAck(Partition.of(record.topic, index ?? -1)));
        continue;
      }
      const position = ack.next++;
      // LogAppendTime topics report the broker's time; CreateTime topics report -1.
      const timestamp = ack.logAppendTime >= 0 ? ack.logAppendTime : Number(record.message.timestamp);
      record.resolve({
        kind: "broker",
        payload: record.payload,
        partition: ack.partition,
        offset: ack.baseOffset + position,
        timestamp,
      });
      producedPerTopic.set(record.topic, (producedPerTopic.get(record.topic) ?? 0) + 1);
    }
    for (const [topic, count] of producedPerTopic) {
      this.deps.metrics?.messagesProduced.inc({ consumer: this.deps.name, topic }, count);
    }
  }
}
