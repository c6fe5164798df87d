import type { Options } from "../config/options.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import { kafkaClientConfig } from "../producers/kafka-client.ts";
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
  close(): Promise<void>;
}

export function kafkaBackend(options: Options, deps: { logger: Logger; metrics: Metrics }): ConsumerBackend {
  const producerFactory = createKafkaProducerFactory(options, deps);
  return {
    kind: "kafka",
    producerFactory,
    createConsumer: (settings) =>
      new KafkaConsumer(kafkaConsumerConfig(options, settings.groupId), {
        client: kafkaClientConfig(options),
        logger: deps.logger.child({ consumer: settings.name }),
      }),
    close: () => producerFactory.close(),
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
