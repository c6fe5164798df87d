// consumers/kafka-consumer.ts
import { ConsumerError, InvalidStateError, OffsetOutOfRange } from "../pipelines/errors.js";
import { Partition } from "../pipelines/types.js";
import { KafkaAdmin } from "../producers/kafka-admin.js";
import {
  createKafkaClient,
  isBrokerUnavailable,
  kafkaErrorType
} from "../producers/kafka-client.js";
import { sessionTimings } from "./kafka-consumer-config.js";
import { FetchBuffer } from "./kafka-fetch-buffer.js";
import { GroupRestarting, KafkaGroupSession } from "./kafka-group-session.js";
import { checkSeekTarget, StartOffsets } from "./kafka-offset-reset.js";
import { kafkaConsumerConfig } from "./kafka-consumer-config.js";
var MEMBERSHIP_LOST = /* @__PURE__ */ new Set([
  "REBALANCE_IN_PROGRESS",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
  "GroupRestarting"
]);
var WAIT_HEARTBEAT_MS = 1e3;
var COMMIT_RETRY_MS = 1e3;
var REJOIN_BOUND_MS = 12e4;
var KafkaConsumer = class {
  constructor(config, deps) {
    this.config = config;
    this.logger = deps.logger;
    this.buffer = new FetchBuffer(config.bufferBytes);
    this.kafka = createKafkaClient(deps.client, deps.logger, (entry) => this.onKafkajsLog(entry));
    this.admin = KafkaAdmin.create(this.kafka);
    this.startOffsets = new StartOffsets(
      this.admin,
      config.groupId,
      config.autoOffsetReset,
      config.strictOffsetReset
    );
    this.timings = sessionTimings(config);
    this.handlers = {
      beforeJoin: (session) => this.beforeJoin(session),
      onJoin: (session, memberId, partitions) => this.onJoin(session, memberId, partitions),
      onBatch: (session, payload) => this.onBatch(session, payload),
      onCrash: (session, error, restart) => this.onCrash(session, error, restart)
    };
  }
  config;
  kafka;
  admin;
  startOffsets;
  logger;
  buffer;
  timings;
  handlers;
  subscription = null;
  subscriptionChanged = false;
  unsubscribeRequested = false;
  session = null;
  /** Assigned partitions (as told to `onAssign`) → working offset. */
  working = /* @__PURE__ */ new Map();
  /** Next offset we expect kafkajs to deliver per partition; earlier records are dropped. */
  fetchPosition = /* @__PURE__ */ new Map();
  staged = /* @__PURE__ */ new Map();
  userPaused = /* @__PURE__ */ new Set();
  /** Sought partitions stay paused in kafkajs until `poll` checked the target is in range. */
  seekPending = /* @__PURE__ */ new Set();
  pendingAssignment = null;
  revocation = null;
  /** Bumped on every join; an assignment resolved for an older one is abandoned. */
  generation = 0;
  membershipLost = false;
  /** A deferred commit (see commitOffsets) is due again: poll() retries it. */
  commitRetryDue = false;
  commitRetryTimer;
  /** Runs from a kafkajs crash until the rejoin that follows it (see REJOIN_BOUND_MS). */
  rejoinTimer;
  fatal = null;
  wakeUp = null;
  isClosed = false;
  closing = null;
  member = "";
  get closed() {
    return this.isClosed;
  }
  get memberId() {
    return this.member;
  }
  /** Bytes fetched but not yet polled (bounded by `bufferBytes` plus one fetch). */
  get bufferedBytes() {
    return this.buffer.bytes;
  }
  subscribe(topics, callbacks = {}) {
    this.assertOpen("subscribe");
    this.subscription = { topics: [...topics], callbacks };
    this.subscriptionChanged = true;
    this.unsubscribeRequested = false;
    this.notify();
  }
  unsubscribe() {
    this.assertOpen("unsubscribe");
    this.unsubscribeRequested = true;
    this.subscriptionChanged = false;
    this.notify();
  }
  async poll(timeoutMs = 1e3) {
    this.assertOpen("poll");
    let deadline = 0;
    for (; ; ) {
      if (this.hasPendingWork()) await this.runPendingWork();
      const record = this.take();
      if (record) return record;
      const now = Date.now();
      if (deadline === 0) deadline = now + timeoutMs;
      const remaining = deadline - now;
      if (remaining <= 0) return null;
      await this.sleep(remaining);
    }
  }
  /**
   * The processor's synchronous fast path: a buffered record when nothing (rebalance
   * callback, seek check, deferred commit, failure) has to run first; else undefined, and
   * `poll` does that work.
   */
  pollBuffered() {
    if (this.isClosed || this.hasPendingWork()) return void 0;
    return this.take() ?? void 0;
  }
  pause(partitions) {
    this.assertOpen("pause");
    const list = this.assertAssigned(partitions);
    for (const p of list) {
      this.userPaused.add(p);
      this.rewindFetch(p);
      this.syncKafkajsPause(p);
    }
  }
  resume(partitions) {
    this.assertOpen("resume");
    const list = this.assertAssigned(partitions);
    for (const p of list) {
      this.userPaused.delete(p);
      this.syncKafkajsPause(p);
    }
  }
  paused() {
    this.assertOpen("paused");
    return [...this.userPaused].sort(Partition.compare);
  }
  tell() {
    this.assertOpen("tell");
    return new Map(this.working);
  }
  seek(offsets) {
    this.assertOpen("seek");
    this.assertAssigned(offsets.keys());
    for (const [p, offset] of offsets) {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new ConsumerError(`cannot seek ${p.key} to ${offset}`);
      }
    }
    for (const [p, offset] of offsets) {
      this.working.set(p, offset);
      this.seekPending.add(p);
      this.rewindFetch(p);
      this.syncKafkajsPause(p);
    }
    this.notify();
  }
  stageOffsets(offsets) {
    for (const [p, offset] of offsets) this.staged.set(p, offset);
  }
  async commitOffsets() {
    this.assertOpen("commitOffsets");
    if (this.staged.size === 0) return /* @__PURE__ */ new Map();
    for (const p of this.staged.keys()) {
      if (!this.working.has(p)) throw new ConsumerError(`cannot commit ${p.key}: partition is not assigned`);
    }
    const offsets = new Map(this.staged);
    this.staged.clear();
    const session = this.session;
    if (!session || this.membershipLost) {
      this.logger.warn({ partitions: offsets.size }, "kafka.consumer.commit_dropped");
      return /* @__PURE__ */ new Map();
    }
    try {
      await session.commit(offsets);
    } catch (error) {
      const type = error instanceof GroupRestarting ? error.name : kafkaErrorType(error);
      if (type !== void 0 && MEMBERSHIP_LOST.has(type)) {
        this.membershipLost = true;
        this.logger.warn({ reason: type, partitions: offsets.size }, "kafka.consumer.commit_rejected");
        return /* @__PURE__ */ new Map();
      }
      if (isBrokerUnavailable(error) && session === this.session) {
        this.deferCommit(offsets, error);
        return /* @__PURE__ */ new Map();
      }
      throw new ConsumerError("offset commit failed", { cause: error });
    }
    return offsets;
  }
  /**
   * The cluster is unavailable (a broker restarting, the coordinator moving) and kafkajs's
   * retries ran out first. Crashing would turn an outage of seconds into a lost process;
   * instead the offsets go back to staging (behind anything staged meanwhile) and poll()
   * tries again shortly. Nothing is lost: until a commit succeeds, the group's committed
   * offsets stay behind what was processed, so a rebalance meanwhile redelivers
   * (at-least-once). If membership was lost meanwhile, the retry is dropped as usual.
   */
  deferCommit(offsets, error) {
    for (const [p, offset] of offsets) {
      if (!this.staged.has(p) && this.working.has(p)) this.staged.set(p, offset);
    }
    this.logger.warn(
      { partitions: offsets.size, retryInMs: COMMIT_RETRY_MS, err: error },
      "kafka.consumer.commit_deferred"
    );
    if (this.commitRetryTimer !== void 0) return;
    this.commitRetryTimer = setTimeout(() => {
      this.commitRetryTimer = void 0;
      this.commitRetryDue = true;
      this.notify();
    }, COMMIT_RETRY_MS);
  }
  close(timeoutMs = 1e4) {
    if (!this.closing) this.closing = this.shutdown(timeoutMs);
    return this.closing;
  }
  // --- poll internals ------------------------------------------------------------------
  hasPendingWork() {
    return this.fatal !== null || this.unsubscribeRequested || this.subscriptionChanged || this.subscription !== null && this.session === null || this.revocation !== null || this.pendingAssignment !== null || this.seekPending.size > 0 || this.commitRetryDue;
  }
  async runPendingWork() {
    if (this.fatal) throw this.fatal;
    if (this.session && (this.unsubscribeRequested || this.subscriptionChanged)) {
      await this.revoke();
      await this.stopSession(1e4);
    }
    if (this.unsubscribeRequested) {
      this.unsubscribeRequested = false;
      this.subscription = null;
    }
    if (this.subscription && !this.session) {
      this.subscriptionChanged = false;
      await this.startSession(this.subscription.topics, this.subscription.callbacks);
    }
    if (this.revocation) await this.revoke();
    if (this.pendingAssignment) await this.assign(this.pendingAssignment);
    if (this.seekPending.size > 0) await this.checkSeeks();
    if (this.commitRetryDue) {
      this.commitRetryDue = false;
      if (this.staged.size > 0) await this.commitOffsets();
    }
  }
  take() {
    const record = this.buffer.take();
    if (record) this.working.set(record.partition, record.offset + 1);
    return record;
  }
  sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  notify() {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }
  async revoke() {
    const request = this.revocation;
    this.revocation = null;
    const partitions = [...this.working.keys()].sort(Partition.compare);
    try {
      if (partitions.length > 0) {
        this.logger.info({ partitions: partitions.map(String) }, "kafka.consumer.revoking");
        await this.session?.callbacks.onRevoke?.(partitions);
      }
    } finally {
      for (const p of partitions) {
        this.staged.delete(p);
        this.fetchPosition.delete(p);
      }
      this.working.clear();
      this.userPaused.clear();
      this.seekPending.clear();
      this.buffer.clear();
      request?.done();
    }
  }
  async assign(partitions) {
    this.pendingAssignment = null;
    const generation = this.generation;
    const session = this.session;
    if (!session) return;
    const offsets = await this.startOffsets.forAssignment(partitions);
    if (generation !== this.generation || session !== this.session) return;
    for (const [p, offset] of offsets) {
      this.working.set(p, offset);
      this.fetchPosition.set(p, offset);
      session.seek(p, offset);
    }
    this.membershipLost = false;
    for (const p of partitions) this.syncKafkajsPause(p);
    this.logger.info(
      { partitions: partitions.map(String), memberId: this.member },
      "kafka.consumer.assigned"
    );
    if (partitions.length > 0) await session.callbacks.onAssign?.(offsets);
  }
  async checkSeeks() {
    const sought = [...this.seekPending];
    const marks = await this.startOffsets.watermarks(sought);
    for (const p of sought) {
      if (!this.seekPending.has(p) || !this.working.has(p)) continue;
      this.seekPending.delete(p);
      checkSeekTarget(p, this.working.get(p), this.startOffsets.rangeOf(marks, p));
      this.syncKafkajsPause(p);
    }
  }
  /** Drops what is buffered for `p` and has kafkajs fetch again from its working offset. */
  rewindFetch(p) {
    const offset = this.working.get(p);
    this.buffer.discard(p);
    this.fetchPosition.set(p, offset);
    this.session?.seek(p, offset);
  }
  syncKafkajsPause(p) {
    const paused = !this.working.has(p) || this.userPaused.has(p) || this.seekPending.has(p);
    this.session?.setPaused(p, paused);
  }
  // --- kafkajs side ----------------------------------------------------------------------
  async startSession(topics, callbacks) {
    const session = new KafkaGroupSession(
      this.kafka,
      {
        groupId: this.config.groupId,
        sessionTimeoutMs: this.config.sessionTimeoutMs,
        rebalanceTimeoutMs: this.config.maxPollIntervalMs,
        heartbeatIntervalMs: this.timings.heartbeatIntervalMs,
        fetchMaxWaitMs: this.config.fetchMaxWaitMs,
        fetchMaxBytesPerPartition: this.timings.fetchMaxBytesPerPartition,
        fromBeginning: this.config.autoOffsetReset === "earliest"
      },
      callbacks,
      this.handlers
    );
    this.session = session;
    try {
      await session.start(topics);
    } catch (error) {
      this.session = null;
      throw error;
    }
  }
  async stopSession(timeoutMs) {
    const session = this.session;
    if (!session) return;
    this.session = null;
    clearTimeout(this.rejoinTimer);
    this.rejoinTimer = void 0;
    this.pendingAssignment = null;
    this.revocation?.done();
    this.revocation = null;
    this.buffer.wakeWaiters();
    if (!await session.stop(timeoutMs)) this.logger.warn({ timeoutMs }, "kafka.consumer.leave_timeout");
  }
  /** kafkajs is about to send JoinGroup: everything we hold is about to be taken away. */
  beforeJoin(session) {
    this.generation++;
    this.pendingAssignment = null;
    if (session !== this.session || session.stopping || this.isClosed || this.working.size === 0 || this.revocation) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.membershipLost = true;
        this.buffer.clear();
        this.logger.warn({ waitedMs: this.timings.revocationBoundMs }, "kafka.consumer.revocation_overdue");
        resolve();
      }, this.timings.revocationBoundMs);
      this.revocation = {
        done: () => {
          clearTimeout(timer);
          resolve();
        }
      };
      this.notify();
    });
  }
  onJoin(session, memberId, partitions) {
    if (session !== this.session) return;
    clearTimeout(this.rejoinTimer);
    this.rejoinTimer = void 0;
    this.member = memberId;
    this.pendingAssignment = partitions;
    this.notify();
  }
  onCrash(session, error, restart) {
    if (session !== this.session) return;
    this.membershipLost = true;
    this.logger.error({ err: error, restart }, "kafka.consumer.crashed");
    if (!restart) {
      this.fatal = new ConsumerError("the kafkajs consumer crashed and will not restart", { cause: error });
    } else if (this.rejoinTimer === void 0) {
      this.rejoinTimer = setTimeout(() => {
        if (session !== this.session || session.stopping) return;
        this.fatal = new ConsumerError(
          `the kafkajs consumer has not rejoined its group within ${REJOIN_BOUND_MS} ms of crashing`,
          { cause: error }
        );
        this.notify();
      }, REJOIN_BOUND_MS);
    }
    this.notify();
  }
  async onBatch(session, payload) {
    if (session !== this.session || payload.isStale()) return;
    const { batch } = payload;
    const p = Partition.of(batch.topic, batch.partition);
    if (!this.working.has(p) || this.userPaused.has(p) || this.seekPending.has(p)) return;
    this.buffer.append(p, batch.messages, this.fetchPosition.get(p) ?? 0);
    const last = batch.lastOffset();
    this.fetchPosition.set(p, Number(last) + 1);
    payload.resolveOffset(last);
    this.notify();
    while (this.buffer.full && session === this.session && !session.stopping) {
      if (!await this.buffer.waitForSpace(WAIT_HEARTBEAT_MS)) await payload.heartbeat();
    }
  }
  onKafkajsLog(entry) {
    if (!entry.log.message.startsWith("Offset out of range")) return;
    if (entry.log.groupId !== void 0 && entry.log.groupId !== this.config.groupId) return;
    const where = `${String(entry.log.topic)}:${String(entry.log.partition)}`;
    if (this.config.strictOffsetReset) {
      this.fatal = new OffsetOutOfRange(`${where}: fetch offset out of range (kafkajs reset it)`);
      this.notify();
    } else {
      this.logger.warn({ partition: where }, "kafka.consumer.offset_reset");
    }
  }
  // --- lifecycle -------------------------------------------------------------------------
  async shutdown(timeoutMs) {
    try {
      if (this.session && this.working.size > 0) await this.revoke();
    } finally {
      this.isClosed = true;
      clearTimeout(this.commitRetryTimer);
      this.notify();
      await this.stopSession(timeoutMs);
      await this.admin.close();
    }
  }
  assertOpen(method) {
    if (this.isClosed) throw new InvalidStateError(`consumer is closed (${method})`);
  }
  assertAssigned(partitions) {
    const list = [...partitions];
    const unknown = list.filter((p) => !this.working.has(p));
    if (unknown.length > 0) throw new ConsumerError(`not assigned: ${unknown.map(String).join(", ")}`);
    return list;
  }
};
export {
  KafkaConsumer,
  kafkaConsumerConfig
};
//# sourceMappingURL=kafka-consumer.js.map
