// pipelines/processor-config.ts
import { commitPolicyFromOptions } from "./commit-policy.js";
var DEFAULT_POLL_TIMEOUT_MS = 1e3;
function inputTopics(input) {
  const topics = "topics" in input ? input.topics : [input.topic];
  if (topics.length === 0) throw new RangeError("a stream processor needs at least one input topic");
  return topics;
}
function streamProcessorConfig(options, consumer) {
  return {
    name: consumer.name,
    topics: inputTopics(consumer),
    commitPolicy: commitPolicyFromOptions(options),
    joinTimeoutMs: options.joinTimeoutMs,
    backpressurePauseAfterMs: options.backpressurePauseAfterMs,
    stuckThresholdMs: options.maxPollIntervalMs,
    pollTimeoutMs: options.pollTimeoutMs
  };
}
export {
  DEFAULT_POLL_TIMEOUT_MS,
  inputTopics,
  streamProcessorConfig
};
//# sourceMappingURL=processor-config.js.map
