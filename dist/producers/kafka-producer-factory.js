// producers/kafka-producer-factory.ts
import { Partitioners } from "kafkajs";
import { compressionType } from "./compression.js";
import { createKafkaClient, kafkaClientConfig, kafkaErrorType } from "./kafka-client.js";
import {
  KafkaProducer,
  PartitionRecorder
} from "./kafka-producer.js";
function kafkaProducerConfig(options) {
  return {
    compression: compressionType(options.kafkaCompression),
    lingerMs: options.kafkaProducerLingerMs,
    maxBatchSize: options.kafkaProducerMaxBatchSize,
    maxBatchBytes: options.kafkaProducerMaxBatchBytes,
    unavailableRetryMs: UNAVAILABLE_RETRY_MS
  };
}
var IDEMPOTENCE_UNAVAILABLE = /* @__PURE__ */ new Set([
  "UNSUPPORTED_VERSION",
  "CLUSTER_AUTHORIZATION_FAILED",
  "UNSUPPORTED_FOR_MESSAGE_FORMAT"
]);
var PRODUCER_RETRY = { retries: 10, initialRetryTime: 300, maxRetryTime: 3e4 };
var UNAVAILABLE_RETRY_MS = 12e4;
function recordingPartitioner(recorder) {
  return () => {
    const javaCompatible = Partitioners.DefaultPartitioner();
    return (args) => {
      const earlier = recorder.get(args.message);
      if (earlier !== void 0) return earlier;
      const chosen = javaCompatible(args);
      recorder.record(args.message, chosen);
      return chosen;
    };
  };
}
function createKafkaProducerFactory(options, deps) {
  const config = kafkaProducerConfig(options);
  const kafka = deps.kafka ?? createKafkaClient(kafkaClientConfig(options), deps.logger);
  const recorder = new PartitionRecorder();
  const producers = /* @__PURE__ */ new Set();
  let connecting = null;
  let closed = false;
  const newProducer = (idempotent) => kafka.producer({
    idempotent,
    allowAutoTopicCreation: false,
    createPartitioner: recordingPartitioner(recorder),
    retry: PRODUCER_RETRY
  });
  const connect = async () => {
    const idempotentProducer = newProducer(true);
    try {
      await idempotentProducer.connect();
      return { producer: idempotentProducer, idempotent: true };
    } catch (error) {
      const reason = kafkaErrorType(error);
      if (reason === void 0 || !IDEMPOTENCE_UNAVAILABLE.has(reason)) throw error;
      deps.logger.warn({ reason }, "kafka.producer.idempotence_unavailable");
      await idempotentProducer.disconnect();
      const plain = newProducer(false);
      await plain.connect();
      return { producer: plain, idempotent: false };
    }
  };
  const shared = () => {
    if (!connecting) {
      connecting = connect();
      connecting.catch(() => {
        connecting = null;
      });
    }
    return connecting;
  };
  const sender = {
    sendBatch: async (batch) => (await shared()).producer.sendBatch(batch)
  };
  const factory = (name) => {
    if (closed) throw new Error(`producer factory is closed (asked for ${name})`);
    const producer = new KafkaProducer(sender, recorder, config, {
      name,
      metrics: deps.metrics,
      clock: deps.clock,
      logger: deps.logger,
      onClose: async () => {
        producers.delete(producer);
      }
    });
    producers.add(producer);
    return producer;
  };
  return Object.assign(factory, {
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...producers].map((producer) => producer.close()));
      if (connecting) {
        const { producer } = await connecting;
        await producer.disconnect();
      }
    },
    async idempotent() {
      return (await shared()).idempotent;
    }
  });
}
export {
  createKafkaProducerFactory,
  kafkaProducerConfig,
  recordingPartitioner
};
//# sourceMappingURL=kafka-producer-factory.js.map
