import type { Logger } from "../observability/logger.ts";
import { ConsumerError } from "../pipelines/errors.ts";
import type { Partition } from "../pipelines/types.ts";
import { isBrokerUnavailable, kafkaErrorType } from "../producers/kafka-client.ts";
import { GroupRestarting, type KafkaGroupSession } from "./kafka-group-session.ts";

// Offset commits for KafkaConsumer: what is staged, when a commit is dropped (the group
// moved on) and when it is deferred (the cluster is briefly unavailable).

/** Commit errors that mean the partitions are (being) taken away: redelivery, not a crash. */
const MEMBERSHIP_LOST = new Set([
  "REBALANCE_IN_PROGRESS",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
  "GroupRestarting",
]);
/** A commit deferred because the cluster was unavailable is tried again after this long. */
export const COMMIT_RETRY_MS = 1000;

export interface OffsetCommitterDeps {
  readonly logger: Logger;
  /** The group session commits go through now (null between sessions). */
  session(): Pick<KafkaGroupSession, "commit"> | null;
  isAssigned(partition: Partition): boolean;
  /** A deferred commit is due again: have `poll` call `retry`. */
  wake(): void;
}

export class KafkaOffsetCommitter {
  private readonly staged = new Map<Partition, number>();
  /**
   * The generation our partitions belong to is over (rebalance, eviction, crash): commits
   * are dropped until the next assignment, so the partitions' next owner re-reads them.
   */
  private membershipLost = false;
  private retryIsDue = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: OffsetCommitterDeps) {}

  /** A deferred commit waits for `retry`. */
  get retryDue(): boolean {
    return this.retryIsDue;
  }

  stage(offsets: ReadonlyMap<Partition, number>): void {
    for (const [p, offset] of offsets) this.staged.set(p, offset);
  }

  /** Partitions taken away: what was staged for them is not ours to commit any more. */
  forget(partitions: Iterable<Partition>): void {
    for (const p of partitions) this.staged.delete(p);
  }

  membershipEnded(): void {
    this.membershipLost = true;
  }

  membershipStarted(): void {
    this.membershipLost = false;
  }

  async commit(): Promise<Map<Partition, number>> {
    if (this.staged.size === 0) return new Map();
    for (const p of this.staged.keys()) {
      if (!this.deps.isAssigned(p))
        throw new ConsumerError(`cannot commit ${p.key}: partition is not assigned`);
    }
    const offsets = new Map(this.staged);
    this.staged.clear();
    const session = this.deps.session();
    if (!session || this.membershipLost) {
      this.deps.logger.warn({ partitions: offsets.size }, "kafka.consumer.commit_dropped");
      return new Map();
    }
    try {
      await session.commit(offsets);
    } catch (error) {
      const type = error instanceof GroupRestarting ? error.name : kafkaErrorType(error);
      if (type !== undefined && MEMBERSHIP_LOST.has(type)) {
        // The group moved on; whoever owns these partitions next re-reads from the last
        // successful commit (at-least-once).
        this.membershipLost = true;
        this.deps.logger.warn({ reason: type, partitions: offsets.size }, "kafka.consumer.commit_rejected");
        return new Map();
      }
      if (isBrokerUnavailable(error) && session === this.deps.session()) {
        this.defer(offsets, error);
        return new Map();
      }
      throw new ConsumerError("offset commit failed", { cause: error });
    }
    return offsets;
  }

  /** Runs a deferred commit (from `poll`). Still unavailable: deferred again. */
  async retry(): Promise<void> {
    this.retryIsDue = false;
    // Revoked meanwhile: nothing staged is left.
    if (this.staged.size > 0) await this.commit();
  }

  close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /**
   * The cluster is unavailable (a broker restarting, the coordinator moving) and kafkajs's
   * retries ran out first. Crashing would turn an outage of seconds into a lost process;
   * instead the offsets go back to staging (behind anything staged meanwhile) and poll()
   * tries again shortly. Nothing is lost: until a commit succeeds, the group's committed
   * offsets stay behind what was processed, so a rebalance meanwhile redelivers
   * (at-least-once). If membership was lost meanwhile, the retry is dropped as usual.
   */
  private defer(offsets: ReadonlyMap<Partition, number>, error: unknown): void {
    for (const [p, offset] of offsets) {
      if (!this.staged.has(p) && this.deps.isAssigned(p)) this.staged.set(p, offset);
    }
    this.deps.logger.warn(
      { partitions: offsets.size, retryInMs: COMMIT_RETRY_MS, err: error },
      "kafka.consumer.commit_deferred",
    );
    if (this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retryIsDue = true;
      this.deps.wake();
    }, COMMIT_RETRY_MS);
  }
}
