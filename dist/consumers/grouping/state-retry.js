// consumers/grouping/state-retry.ts
import { StateUnavailableError } from "../../config/redis.js";
import { retryWhileUnavailable } from "../../pipelines/index.js";
import { RegistryUnavailableError } from "../../schemas/errors.js";
function retryPolicy(options) {
  return { initialMs: options.stateRetryInitialMs, maxMs: options.stateRetryMaxMs };
}
function isTransient(error) {
  return error instanceof StateUnavailableError || error instanceof RegistryUnavailableError;
}
function untilAvailable(operation, work, retry) {
  return retryWhileUnavailable(operation, work, retry, isTransient);
}
export {
  isTransient,
  retryPolicy,
  untilAvailable
};
//# sourceMappingURL=state-retry.js.map
