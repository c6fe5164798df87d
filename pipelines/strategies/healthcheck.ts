import { closeSync, openSync } from "node:fs";
import { InvalidStateError } from "../errors.ts";
import {
  type Clock,
  type FilteredPayload,
  type Message,
  type ProcessingStrategy,
  systemClock,
} from "../types.ts";
import type { StepInstrumentation } from "./instrumentation.ts";

const TOUCH_INTERVAL_MS = 1000;

export interface HealthcheckOptions {
  readonly clock?: Clock;
  readonly instrumentation?: StepInstrumentation;
}

/**
 * Touches `file` (open for writing, truncate) from `poll`, at most once a second, the first
 * poll always (specs/arroyo.md §4.10). Being driven from `poll` is the point: when the
 * processing loop stops turning, the file's mtime goes stale and a liveness probe notices.
 * Everything else passes straight through.
 */
export class Healthcheck<T> implements ProcessingStrategy<T> {
  private lastTouch = Number.NEGATIVE_INFINITY;
  private closed = false;
  private readonly clock: Clock;
  private readonly instrumentation: StepInstrumentation | undefined;

  constructor(
    private readonly file: string,
    private readonly next: ProcessingStrategy<T>,
    options: HealthcheckOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.instrumentation = options.instrumentation;
  }

  submit(message: Message<T | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("Healthcheck: submit after close");
    this.next.submit(message);
  }

  poll(): void {
    this.next.poll();
    const now = this.clock.now();
    if (now - this.lastTouch < TOUCH_INTERVAL_MS) return;
    this.lastTouch = now;
    closeSync(openSync(this.file, "w"));
    const i = this.instrumentation;
    if (i !== undefined) i.metrics.healthcheckTouches.inc({ consumer: i.consumer });
  }

  close(): void {
    this.closed = true;
    this.next.close();
  }

  join(timeoutMs?: number): Promise<void> {
    return this.next.join(timeoutMs);
  }

  terminate(): void {
    this.next.terminate();
  }
}
