import { yieldToEventLoop } from "../clock.ts";
import { MessageRejected } from "../errors.ts";
import type { FilteredPayload, Message, ProcessingStrategy } from "../types.ts";

// Helpers for `join`. Join deadlines are real monotonic time whatever clock drives the
// policies: join waits on real work (acks, workers, promises), which a test clock cannot speed up.

export function deadlineAfter(timeoutMs: number | undefined): number {
  return timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + Math.max(0, timeoutMs);
}

/** What is left of a deadline, as a timeout for the next step's join (undefined = none). */
export function remainingUntil(deadline: number): number | undefined {
  return deadline === Number.POSITIVE_INFINITY ? undefined : Math.max(0, deadline - performance.now());
}

/**
 * Offers `message` until `next` accepts it or the deadline passes, polling `next` and
 * yielding to the event loop between attempts, so a step that drains only in `poll` or on an
 * ack can make room. Fixes [Q2]: Arroyo's Reduce and Unfold joins retry without polling and
 * spin until the deadline, then drop the batch. False when the deadline passed first.
 */
export async function submitBefore<T>(
  next: ProcessingStrategy<T>,
  message: Message<T | FilteredPayload>,
  deadline: number,
): Promise<boolean> {
  for (;;) {
    try {
      next.submit(message);
      return true;
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
    }
    if (performance.now() >= deadline) return false;
    next.poll();
    await yieldToEventLoop();
  }
}

/** True when `settled` (a promise that never rejects) resolves before the deadline. */
export async function settledBefore(settled: Promise<unknown>, deadline: number): Promise<boolean> {
  if (deadline === Number.POSITIVE_INFINITY) {
    await settled;
    return true;
  }
  const remaining = deadline - performance.now();
  if (remaining <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, remaining, false);
  });
  const won = await Promise.race([settled.then(() => true), timeout]);
  clearTimeout(timer);
  return won;
}
