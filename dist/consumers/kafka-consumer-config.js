// consumers/kafka-consumer-config.ts
import { parseAutoOffsetReset } from "./kafka-offset-reset.js";
function kafkaConsumerConfig(options, groupId) {
  return {
    groupId,
    autoOffsetReset: parseAutoOffsetReset(options.autoOffsetReset),
    strictOffsetReset: options.strictOffsetReset,
    sessionTimeoutMs: options.kafkaSessionTimeoutMs,
    maxPollIntervalMs: options.maxPollIntervalMs,
    bufferBytes: options.kafkaConsumerBufferBytes,
    fetchMaxWaitMs: options.kafkaFetchMaxWaitMs
  };
}
var HEARTBEAT_MAX_MS = 3e3;
var KAFKAJS_MAX_BYTES_PER_PARTITION = 1024 * 1024;
var SESSION_MARGIN_MS = 2e3;
function sessionTimings(config) {
  const heartbeatIntervalMs = Math.min(HEARTBEAT_MAX_MS, Math.floor(config.sessionTimeoutMs / 3));
  return {
    heartbeatIntervalMs,
    revocationBoundMs: Math.max(
      1e3,
      Math.min(config.maxPollIntervalMs, config.sessionTimeoutMs - heartbeatIntervalMs - SESSION_MARGIN_MS)
    ),
    fetchMaxBytesPerPartition: Math.min(KAFKAJS_MAX_BYTES_PER_PARTITION, config.bufferBytes)
  };
}
export {
  kafkaConsumerConfig,
  sessionTimings
};
//# sourceMappingURL=kafka-consumer-config.js.map
