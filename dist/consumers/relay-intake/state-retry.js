// consumers/relay-intake/state-retry.ts
import { StateUnavailableError } from "../../config/redis.js";
import { retryWhileUnavailable } from "../../pipelines/index.js";
function stateRetryPolicy(options) {
  return { initialMs: options.stateRetryInitialMs, maxMs: options.stateRetryMaxMs };
}
function isStateUnavailable(error) {
  return error instanceof StateUnavailableError;
}
function untilStateAvailable(operation, work, retry) {
  return retryWhileUnavailable(operation, work, retry, isStateUnavailable);
}
export {
  stateRetryPolicy,
  untilStateAvailable
};
//# sourceMappingURL=state-retry.js.map
