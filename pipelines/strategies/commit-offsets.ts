import { InvalidStateError } from "../errors.ts";
import {
  type Clock,
  type Commit,
  type Committable,
  type FilteredPayload,
  type Message,
  type Partition,
  type ProcessingStrategy,
  systemClock,
} from "../types.ts";
import type { StepInstrumentation } from "./instrumentation.ts";

const NOTHING: Committable = new Map<Partition, number>();
const LATENCY_INTERVAL_MS = 1000;

export interface CommitOffsetsOptions {
  readonly clock?: Clock;
  /** Records `ingest_consumer_latency_seconds` (now − message timestamp) at most once a second. */
  readonly instrumentation?: StepInstrumentation;
}

/**
 * The terminal step (specs/arroyo.md §4.8): hands every message's offsets to the
 * processor's commit capability, which stages them and commits per its policy. `poll`
 * commits nothing so a time-based policy can flush on an idle topic; `join` forces a commit.
 * Filtered messages commit like any other. Never rejects.
 */
export class CommitOffsets implements ProcessingStrategy<unknown> {
  private closed = false;
  private lastLatencyAt = Number.NEGATIVE_INFINITY;
  private readonly clock: Clock;
  private readonly instrumentation: StepInstrumentation | undefined;

  constructor(
    private readonly commit: Commit,
    options: CommitOffsetsOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.instrumentation = options.instrumentation;
  }

  submit(message: Message<unknown | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("CommitOffsets: submit after close");
    const i = this.instrumentation;
    if (i !== undefined && message.timestamp !== undefined) {
      const now = this.clock.now();
      if (now - this.lastLatencyAt >= LATENCY_INTERVAL_MS) {
        this.lastLatencyAt = now;
        i.metrics.consumerLatency.observe(
          { consumer: i.consumer },
          Math.max(0, now - message.timestamp) / 1000,
        );
      }
    }
    this.commit(message.committable);
  }

  poll(): void {
    this.commit(NOTHING);
  }

  close(): void {
    this.closed = true;
  }

  async join(): Promise<void> {
    this.commit(NOTHING, true);
  }

  terminate(): void {
    this.closed = true;
  }
}
