import type { Logger } from "../observability/logger.ts";
import type { KafkaPayload } from "../pipelines/types.ts";
import type { DumpedMessage } from "./dump-format.ts";
import type { Progress } from "./progress.ts";
import type { RateLimiter } from "./rate-limiter.ts";

// The middle of `ingest replay`: recorded messages in, produce calls out, with the rate
// limit, a bounded number of produces in flight, and the counts of the final summary.
// Keys, values and headers are passed on as they were recorded; the new record gets a new
// timestamp (a producer stamps its own; old timestamps would fall out of retention at once).

/** Where replayed messages go: a Kafka topic or the dev pipeline's in-memory broker. */
export interface ReplayTarget {
  /** `kafka topic X` / `dev pipeline topic X`, for the summary. */
  readonly description: string;
  /** Resolves once the broker accepted the record; rejects when it did not. */
  send(payload: KafkaPayload): Promise<void>;
}

export interface ReplayCounts {
  /** Messages taken from the file or topic. */
  read: number;
  /** Acknowledged by the target (in a dry run: would have been produced). */
  produced: number;
  /** Not produced on purpose: tombstones (records without a value). */
  skipped: number;
  /** The target refused them. */
  failed: number;
}

export interface FeederOptions {
  readonly rate?: RateLimiter;
  /** Produces awaiting their ack before the feeder waits (keeps a fast producer's batches full). */
  readonly maxInFlight: number;
  readonly progress: Progress;
  readonly logger: Logger;
}

/** Errors logged in full; after that only counted, so a dead broker does not flood stderr. */
const LOGGED_FAILURES = 5;

export class ReplayFeeder {
  readonly counts: ReplayCounts = { read: 0, produced: 0, skipped: 0, failed: 0 };
  private readonly inFlight = new Set<Promise<void>>();

  /** `target` null = dry run: everything is counted, nothing is sent. */
  constructor(
    private readonly target: ReplayTarget | null,
    private readonly options: FeederOptions,
  ) {}

  /** Takes one message; resolves when the next one may come (rate limit, in-flight bound). */
  async offer(message: DumpedMessage): Promise<void> {
    this.counts.read += 1;
    if (message.value === null) {
      // KafkaPayload always has a value; a tombstone means "delete the key", which no
      // topic of this pipeline uses, so it is counted and left out.
      this.counts.skipped += 1;
      this.options.progress.advance();
      return;
    }
    await this.options.rate?.acquire();
    if (this.target === null) {
      this.counts.produced += 1;
      this.options.progress.advance();
      return;
    }
    const payload: KafkaPayload = { key: message.key, value: message.value, headers: message.headers };
    const sending: Promise<void> = this.target.send(payload).then(
      () => {
        this.counts.produced += 1;
      },
      (error: unknown) => {
        this.counts.failed += 1;
        if (this.counts.failed <= LOGGED_FAILURES) {
          this.options.logger.error(
            { err: error, partition: message.partition, offset: message.offset },
            "replay.produce_failed",
          );
        }
      },
    );
    const tracked = sending.finally(() => {
      this.inFlight.delete(tracked);
      this.options.progress.advance();
    });
    this.inFlight.add(tracked);
    if (this.inFlight.size >= this.options.maxInFlight) await Promise.race(this.inFlight);
  }

  /** Waits for every produce in flight; returns the final counts. */
  async finish(): Promise<ReplayCounts> {
    await Promise.all(this.inFlight);
    return this.counts;
  }
}
