import type { Consumer } from "../consumers/types.ts";
import type { CommitPolicy, CommitPolicyState } from "./commit-policy.ts";
import type { DeadLetterQueue } from "./dlq.ts";
import type { ProcessorMetrics } from "./processor-metrics.ts";
import type { Commit, Committable, Partition } from "./types.ts";

/**
 * The commit capability the processor hands to strategies (specs/arroyo.md §3.6), split in
 * two because `Commit` is synchronous and a broker commit is not:
 * - `commit(offsets, force)` (sync, from inside the chain) stages the offsets, releases their
 *   DLQ-buffer records and asks the policy; when it says so, it marks a commit as requested.
 * - `flush()` (async, by the processor right after the chain call returned) waits for the
 *   DLQ writes below the staged offsets, then commits them through the consumer.
 * The policy reads the loop's clock sample (`now`), so the hot path reads no clock.
 */
export class Committer {
  /** The loop's time for this iteration; the processor sets it. */
  now: number;
  /** A commit is due; the processor calls `flush` at the end of the current call. */
  requested = false;
  private staged = new Map<Partition, number>();
  private readonly policy: CommitPolicyState;

  constructor(
    private readonly consumer: Consumer,
    policy: CommitPolicy,
    now: number,
    private readonly metrics: ProcessorMetrics,
    private readonly dlq: DeadLetterQueue | undefined,
  ) {
    this.now = now;
    this.policy = policy.createState(now);
  }

  readonly commit: Commit = (offsets, force = false) => {
    if (offsets.size > 0) {
      // Staging overwrites, even backwards, as the consumer's stage_offsets does.
      for (const [p, offset] of offsets) this.staged.set(p, offset);
      this.dlq?.release(offsets);
    }
    if (force || this.policy.shouldCommit(this.now, offsets)) {
      this.policy.didCommit(this.now, offsets);
      this.requested = true;
    }
  };

  /** Commits what is staged; a failure propagates and crashes the consumer. */
  async flush(): Promise<void> {
    this.requested = false;
    if (this.staged.size === 0) return;
    const offsets: Committable = this.staged;
    this.staged = new Map();
    const started = performance.now();
    if (this.dlq !== undefined) await this.dlq.flush(offsets);
    this.consumer.stageOffsets(offsets);
    await this.consumer.commitOffsets();
    this.metrics.committed(performance.now() - started);
  }

  /** Revoked partitions: whatever is staged for them can no longer be committed. */
  forget(partitions: ReadonlyArray<Partition>): void {
    for (const p of partitions) this.staged.delete(p);
  }

  /** Drops staged offsets without committing (termination). */
  discard(): void {
    this.staged = new Map();
    this.requested = false;
  }
}
