import { setTimeout as delay } from "node:timers/promises";
import type { Options } from "../../config/options.ts";
import { StateUnavailableError } from "../../config/redis.ts";
import { RegistryUnavailableError } from "../../schemas/errors.ts";

// Redis (or the schema registry) away is not the event's fault: the work is retried, never
// dead-lettered, and the step holding it stays full meanwhile, so the chain rejects new
// messages and the processor pauses the partitions (backpressure, not a sleep in submit).
// Capped exponential backoff: the n-th retry after min(initial · 2^(n-1), max), until the
// service answers or the chain is stopped (then the work is abandoned uncommitted and
// redelivered later). Relay-intake has the same loop; a consumer folder may not import
// another, so this one is grouping's.

export interface RetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export function retryPolicy(options: Pick<Options, "stateRetryInitialMs" | "stateRetryMaxMs">): RetryPolicy {
  return { initialMs: options.stateRetryInitialMs, maxMs: options.stateRetryMaxMs };
}

export type Wait = (ms: number, signal: AbortSignal) => Promise<void>;

export const realWait: Wait = async (ms, signal) => {
  await delay(ms, undefined, { signal });
};

export type TransientError = StateUnavailableError | RegistryUnavailableError;

export function isTransient(error: unknown): error is TransientError {
  return error instanceof StateUnavailableError || error instanceof RegistryUnavailableError;
}

export interface Retry {
  readonly policy: RetryPolicy;
  readonly signal: AbortSignal;
  readonly onRetry: (operation: string, error: TransientError, attempt: number, delayMs: number) => void;
  readonly wait?: Wait;
}

/** Runs `work` until it does not fail with a transient error; other errors pass through. */
export async function untilAvailable<T>(operation: string, work: () => Promise<T>, retry: Retry): Promise<T> {
  const wait = retry.wait ?? realWait;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || retry.signal.aborted) throw error;
      const delayMs = Math.min(retry.policy.initialMs * 2 ** (attempt - 1), retry.policy.maxMs);
      retry.onRetry(operation, error, attempt, delayMs);
      await wait(delayMs, retry.signal);
    }
  }
}
