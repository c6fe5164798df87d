import { setTimeout as delay } from "node:timers/promises";

// Work that fails because a service is away (not because of the message) is retried, never
// dead-lettered: the step holding it stays full meanwhile, so the chain rejects new messages
// and the processor pauses the partitions (backpressure, not a sleep in submit). The wait is
// capped exponential backoff, the n-th retry after min(initial · 2^(n-1), max), until the
// service answers or the chain is stopped (then the work is abandoned uncommitted and
// redelivered later). What counts as "away" is the caller's: this knows no service.

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Wait before retry number `retry` (1 = after the first failure). */
export function backoffDelayMs(policy: BackoffPolicy, retry: number): number {
  return Math.min(policy.initialMs * 2 ** (retry - 1), policy.maxMs);
}

export type Wait = (ms: number, signal: AbortSignal) => Promise<void>;

export const realWait: Wait = async (ms, signal) => {
  await delay(ms, undefined, { signal });
};

/** One backoff shared by a chain's steps; `operation` names a step's work in logs and metrics. */
export interface BackoffRetry<E> {
  readonly policy: BackoffPolicy;
  /** Once aborted, the next retryable failure is thrown and a wait in progress rejects. */
  readonly signal: AbortSignal;
  readonly onRetry: (operation: string, error: E, attempt: number, delayMs: number) => void;
  readonly wait?: Wait;
}

/** Runs `work` until it does not fail with an error `isRetryable` accepts; other errors pass through. */
export async function retryWhileUnavailable<T, E>(
  operation: string,
  work: () => Promise<T>,
  retry: BackoffRetry<E>,
  isRetryable: (error: unknown) => error is E,
): Promise<T> {
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
