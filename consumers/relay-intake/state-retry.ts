import type { Options } from "../../config/options.ts";
import { StateUnavailableError } from "../../config/redis.ts";
import { type BackoffPolicy, type BackoffRetry, retryWhileUnavailable } from "../../pipelines/index.ts";

// Redis away is not the message's fault: the work is retried with the framework's backoff
// (pipelines/retry.ts) until Redis answers or the chain is stopped.

export function stateRetryPolicy(
  options: Pick<Options, "stateRetryInitialMs" | "stateRetryMaxMs">,
): BackoffPolicy {
  return { initialMs: options.stateRetryInitialMs, maxMs: options.stateRetryMaxMs };
}

export type StateRetry = BackoffRetry<StateUnavailableError>;

function isStateUnavailable(error: unknown): error is StateUnavailableError {
  return error instanceof StateUnavailableError;
}

/** Runs `work` until it does not fail with StateUnavailableError; other errors pass through. */
export function untilStateAvailable<T>(
  operation: string,
  work: () => Promise<T>,
  retry: StateRetry,
): Promise<T> {
  return retryWhileUnavailable(operation, work, retry, isStateUnavailable);
}
