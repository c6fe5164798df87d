// consumers/storage/retry.ts
import { setTimeout as delay } from "node:timers/promises";
function backoffPolicy(options) {
  return {
    initialMs: options.storageRetryInitialMs,
    maxMs: options.storageRetryMaxMs,
    maxAttempts: options.storageRetryMaxAttempts
  };
}
function backoffDelayMs(policy, retry) {
  return Math.min(policy.initialMs * 2 ** (retry - 1), policy.maxMs);
}
var realSleep = async (ms, signal) => {
  await delay(ms, void 0, { signal });
};
var RetriesExhaustedError = class extends Error {
  constructor(attempts, cause) {
    super(`gave up after ${attempts} attempts`, { cause });
    this.attempts = attempts;
    this.name = "RetriesExhaustedError";
  }
  attempts;
};
async function withRetry(operation, policy, hooks) {
  const sleep = hooks.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!hooks.isRetryable(error)) throw error;
      if (policy.maxAttempts > 0 && attempt >= policy.maxAttempts)
        throw new RetriesExhaustedError(attempt, error);
      const wait = backoffDelayMs(policy, attempt);
      hooks.onRetry?.(error, attempt, wait);
      await sleep(wait, hooks.signal);
    }
  }
}
export {
  RetriesExhaustedError,
  backoffDelayMs,
  backoffPolicy,
  realSleep,
  withRetry
};
//# sourceMappingURL=retry.js.map
