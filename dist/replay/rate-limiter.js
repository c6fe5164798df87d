// replay/rate-limiter.ts
import { setTimeout as sleep } from "node:timers/promises";
var realClock = {
  now: () => performance.now(),
  sleep: (ms) => sleep(ms)
};
var RateLimiter = class {
  /**
   * @param ratePerSecond permits per second, > 0
   * @param burst permits that may go back to back after idle time (default: 1/20 s worth, at least 1)
   */
  constructor(ratePerSecond, burst, clock = realClock) {
    this.ratePerSecond = ratePerSecond;
    this.clock = clock;
    if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) {
      throw new RangeError(`rate must be a positive number, got ${ratePerSecond}`);
    }
    const permits = burst ?? Math.max(1, Math.floor(ratePerSecond / 20));
    if (!(Number.isInteger(permits) && permits >= 1)) {
      throw new RangeError(`burst must be a positive integer, got ${burst}`);
    }
    this.intervalMs = 1e3 / ratePerSecond;
    this.toleranceMs = (permits - 1) * this.intervalMs;
    this.theoreticalArrival = clock.now();
  }
  ratePerSecond;
  clock;
  intervalMs;
  toleranceMs;
  /** When the next permit is due if nobody had been idle. */
  theoreticalArrival;
  /** Resolves when `count` permits may be used. */
  async acquire(count = 1) {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`count must be >= 1, got ${count}`);
    const now = this.clock.now();
    const arrival = Math.max(this.theoreticalArrival, now);
    const allowedAt = arrival + (count - 1) * this.intervalMs - this.toleranceMs;
    this.theoreticalArrival = arrival + count * this.intervalMs;
    const waitMs = allowedAt - now;
    if (waitMs > 0) await this.clock.sleep(waitMs);
  }
};
export {
  RateLimiter
};
//# sourceMappingURL=rate-limiter.js.map
