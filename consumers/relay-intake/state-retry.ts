import { setTimeout as delay } from "node:timers/promises";
import type { Options } from "../../config/options.ts";
import { StateUnavailableError } from "../../config/redis.ts";

// Redis away is not the message's fault: the work is retried, never dead-lettered, and the
// step holding it stays full meanwhile, so the chain rejects new messages and the processor
// pauses the partitions (backpressure, not a sleep in submit). The wait is capped
// exponential backoff, n-th retry after min(initial · 2^(n-1), max), until Redis answers or
// the chain is stopped (then the work is abandoned uncommitted and redelivered later).

export interface StateRetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export function stateRetryPolicy(
  options: Pick<Options, "stateRetryInitialMs" | "stateRetryMaxMs">,
): StateRetryPolicy {
  return { initialMs: options.stateRetryInitialMs, maxMs: options.stateRetryMaxMs };
}

export type Wait = (ms: number, signal: AbortSignal) => Promise<void>;

export const realWait: Wait = async (ms, signal) => {
  await delay(ms, undefined, { signal });
};

export interface StateRetry {
  readonly policy: StateRetryPolicy;
  readonly signal: AbortSignal;
  readonly onRetry: (operation: string, error: StateUnavailableError, retry: number, delayMs: number) => void;
  readonly wait?: Wait;
}

/** Runs `work` until it does not fail with StateUnavailableError; other errors pass through. */
export async function untilStateAvailable<T>(
  operation: string,
  work: () => Promise<T>,
  retry: StateRetry,
): Promise<T> {
  const wait = retry.wait ?? realWait;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StateUnavailableError) || retry.signal.aborted) throw error;
      const delayMs = Math.min(retry.policy.initialMs * 2 ** (attempt - 1), retry.policy.maxMs);
      retry.onRetry(operation, error, attempt, delayMs);
      await wait(delayMs, retry.signal);
    }
  }
}
