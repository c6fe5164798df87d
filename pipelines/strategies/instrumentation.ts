import type { Metrics } from "../../observability/metrics.ts";

/** What a step needs to report metrics: the catalogue and the labels naming it. */
export interface StepInstrumentation {
  readonly metrics: Metrics;
  /** The consumer's name (metric label `consumer`). */
  readonly consumer: string;
  /** The step's name within the chain (metric label `step`). */
  readonly step: string;
}

/**
 * Adds up increments and hands them to prom-client at most about once a second: a labelled
 * prom-client increment costs ~200 ns, a fifth of the per-message budget.
 */
export class BufferedCount {
  private pending = 0;
  private lastFlush = performance.now();

  constructor(private readonly publish: (count: number) => void) {}

  add(count = 1): void {
    this.pending += count;
  }

  /** Publishes if something is pending and a second has passed; call from `poll`. */
  maybeFlush(): void {
    if (this.pending === 0) return;
    const now = performance.now();
    if (now - this.lastFlush >= 1000) this.flush(now);
  }

  flush(now = performance.now()): void {
    this.lastFlush = now;
    if (this.pending === 0) return;
    const count = this.pending;
    this.pending = 0;
    this.publish(count);
  }
}
