// consumers/memory-consumer.ts
import { ConsumerError, EndOfPartition, InvalidStateError, OffsetOutOfRange } from "../pipelines/errors.js";
import { Partition } from "../pipelines/types.js";
var MemoryConsumer = class {
  constructor(broker, group, options = {}) {
    this.broker = broker;
    this.group = group;
    this.reset = options.autoOffsetReset ?? "earliest";
    this.endOfPartition = options.enableEndOfPartition ?? false;
  }
  broker;
  group;
  membership = null;
  callbacks = {};
  // The assignment as parallel arrays: the fetch loop reads them without allocating.
  partitions = [];
  offsets = [];
  logs = [];
  pausedFlags = [];
  indexes = /* @__PURE__ */ new Map();
  cursor = 0;
  staged = /* @__PURE__ */ new Map();
  endReported = /* @__PURE__ */ new Map();
  rebalancing = false;
  isClosed = false;
  reset;
  endOfPartition;
  get closed() {
    return this.isClosed;
  }
  get memberId() {
    return this.membership?.memberId ?? "";
  }
  subscribe(topics, callbacks = {}) {
    this.assertOpen();
    this.callbacks = callbacks;
    this.membership = this.broker.joinGroup(this.group, topics, this.membership ?? void 0);
  }
  unsubscribe() {
    this.assertOpen();
    if (this.membership === null) return;
    this.broker.leaveGroup(this.membership);
    if (!this.membership.mustRevoke) this.membership = null;
  }
  async poll(timeoutMs = 0) {
    this.assertOpen();
    const membership = this.membership;
    if (membership !== null && (membership.mustRevoke || membership.behind)) await this.rebalance();
    const record = this.fetch();
    if (record !== null || timeoutMs <= 0) return record;
    return this.waitAndFetch(timeoutMs);
  }
  pollBuffered() {
    const membership = this.membership;
    if (this.isClosed || membership !== null && (membership.mustRevoke || membership.behind))
      return void 0;
    return this.fetch() ?? void 0;
  }
  pause(partitions) {
    this.setPaused(partitions, true);
  }
  resume(partitions) {
    this.setPaused(partitions, false);
  }
  paused() {
    this.assertOpen();
    return this.partitions.filter((_, i) => this.pausedFlags[i]);
  }
  tell() {
    this.assertOpen();
    const result = /* @__PURE__ */ new Map();
    this.partitions.forEach((p, i) => {
      result.set(p, this.offsets[i]);
    });
    return result;
  }
  seek(offsets) {
    this.assertOpen();
    for (const [p, offset] of offsets) {
      if (!this.indexes.has(p)) throw new ConsumerError(`cannot seek unassigned partition ${p.key}`);
      if (!Number.isInteger(offset) || offset < 0) {
        throw new ConsumerError(`cannot seek ${p.key} to offset ${offset}`);
      }
    }
    for (const [p, offset] of offsets) this.offsets[this.indexes.get(p)] = offset;
  }
  /** Overwrites, even backwards, without validation: this is the hot path. Allowed after close. */
  stageOffsets(offsets) {
    for (const [p, offset] of offsets) this.staged.set(p, offset);
  }
  async commitOffsets() {
    this.assertOpen();
    for (const p of this.staged.keys()) {
      if (!this.indexes.has(p)) throw new ConsumerError(`cannot commit unassigned partition ${p.key}`);
    }
    const committed = this.staged;
    this.staged = /* @__PURE__ */ new Map();
    this.broker.commit(this.group, committed);
    return committed;
  }
  /** Idempotent; runs the revocation of whatever is still assigned before closing. */
  async close() {
    if (this.isClosed) return;
    const membership = this.membership;
    if (membership !== null) {
      this.broker.leaveGroup(membership);
      if (membership.mustRevoke) await this.revoke(membership);
      this.membership = null;
    }
    this.isClosed = true;
  }
  fetch() {
    const n = this.partitions.length;
    for (let k = 0; k < n; k++) {
      let i = this.cursor + k;
      if (i >= n) i -= n;
      if (this.pausedFlags[i]) continue;
      const log = this.logs[i];
      const offset = this.offsets[i];
      if (offset < log.length) {
        this.offsets[i] = offset + 1;
        this.cursor = i + 1 === n ? 0 : i + 1;
        return log[offset];
      }
      const p = this.partitions[i];
      if (offset > log.length) {
        throw new OffsetOutOfRange(`offset ${offset} is beyond the end of ${p.key} (${log.length})`);
      }
      if (this.endOfPartition && this.endReported.get(p) !== offset) {
        this.endReported.set(p, offset);
        throw new EndOfPartition(p, offset);
      }
    }
    return null;
  }
  async waitAndFetch(timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    for (; ; ) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return null;
      await this.broker.waitForActivity(remaining);
      if (this.isClosed) return null;
      const membership = this.membership;
      if (membership !== null && (membership.mustRevoke || membership.behind)) await this.rebalance();
      const record = this.fetch();
      if (record !== null) return record;
    }
  }
  async rebalance() {
    if (this.rebalancing) return;
    this.rebalancing = true;
    try {
      const membership = this.membership;
      if (membership.mustRevoke) {
        await this.revoke(membership);
        if (this.membership === null) return;
      }
      const assigned = this.broker.takeAssignment(membership);
      if (assigned === null) return;
      this.assign(assigned);
      if (assigned.length > 0) await this.callbacks.onAssign?.(this.tell());
    } finally {
      this.rebalancing = false;
    }
  }
  // The callback runs while the partitions are still assigned, so the processor can commit
  // from inside it; only then are working, staged and paused state dropped.
  async revoke(membership) {
    const revoked = [...membership.owned];
    await this.callbacks.onRevoke?.(revoked);
    for (const p of revoked) {
      this.staged.delete(p);
      this.endReported.delete(p);
    }
    this.assign([]);
    this.broker.completeRevocation(membership);
    if (!this.broker.isMember(membership)) this.membership = null;
  }
  // Pauses do not survive reassignment: every assigned partition starts resumed.
  assign(partitions) {
    const sorted = [...partitions].sort(Partition.compare);
    this.partitions = sorted;
    this.logs = sorted.map((p) => this.broker.log(p));
    this.offsets = sorted.map((p) => this.startOffset(p));
    this.pausedFlags = sorted.map(() => false);
    this.indexes.clear();
    sorted.forEach((p, i) => {
      this.indexes.set(p, i);
    });
    this.cursor = 0;
  }
  startOffset(p) {
    const committed = this.broker.committedOffset(this.group, p);
    if (committed !== void 0) return committed;
    return this.reset === "earliest" ? 0 : this.broker.endOffset(p);
  }
  // All or nothing: one unassigned partition fails the call and changes nothing.
  setPaused(partitions, paused) {
    this.assertOpen();
    const indexes = [];
    for (const p of partitions) {
      const index = this.indexes.get(p);
      if (index === void 0) throw new ConsumerError(`partition ${p.key} is not assigned`);
      indexes.push(index);
    }
    for (const index of indexes) this.pausedFlags[index] = paused;
  }
  assertOpen() {
    if (this.isClosed) throw new InvalidStateError("consumer is closed");
  }
};
export {
  MemoryConsumer
};
//# sourceMappingURL=memory-consumer.js.map
