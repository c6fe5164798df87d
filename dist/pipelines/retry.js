// pipelines/retry.ts
import { setTimeout as delay } from "node:timers/promises";
function backoffDelayMs(policy, retry) {
  return Math.min(policy.initialMs * 2 ** (retry - 1), policy.maxMs);
}
var realWait = async (ms, signal) => {
  await delay(ms, void 0, { signal });
};
async function retryWhileUnavailable(operation, work, retry, isRetryable) {
  const wait = retry.wait ?? realWait;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isRetryable(error) || retry.signal.aborted) throw error;
      const delayMs = backoffDelayMs(retry.policy, attempt);
      retry.onRetry(operation, error, attempt, delayMs);
      await wait(delayMs, retry.signal);
    }
  }
}
export {
  backoffDelayMs,
  realWait,
  retryWhileUnavailable
};
//# sourceMappingURL=retry.js.map
