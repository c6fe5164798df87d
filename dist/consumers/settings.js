// consumers/settings.ts
var UnknownConsumerError = class extends Error {
  constructor(consumer, known) {
    super(`unknown consumer "${consumer}"; the topology defines: ${known.join(", ")}`);
    this.consumer = consumer;
    this.name = "UnknownConsumerError";
  }
  consumer;
};
function resolveConsumerSettings(topology, name, options, overrides = {}) {
  const spec = topology.consumers[name];
  if (spec === void 0) throw new UnknownConsumerError(name, Object.keys(topology.consumers));
  const dlqEnabled = overrides.enableDlq ?? true;
  return {
    name,
    groupId: overrides.groupId ?? spec.groupId,
    inputs: [...spec.inputs],
    outputs: [...spec.outputs],
    dlq: new Map(dlqEnabled ? Object.entries(spec.dlq) : []),
    maxBatchSize: overrides.maxBatchSize ?? spec.maxBatchSize ?? options.maxBatchSize,
    maxBatchTimeMs: overrides.maxBatchTimeMs ?? spec.maxBatchTimeMs ?? options.maxBatchTimeMs,
    concurrency: overrides.concurrency ?? spec.concurrency ?? options.concurrency
  };
}
function effectiveConsumerConfig(settings, options) {
  return {
    groupId: settings.groupId,
    inputs: settings.inputs,
    outputs: settings.outputs,
    dlq: Object.fromEntries(settings.dlq),
    dlqEnabled: settings.dlq.size > 0,
    maxBatchSize: settings.maxBatchSize,
    maxBatchTimeMs: settings.maxBatchTimeMs,
    concurrency: settings.concurrency,
    brokers: options.kafkaBrokers,
    autoOffsetReset: options.autoOffsetReset,
    strictOffsetReset: options.strictOffsetReset,
    maxPollIntervalMs: options.maxPollIntervalMs,
    sessionTimeoutMs: options.kafkaSessionTimeoutMs,
    joinTimeoutMs: options.joinTimeoutMs,
    commitIntervalMs: options.commitIntervalMs,
    backpressurePauseAfterMs: options.backpressurePauseAfterMs,
    healthcheckFile: options.healthcheckFile ?? null,
    metrics: options.metricsPort > 0 ? `${options.metricsHost}:${options.metricsPort}` : null,
    lagRefreshIntervalMs: options.lagRefreshIntervalMs,
    groupInstanceId: options.groupInstanceId ?? null,
    logLevel: options.logLevel,
    topology: options.topologyFile
  };
}
export {
  UnknownConsumerError,
  effectiveConsumerConfig,
  resolveConsumerSettings
};
//# sourceMappingURL=settings.js.map
