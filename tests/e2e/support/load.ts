import type { EventGenerator, GeneratedMessage, HostileKind } from "./generator.ts";
import type { Pipeline } from "./pipeline.ts";
import { sleep } from "./supervisor.ts";

// Drives the generator into ingest-events: at full speed (a bounded window of unacknowledged
// produces) or at a fixed rate (a schedule checked every 100 ms), optionally with hostile
// messages spread between the valid ones. Every message is remembered with its produce
// time, so the checks know what must arrive and the latency figure knows when it left.

export interface Sent {
  readonly message: GeneratedMessage;
  /** Date.now() right before the produce call. */
  readonly at: number;
}

export interface StreamConfig {
  /** Valid messages to send (duplicates included). */
  readonly count: number;
  /** Messages per second; full speed when absent. */
  readonly rate?: number;
  /** Hostile messages spread evenly between the valid ones, in this order of kinds. */
  readonly hostile?: ReadonlyArray<HostileKind>;
  /** Unacknowledged produces at most (full speed). */
  readonly window?: number;
}

export class Stream {
  readonly sent: Sent[] = [];
  readonly failures: Error[] = [];
  private stopped = false;
  private paused: Promise<void> | undefined;
  private resume: (() => void) | undefined;
  startedAt = 0;
  finishedAt = 0;
  readonly done: Promise<void>;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly generator: EventGenerator,
    private readonly config: StreamConfig,
  ) {
    this.done = this.run();
  }

  get validSent(): number {
    return this.sent.filter((entry) => entry.message.kind === "valid").length;
  }

  /** Holds the producer (while a fault makes the broker unavailable, say). */
  pause(): void {
    if (this.paused) return;
    this.paused = new Promise((resolve) => {
      this.resume = resolve;
    });
  }

  unpause(): void {
    this.resume?.();
    this.paused = undefined;
    this.resume = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.unpause();
  }

  private plan(): GeneratedMessage[] {
    const { count, hostile = [] } = this.config;
    const every = hostile.length === 0 ? Number.POSITIVE_INFINITY : count / hostile.length;
    const out: GeneratedMessage[] = [];
    let nextHostile = 0;
    for (let i = 0; i < count; i++) {
      out.push(this.generator.next());
      while (nextHostile < hostile.length && (nextHostile + 0.5) * every <= i + 1) {
        out.push(this.generator.hostile(hostile[nextHostile] as HostileKind));
        nextHostile += 1;
      }
    }
    return out;
  }

  private async run(): Promise<void> {
    const planned = this.plan();
    const window = this.config.window ?? 2000;
    const inflight = new Set<Promise<void>>();
    const tick = 100;
    const rate = this.config.rate;
    this.startedAt = Date.now();
    /** Time spent paused, which the schedule leaves out. */
    let pausedMs = 0;
    for (const [index, message] of planned.entries()) {
      if (this.stopped) break;
      if (this.paused) {
        const pausedAt = Date.now();
        await this.paused;
        pausedMs += Date.now() - pausedAt;
      }
      // Message `index` is due `index / rate` seconds in. The schedule is kept rather than
      // restarted after a stall (produces held up by a broker restart): what fell behind
      // goes out as fast as the window allows, as Relay flushes what it buffered while
      // Kafka was away, so a stall does not stretch the run by its length.
      while (rate !== undefined && this.startedAt + pausedMs + (index * 1000) / rate > Date.now()) {
        await sleep(tick);
      }
      while (inflight.size >= window) await Promise.race(inflight);
      const entry: Sent = { message, at: Date.now() };
      const write: Promise<void> = this.produceWithRetry(message).then(() => {
        this.sent.push(entry);
        inflight.delete(write);
      });
      inflight.add(write);
    }
    await Promise.all(inflight);
    this.finishedAt = Date.now();
  }

  /** A broker restart fails produces for a while; Relay retries too, so do we. */
  private async produceWithRetry(message: GeneratedMessage): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.pipeline.produce(message.payload);
        return;
      } catch (error) {
        if (attempt >= 60) {
          this.failures.push(error as Error);
          throw error;
        }
        await sleep(1000);
      }
    }
  }
}
