import type { Options } from "../config/options.ts";
import type { Committable, Partition } from "./types.ts";

/**
 * When to turn staged offsets into a broker commit (specs/arroyo.md §1.5): after
 * `minCommitFrequencyMs` since the last commit, or once `minCommitMessages` offsets have
 * passed since then (gaps count as messages). At least one must be set.
 */
export class CommitPolicy {
  constructor(
    readonly minCommitFrequencyMs: number | null,
    readonly minCommitMessages: number | null,
  ) {
    if (minCommitFrequencyMs === null && minCommitMessages === null) {
      throw new RangeError("a commit policy needs a frequency or a message count");
    }
  }

  /** A fresh state machine; the last commit time starts at `now`, as Arroyo's does. */
  createState(now: number): CommitPolicyState {
    return new CommitPolicyState(this, now);
  }
}

export const IMMEDIATE = new CommitPolicy(null, 1);
export const ONCE_PER_SECOND = new CommitPolicy(1000, null);

/** The processor's policy from the options: `commitIntervalMs <= 0` commits every message. */
export function commitPolicyFromOptions(options: Pick<Options, "commitIntervalMs">): CommitPolicy {
  return options.commitIntervalMs <= 0 ? IMMEDIATE : new CommitPolicy(options.commitIntervalMs, null);
}

export class CommitPolicyState {
  private lastCommitTime: number;
  private readonly lastOffsets = new Map<Partition, number>();
  private readonly frequencyMs: number | null;
  private readonly messages: number | null;

  constructor(policy: CommitPolicy, now: number) {
    this.lastCommitTime = now;
    this.frequencyMs = policy.minCommitFrequencyMs;
    this.messages = policy.minCommitMessages;
  }

  shouldCommit(now: number, offsets: Committable): boolean {
    if (this.frequencyMs !== null && now - this.lastCommitTime >= this.frequencyMs) return true;
    if (this.messages === null) return false;
    let passed = 0;
    for (const [p, offset] of offsets) {
      let last = this.lastOffsets.get(p);
      if (last === undefined) {
        // A partition seen for the first time counts its first message as one.
        last = offset - 1;
        this.lastOffsets.set(p, last);
      }
      passed += offset - last;
    }
    return passed >= this.messages;
  }

  didCommit(now: number, offsets: Committable): void {
    this.lastCommitTime = now;
    for (const [p, offset] of offsets) this.lastOffsets.set(p, offset);
  }
}
