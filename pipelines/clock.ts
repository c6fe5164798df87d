import { setTimeout as delay } from "node:timers/promises";
import type { Clock } from "./types.ts";

/** Waits `ms` milliseconds. Injected next to a `Clock` so tests can make waiting free. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => delay(ms);

/**
 * A clock that only moves when told to (Arroyo's MockedClock). `sleep` advances it, so a
 * processor given both waits without real time passing.
 */
export class ManualClock implements Clock {
  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }

  readonly sleep: Sleep = (ms) => {
    this.current += ms;
    return Promise.resolve();
  };
}

/** Lets pending I/O callbacks and timers run; plain `await` only drains microtasks. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
