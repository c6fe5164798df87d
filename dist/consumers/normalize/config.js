// consumers/normalize/config.ts
var PROTOCOL_VERSION = "7";
function normalizeConfigFromOptions(options, facts) {
  return {
    receivedAt: facts.receivedAt,
    maxSecsInPast: options.maxSecsInPast,
    maxSecsInFuture: options.maxSecsInFuture,
    enableTrimming: options.enableTrimming,
    normalizeUserAgent: options.normalizeUserAgent,
    clientIp: facts.clientIp,
    client: facts.client,
    projectId: facts.projectId,
    keyId: facts.keyId,
    protocolVersion: PROTOCOL_VERSION,
    groupingConfig: facts.groupingConfig,
    sentAt: facts.sentAt,
    userAgent: facts.userAgent,
    fallbackEventId: facts.fallbackEventId
  };
}
export {
  PROTOCOL_VERSION,
  normalizeConfigFromOptions
};
//# sourceMappingURL=config.js.map
