// pipelines/committer.ts
var Committer = class {
  constructor(consumer, policy, now, metrics, dlq) {
    this.consumer = consumer;
    this.metrics = metrics;
    this.dlq = dlq;
    this.now = now;
    this.policy = policy.createState(now);
  }
  consumer;
  metrics;
  dlq;
  /** The loop's time for this iteration; the processor sets it. */
  now;
  /** A commit is due; the processor calls `flush` at the end of the current call. */
  requested = false;
  staged = /* @__PURE__ */ new Map();
  policy;
  commit = (offsets, force = false) => {
    if (offsets.size > 0) {
      for (const [p, offset] of offsets) this.staged.set(p, offset);
      this.dlq?.release(offsets);
    }
    if (force || this.policy.shouldCommit(this.now, offsets)) {
      this.policy.didCommit(this.now, offsets);
      this.requested = true;
    }
  };
  /** Commits what is staged; a failure propagates and crashes the consumer. */
  async flush() {
    this.requested = false;
    if (this.staged.size === 0) return;
    const offsets = this.staged;
    this.staged = /* @__PURE__ */ new Map();
    const started = performance.now();
    if (this.dlq !== void 0) await this.dlq.flush(offsets);
    this.consumer.stageOffsets(offsets);
    await this.consumer.commitOffsets();
    this.metrics.committed(performance.now() - started);
  }
  /** Revoked partitions: whatever is staged for them can no longer be committed. */
  forget(partitions) {
    for (const p of partitions) this.staged.delete(p);
  }
  /** Drops staged offsets without committing (termination). */
  discard() {
    this.staged = /* @__PURE__ */ new Map();
    this.requested = false;
  }
};
export {
  Committer
};
//# sourceMappingURL=committer.js.map
