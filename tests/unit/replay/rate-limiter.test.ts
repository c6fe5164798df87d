import { describe, expect, it } from "vitest";
import { type LimiterClock, RateLimiter } from "../../../replay/rate-limiter.ts";

/** A clock that moves only when someone sleeps on it, so timings are exact. */
class FakeClock implements LimiterClock {
  time = 1000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

async function grantTimes(limiter: RateLimiter, clock: FakeClock, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    await limiter.acquire();
    times.push(clock.time - 1000);
  }
  return times;
}

describe("RateLimiter", () => {
  it("spaces permits 1/rate apart when no burst is allowed", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(10, 1, clock);
    expect(await grantTimes(limiter, clock, 5)).toEqual([0, 100, 200, 300, 400]);
  });

  it("lets a burst through at once, then holds the rate", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(10, 3, clock);
    expect(await grantTimes(limiter, clock, 6)).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it("never exceeds the rate over a long run", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(250, undefined, clock);
    const times = await grantTimes(limiter, clock, 2000);
    const elapsedSeconds = (times.at(-1) as number) / 1000;
    // 2000 permits at 250/s: the first burst (12) is free, the rest take (2000 - 12) / 250 s.
    expect(elapsedSeconds).toBeCloseTo((2000 - 12) / 250, 5);
  });

  it("credits idle time only up to the burst", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(10, 2, clock);
    await grantTimes(limiter, clock, 2);
    clock.time += 60_000; // a minute idle
    const before = clock.time;
    await limiter.acquire();
    await limiter.acquire();
    expect(clock.time).toBe(before);
    await limiter.acquire();
    expect(clock.time).toBe(before + 100);
  });

  it("charges several permits at once for a batch", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(100, 1, clock);
    await limiter.acquire(10);
    expect(clock.time - 1000).toBe(90);
    await limiter.acquire(1);
    expect(clock.time - 1000).toBe(100);
  });

  it("serves concurrent callers in call order at the shared rate", async () => {
    // All four ask at the same instant: each reserves the next slot before it waits.
    const sleeps: number[] = [];
    const frozen: LimiterClock = {
      now: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    };
    const limiter = new RateLimiter(20, 1, frozen);
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(sleeps).toEqual([50, 100, 150]);
  });

  it("runs at the configured rate on the real clock", async () => {
    const limiter = new RateLimiter(200, 1);
    const started = performance.now();
    for (let i = 0; i < 41; i++) await limiter.acquire();
    const elapsed = performance.now() - started;
    // 40 intervals of 5 ms; timers only ever fire late, so only a lower bound is exact.
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(2000);
  });

  it("rejects a rate or burst that is not positive", () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
    expect(() => new RateLimiter(Number.NaN)).toThrow(RangeError);
    expect(() => new RateLimiter(10, 0)).toThrow(RangeError);
  });
});
