// pipelines/commit-policy.ts
var CommitPolicy = class {
  constructor(minCommitFrequencyMs, minCommitMessages) {
    this.minCommitFrequencyMs = minCommitFrequencyMs;
    this.minCommitMessages = minCommitMessages;
    if (minCommitFrequencyMs === null && minCommitMessages === null) {
      throw new RangeError("a commit policy needs a frequency or a message count");
    }
  }
  minCommitFrequencyMs;
  minCommitMessages;
  /** A fresh state machine; the last commit time starts at `now`, as Arroyo's does. */
  createState(now) {
    return new CommitPolicyState(this, now);
  }
};
var IMMEDIATE = new CommitPolicy(null, 1);
var ONCE_PER_SECOND = new CommitPolicy(1e3, null);
function commitPolicyFromOptions(options) {
  return options.commitIntervalMs <= 0 ? IMMEDIATE : new CommitPolicy(options.commitIntervalMs, null);
}
var CommitPolicyState = class {
  lastCommitTime;
  lastOffsets = /* @__PURE__ */ new Map();
  frequencyMs;
  messages;
  constructor(policy, now) {
    this.lastCommitTime = now;
    this.frequencyMs = policy.minCommitFrequencyMs;
    this.messages = policy.minCommitMessages;
  }
  shouldCommit(now, offsets) {
    if (this.frequencyMs !== null && now - this.lastCommitTime >= this.frequencyMs) return true;
    if (this.messages === null) return false;
    let passed = 0;
    for (const [p, offset] of offsets) {
      let last = this.lastOffsets.get(p);
      if (last === void 0) {
        last = offset - 1;
        this.lastOffsets.set(p, last);
      }
      passed += offset - last;
    }
    return passed >= this.messages;
  }
  didCommit(now, offsets) {
    this.lastCommitTime = now;
    for (const [p, offset] of offsets) this.lastOffsets.set(p, offset);
  }
};
export {
  CommitPolicy,
  CommitPolicyState,
  IMMEDIATE,
  ONCE_PER_SECOND,
  commitPolicyFromOptions
};
//# sourceMappingURL=commit-policy.js.map
