import { setTimeout as delay } from "node:timers/promises";
import type { Options } from "../../config/options.ts";

// Capped exponential backoff for writes to a store that is unreachable or overloaded:
// the n-th retry waits min(initial · 2^(n-1), max). No jitter: each partition has one
// writer, so there is no herd to spread, and a fixed schedule is what the tests assert.

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Attempts in total (first try included); 0 = until it succeeds or the signal aborts. */
  readonly maxAttempts: number;
}

export function backoffPolicy(options: Options): BackoffPolicy {
  return {
    initialMs: options.storageRetryInitialMs,
    maxMs: options.storageRetryMaxMs,
    maxAttempts: options.storageRetryMaxAttempts,
  };
}

/** Wait before retry number `retry` (1 = after the first failure). */
export function backoffDelayMs(policy: BackoffPolicy, retry: number): number {
  return Math.min(policy.initialMs * 2 ** (retry - 1), policy.maxMs);
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, { signal });
};

/** The operation failed with a retryable error on every allowed attempt. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`gave up after ${attempts} attempts`, { cause });
    this.name = "RetriesExhaustedError";
  }
}

export interface RetryHooks {
  readonly isRetryable: (error: unknown) => boolean;
  readonly onRetry?: (error: unknown, retry: number, delayMs: number) => void;
  readonly sleep?: Sleep;
  readonly signal?: AbortSignal;
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error (rethrown as is), or
 * runs out of attempts (RetriesExhaustedError with the last error as cause).
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  policy: BackoffPolicy,
  hooks: RetryHooks,
): Promise<T> {
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
