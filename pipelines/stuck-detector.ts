import type { Clock } from "./types.ts";

/**
 * Notices a processing loop that stopped turning (Arroyo's stuck detector, §3.7): a timer
 * compares the time of the last loop iteration with a threshold. It reports once per stuck
 * episode and clears when the loop moves again; `stuck` is what the health logic reads.
 *
 * A timer runs on the loop's own thread, so this catches a loop waiting on something that
 * never comes (a hung commit, poll or join), not a loop blocked in synchronous code; the
 * Healthcheck file, touched from `poll`, going stale covers that case.
 */
export class StuckDetector {
  private lastProgress: number;
  private isStuck = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly thresholdMs: number,
    private readonly clock: Clock,
    private readonly onStuck: (idleMs: number) => void,
    private readonly onRecovered: (idleMs: number) => void,
  ) {
    this.lastProgress = clock.now();
  }

  get stuck(): boolean {
    return this.isStuck;
  }

  /** Called by the loop on every iteration (a field write). */
  progress(now: number): void {
    this.lastProgress = now;
    if (this.isStuck) this.check(now);
  }

  start(): void {
    if (this.timer !== undefined || this.thresholdMs <= 0) return;
    this.timer = setInterval(
      () => this.check(this.clock.now()),
      Math.min(1000, Math.max(10, this.thresholdMs / 2)),
    );
    // The detector must never keep a finished process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  check(now: number): void {
    if (this.thresholdMs <= 0) return;
    const idle = now - this.lastProgress;
    if (!this.isStuck && idle > this.thresholdMs) {
      this.isStuck = true;
      this.onStuck(idle);
    } else if (this.isStuck && idle <= this.thresholdMs) {
      this.isStuck = false;
      this.onRecovered(idle);
    }
  }
}
