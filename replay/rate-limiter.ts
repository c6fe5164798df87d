import { setTimeout as sleep } from "node:timers/promises";

// `--rate N`: a GCRA limiter (the token bucket written as one "theoretical arrival time").
// Permits are reserved synchronously in call order, so concurrent callers share the rate
// and never overtake each other; idle time is credit for at most `burst` permits, so a
// replay that paused does not then fire a long backlog at once.

export interface LimiterClock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => sleep(ms),
};

export class RateLimiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  /** When the next permit is due if nobody had been idle. */
  private theoreticalArrival: number;

  /**
   * @param ratePerSecond permits per second, > 0
   * @param burst permits that may go back to back after idle time (default: 1/20 s worth, at least 1)
   */
  constructor(
    readonly ratePerSecond: number,
    burst?: number,
    private readonly clock: LimiterClock = realClock,
  ) {
    if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) {
      throw new RangeError(`rate must be a positive number, got ${ratePerSecond}`);
    }
    const permits = burst ?? Math.max(1, Math.floor(ratePerSecond / 20));
    if (!(Number.isInteger(permits) && permits >= 1)) {
      throw new RangeError(`burst must be a positive integer, got ${burst}`);
    }
    this.intervalMs = 1000 / ratePerSecond;
    this.toleranceMs = (permits - 1) * this.intervalMs;
    this.theoreticalArrival = clock.now();
  }

  /** Resolves when `count` permits may be used. */
  async acquire(count = 1): Promise<void> {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`count must be >= 1, got ${count}`);
    const now = this.clock.now();
    const arrival = Math.max(this.theoreticalArrival, now);
    // The last of the `count` permits is due at arrival + (count - 1) intervals.
    const allowedAt = arrival + (count - 1) * this.intervalMs - this.toleranceMs;
    this.theoreticalArrival = arrival + count * this.intervalMs;
    const waitMs = allowedAt - now;
    if (waitMs > 0) await this.clock.sleep(waitMs);
  }
}
