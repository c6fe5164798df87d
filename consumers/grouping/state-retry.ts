import type { Options } from "../../config/options.ts";
import { StateUnavailableError } from "../../config/redis.ts";
import { type BackoffPolicy, type BackoffRetry, retryWhileUnavailable } from "../../pipelines/index.ts";
import { RegistryUnavailableError } from "../../schemas/errors.ts";

// Redis (or the schema registry) away is not the event's fault: the work is retried with the
// framework's backoff (pipelines/retry.ts) until the service answers or the chain is stopped.

export function retryPolicy(
  options: Pick<Options, "stateRetryInitialMs" | "stateRetryMaxMs">,
): BackoffPolicy {
  return { initialMs: options.stateRetryInitialMs, maxMs: options.stateRetryMaxMs };
}

export type TransientError = StateUnavailableError | RegistryUnavailableError;

export function isTransient(error: unknown): error is TransientError {
  return error instanceof StateUnavailableError || error instanceof RegistryUnavailableError;
}

export type Retry = BackoffRetry<TransientError>;

/** Runs `work` until it does not fail with a transient error; other errors pass through. */
export function untilAvailable<T>(operation: string, work: () => Promise<T>, retry: Retry): Promise<T> {
  return retryWhileUnavailable(operation, work, retry, isTransient);
}
