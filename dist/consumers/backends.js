// consumers/backends.ts
import { KafkaAdmin } from "../producers/kafka-admin.js";
import { createKafkaClient, kafkaClientConfig } from "../producers/kafka-client.js";
import { createKafkaProducerFactory } from "../producers/kafka-producer-factory.js";
import { MemoryProducer } from "../producers/memory-producer.js";
import { KafkaConsumer, kafkaConsumerConfig } from "./kafka-consumer.js";
import { MemoryConsumer } from "./memory-consumer.js";
function kafkaBackend(options, deps) {
  const producerFactory = createKafkaProducerFactory(options, deps);
  let admin;
  if (options.groupInstanceId !== void 0) {
    deps.logger.warn({ groupInstanceId: options.groupInstanceId }, "kafka.static_membership_unsupported");
  }
  return {
    kind: "kafka",
    producerFactory,
    createConsumer: (settings) => new KafkaConsumer(kafkaConsumerConfig(options, settings.groupId), {
      client: kafkaClientConfig(options),
      logger: deps.logger.child({ consumer: settings.name })
    }),
    lag: (groupId, topics) => {
      admin ??= KafkaAdmin.create(createKafkaClient(kafkaClientConfig(options), deps.logger));
      return admin.lag(groupId, topics);
    },
    close: async () => {
      await Promise.all([producerFactory.close(), admin?.close()]);
    }
  };
}
function memoryBackend(broker, options) {
  const producers = [];
  return {
    kind: "memory",
    producerFactory: (name) => {
      const producer = new MemoryProducer(broker, { name });
      producers.push(producer);
      return producer;
    },
    createConsumer: (settings) => new MemoryConsumer(broker, settings.groupId, {
      autoOffsetReset: options.autoOffsetReset === "latest" ? "latest" : "earliest"
    }),
    close: async () => {
      await Promise.all(producers.map((producer) => producer.close()));
    }
  };
}
export {
  kafkaBackend,
  memoryBackend
};
//# sourceMappingURL=backends.js.map
