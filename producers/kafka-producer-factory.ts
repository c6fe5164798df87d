import { type Kafka, type Producer as KafkajsProducer, type PartitionerArgs, Partitioners } from "kafkajs";
import type { Options } from "../config/options.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Clock } from "../pipelines/types.ts";
import { compressionType } from "./compression.ts";
import { createKafkaClient, kafkaClientConfig, kafkaErrorType } from "./kafka-client.ts";
import {
  type BatchSender,
  KafkaProducer,
  type KafkaProducerConfig,
  PartitionRecorder,
} from "./kafka-producer.ts";
import type { Producer, ProducerFactory } from "./types.ts";

/** The production `ProducerFactory`, plus `close()` for the one connection it shares. */
export interface KafkaProducerFactory extends ProducerFactory {
  /** Flushes every producer it handed out, then disconnects. */
  close(): Promise<void>;
  /** Whether the shared producer runs idempotent (known after the first connect). */
  idempotent(): Promise<boolean>;
}

export type KafkaProducerFactoryOptions = Pick<
  Options,
  | "kafkaBrokers"
  | "kafkaClientId"
  | "kafkaCompression"
  | "kafkaProducerLingerMs"
  | "kafkaProducerMaxBatchSize"
  | "kafkaProducerMaxBatchBytes"
>;

export function kafkaProducerConfig(options: KafkaProducerFactoryOptions): KafkaProducerConfig {
  return {
    compression: compressionType(options.kafkaCompression),
    lingerMs: options.kafkaProducerLingerMs,
    maxBatchSize: options.kafkaProducerMaxBatchSize,
    maxBatchBytes: options.kafkaProducerMaxBatchBytes,
    unavailableRetryMs: UNAVAILABLE_RETRY_MS,
  };
}

// Error codes with which a broker refuses InitProducerId when idempotence is unavailable to
// this client (old broker, or an ACL setup without IDEMPOTENT_WRITE on pre-2.8 brokers).
const IDEMPOTENCE_UNAVAILABLE = new Set([
  "UNSUPPORTED_VERSION",
  "CLUSTER_AUTHORIZATION_FAILED",
  "UNSUPPORTED_FOR_MESSAGE_FORMAT",
]);

// kafkajs retries an idempotent producer forever by default; a missing topic would then hang
// the chain with no error. A bounded budget (about two minutes) surfaces as ProduceFailed,
// which crashes the consumer into a restart instead.
const PRODUCER_RETRY = { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 };
/**
 * How long a request is sent again while the cluster is unavailable (KafkaProducer): long
 * enough for a broker restart or a leader election, bounded so a cluster that stays away
 * still surfaces as ProduceFailed (and a consumer restart) within the same two minutes.
 */
const UNAVAILABLE_RETRY_MS = 120_000;

/** kafkajs's DefaultPartitioner (Java's murmur2 for keyed records) that records its choices. */
export function recordingPartitioner(recorder: PartitionRecorder): () => (args: PartitionerArgs) => number {
  return () => {
    const javaCompatible = Partitioners.DefaultPartitioner();
    return (args) => {
      const earlier = recorder.get(args.message);
      if (earlier !== undefined) return earlier;
      const chosen = javaCompatible(args);
      recorder.record(args.message, chosen);
      return chosen;
    };
  };
}

/**
 * One kafkajs client and one producer (idempotent with acks=all where the broker allows it)
 * shared by every `Producer` handed out; each named producer batches its own records.
 */
export function createKafkaProducerFactory(
  options: KafkaProducerFactoryOptions,
  deps: {
    readonly logger: Logger;
    readonly metrics?: Metrics;
    readonly clock?: Clock;
    readonly kafka?: Kafka;
  },
): KafkaProducerFactory {
  const config = kafkaProducerConfig(options);
  const kafka = deps.kafka ?? createKafkaClient(kafkaClientConfig(options), deps.logger);
  const recorder = new PartitionRecorder();
  const producers = new Set<KafkaProducer>();
  let connecting: Promise<{ producer: KafkajsProducer; idempotent: boolean }> | null = null;
  let closed = false;

  const newProducer = (idempotent: boolean): KafkajsProducer =>
    kafka.producer({
      idempotent,
      allowAutoTopicCreation: false,
      createPartitioner: recordingPartitioner(recorder),
      retry: PRODUCER_RETRY,
    });

  const connect = async (): Promise<{ producer: KafkajsProducer; idempotent: boolean }> => {
    const idempotentProducer = newProducer(true);
    try {
      await idempotentProducer.connect();
      return { producer: idempotentProducer, idempotent: true };
    } catch (error) {
      const reason = kafkaErrorType(error);
      if (reason === undefined || !IDEMPOTENCE_UNAVAILABLE.has(reason)) throw error;
      deps.logger.warn({ reason }, "kafka.producer.idempotence_unavailable");
      await idempotentProducer.disconnect();
      const plain = newProducer(false);
      await plain.connect();
      return { producer: plain, idempotent: false };
    }
  };

  const shared = (): Promise<{ producer: KafkajsProducer; idempotent: boolean }> => {
    if (!connecting) {
      connecting = connect();
      // A failed connect is retried by the next send instead of poisoning the factory.
      connecting.catch(() => {
        connecting = null;
      });
    }
    return connecting;
  };

  const sender: BatchSender = {
    sendBatch: async (batch) => (await shared()).producer.sendBatch(batch),
  };

  const factory = (name: string): Producer => {
    if (closed) throw new Error(`producer factory is closed (asked for ${name})`);
    const producer: KafkaProducer = new KafkaProducer(sender, recorder, config, {
      name,
      metrics: deps.metrics,
      clock: deps.clock,
      logger: deps.logger,
      onClose: async () => {
        producers.delete(producer);
      },
    });
    producers.add(producer);
    return producer;
  };

  return Object.assign(factory, {
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all([...producers].map((producer) => producer.close()));
      if (connecting) {
        const { producer } = await connecting;
        await producer.disconnect();
      }
    },
    async idempotent(): Promise<boolean> {
      return (await shared()).idempotent;
    },
  });
}
