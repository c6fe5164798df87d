import { describe, expect, it } from "vitest";
import {
  CommitPolicy,
  commitPolicyFromOptions,
  IMMEDIATE,
  ONCE_PER_SECOND,
} from "../../../pipelines/commit-policy.ts";
import { offsets, P0, P1 } from "./helpers.ts";

describe("CommitPolicy", () => {
  it("IMMEDIATE commits every message, the first one included", () => {
    const state = IMMEDIATE.createState(0);
    expect(state.shouldCommit(0, offsets([P0, 1]))).toBe(true);
    state.didCommit(0, offsets([P0, 1]));
    expect(state.shouldCommit(0, offsets([P0, 2]))).toBe(true);
  });

  it("ONCE_PER_SECOND commits only once a second has passed since the last commit", () => {
    const state = ONCE_PER_SECOND.createState(10_000);
    expect(state.shouldCommit(10_500, offsets([P0, 5]))).toBe(false);
    expect(state.shouldCommit(10_999, offsets([P0, 6]))).toBe(false);
    expect(state.shouldCommit(11_000, offsets([P0, 7]))).toBe(true);
    state.didCommit(11_000, offsets([P0, 7]));
    expect(state.shouldCommit(11_500, new Map())).toBe(false);
  });

  it("commits when either the time or the message threshold is reached", () => {
    const state = new CommitPolicy(2000, 100).createState(0);
    state.didCommit(0, offsets([P0, 0]));
    expect(state.shouldCommit(1000, offsets([P0, 50]))).toBe(false);
    expect(state.shouldCommit(1000, offsets([P0, 100]))).toBe(true);
    state.didCommit(1000, offsets([P0, 100]));
    expect(state.shouldCommit(2999, offsets([P0, 101]))).toBe(false);
    expect(state.shouldCommit(3000, offsets([P0, 101]))).toBe(true);
  });

  it("rejects a policy with neither a frequency nor a message count", () => {
    expect(() => new CommitPolicy(null, null)).toThrow(RangeError);
  });

  it("counts the first message of a new partition as one: (none, 3) fed 1, 2, 3 answers false, false, true", () => {
    const state = new CommitPolicy(null, 3).createState(0);
    expect([1, 2, 3].map((o) => state.shouldCommit(0, offsets([P0, o])))).toEqual([false, false, true]);
  });

  it("counts gaps in offsets as messages", () => {
    const state = new CommitPolicy(null, 3).createState(0);
    state.didCommit(0, offsets([P0, 2]));
    expect(state.shouldCommit(0, offsets([P0, 4]))).toBe(false);
    expect(state.shouldCommit(0, offsets([P0, 5]))).toBe(true);
  });

  it("adds the deltas of all partitions", () => {
    const state = new CommitPolicy(null, 4).createState(0);
    state.didCommit(0, offsets([P0, 10], [P1, 20]));
    expect(state.shouldCommit(0, offsets([P0, 12], [P1, 21]))).toBe(false);
    expect(state.shouldCommit(0, offsets([P0, 12], [P1, 22]))).toBe(true);
  });

  it("builds the processor policy from commitIntervalMs, 0 meaning every message", () => {
    expect(commitPolicyFromOptions({ commitIntervalMs: 0 })).toBe(IMMEDIATE);
    expect(commitPolicyFromOptions({ commitIntervalMs: 2500 }).minCommitFrequencyMs).toBe(2500);
  });
});
