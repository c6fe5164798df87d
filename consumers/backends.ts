import type { Options } from "../config/options.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Topic } from "../pipelines/types.ts";
import { KafkaAdmin, type PartitionLag } from "../producers/kafka-admin.ts";
import { createKafkaClient, kafkaClientConfig } from "../producers/kafka-client.ts";
import { createKafkaProducerFactory } from "../producers/kafka-producer-factory.ts";
import type { MemoryBroker } from "../producers/memory-broker.ts";
import { MemoryProducer } from "../producers/memory-producer.ts";
import type { ProducerFactory } from "../producers/types.ts";
import type { ConsumerSettings } from "./definition.ts";
import { KafkaConsumer, kafkaConsumerConfig } from "./kafka-consumer.ts";
import { MemoryConsumer } from "./memory-consumer.ts";
import type { Consumer } from "./types.ts";

/**
 * Where a consumer reads and writes: Kafka in production and integration tests, the
 * in-memory broker in unit tests and `ingest dev`. The chains cannot tell them apart.
 */
export interface ConsumerBackend {
  readonly kind: "kafka" | "memory";
  readonly producerFactory: ProducerFactory;
  createConsumer(settings: ConsumerSettings): Consumer;
  /**
   * The group's lag per partition of `topics` (end offset minus committed offset), for
   * `ingest_consumer_lag_messages`; absent where the broker has no group offsets to ask.
   */
  readonly lag?: (groupId: string, topics: ReadonlyArray<Topic>) => Promise<PartitionLag[]>;
  close(): Promise<void>;
}

export function kafkaBackend(
  options: Options,
  deps: { readonly logger: Logger; readonly metrics: Metrics },
): ConsumerBackend {
  const producerFactory = createKafkaProducerFactory(options, deps);
  let admin: KafkaAdmin | undefined;
  if (options.groupInstanceId !== undefined) {
    // kafkajs 2.2.4 always joins with an empty group instance id (its JoinGroup call has no
    // such field), so a restart is a leave and a join like any other. Saying so beats
    // pretending: the flag is accepted so deployments written for static membership run.
    deps.logger.warn({ groupInstanceId: options.groupInstanceId }, "kafka.static_membership_unsupported");
  }
  return {
    kind: "kafka",
    producerFactory,
    createConsumer: (settings) =>
      new KafkaConsumer(kafkaConsumerConfig(options, settings.groupId), {
        client: kafkaClientConfig(options),
        logger: deps.logger.child({ consumer: settings.name }),
      }),
    lag: (groupId, topics) => {
      admin ??= KafkaAdmin.create(createKafkaClient(kafkaClientConfig(options), deps.logger));
      return admin.lag(groupId, topics);
    },
    close: async () => {
      await Promise.all([producerFactory.close(), admin?.close()]);
    },
  };
}

export function memoryBackend(
  broker: MemoryBroker,
  options: Pick<Options, "autoOffsetReset">,
): ConsumerBackend {
  const producers: MemoryProducer[] = [];
  return {
    kind: "memory",
    producerFactory: (name) => {
      const producer = new MemoryProducer(broker, { name });
      producers.push(producer);
      return producer;
    },
    createConsumer: (settings) =>
      new MemoryConsumer(broker, settings.groupId, {
        autoOffsetReset: options.autoOffsetReset === "latest" ? "latest" : "earliest",
      }),
    close: async () => {
      await Promise.all(producers.map((producer) => producer.close()));
    },
  };
}
