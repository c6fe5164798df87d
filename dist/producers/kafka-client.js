// producers/kafka-client.ts
import { Kafka, logLevel } from "kafkajs";
import { registerCompressionCodecs } from "./compression.js";
function kafkaClientConfig(options) {
  return { brokers: options.kafkaBrokers, clientId: options.kafkaClientId };
}
function kafkajsLevelFor(logger) {
  return logger.isLevelEnabled("debug") ? logLevel.INFO : logLevel.WARN;
}
function createKafkaClient(config, logger, onLog) {
  registerCompressionCodecs();
  const level = kafkajsLevelFor(logger);
  return new Kafka({
    brokers: [...config.brokers],
    clientId: config.clientId,
    logLevel: level,
    logCreator: () => (entry) => {
      onLog?.(entry);
      const { message, timestamp: _timestamp, ...extra } = entry.log;
      const fields = { kafkajsNamespace: entry.namespace, kafkajsMessage: message, ...extra };
      if (entry.level === logLevel.ERROR) logger.error(fields, "kafkajs.log");
      else if (entry.level === logLevel.WARN) logger.warn(fields, "kafkajs.log");
      else if (entry.level === logLevel.INFO) logger.info(fields, "kafkajs.log");
      else logger.debug(fields, "kafkajs.log");
    }
  });
}
function kafkaErrorType(error) {
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const type = current.type;
    if (typeof type === "string") return type;
    current = current.cause ?? current.originalError;
  }
  return void 0;
}
var UNREACHABLE_ERRORS = /* @__PURE__ */ new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSBrokerNotFound",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSMetadataNotLoaded"
]);
var STARTING_UP_ERRORS = /* @__PURE__ */ new Set([
  "GROUP_LOAD_IN_PROGRESS",
  "GROUP_COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR_FOR_GROUP",
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
  "NOT_ENOUGH_REPLICAS",
  "UNKNOWN_LEADER_EPOCH"
]);
function isBrokerUnavailable(error) {
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (UNREACHABLE_ERRORS.has(current.name)) return true;
    const type = current.type;
    if (typeof type === "string") return STARTING_UP_ERRORS.has(type);
    current = current.cause ?? current.originalError;
  }
  return false;
}
export {
  createKafkaClient,
  isBrokerUnavailable,
  kafkaClientConfig,
  kafkaErrorType
};
//# sourceMappingURL=kafka-client.js.map
