import type { EachBatchPayload, Kafka, LogEntry } from "kafkajs";
import type { Logger } from "../observability/logger.ts";
import { ConsumerError, InvalidStateError, OffsetOutOfRange } from "../pipelines/errors.ts";
import { type BrokerValue, type KafkaPayload, Partition, type Topic } from "../pipelines/types.ts";
import { KafkaAdmin } from "../producers/kafka-admin.ts";
import { createKafkaClient, type KafkaClientConfig } from "../producers/kafka-client.ts";
import { type KafkaConsumerConfig, type SessionTimings, sessionTimings } from "./kafka-consumer-config.ts";
import { FetchBuffer } from "./kafka-fetch-buffer.ts";
import { type GroupSessionHandlers, KafkaGroupSession } from "./kafka-group-session.ts";
import { KafkaOffsetCommitter } from "./kafka-offset-committer.ts";
import { checkSeekTarget, StartOffsets } from "./kafka-offset-reset.ts";
import type { Consumer, SubscribeCallbacks } from "./types.ts";

// The pull `Consumer` over kafkajs's push consumer (specs/arroyo.md §6.1, §6.4).
//
// Fetching: kafkajs calls `eachBatch`, which appends to a bounded FetchBuffer and returns at
// once unless the buffer is over `bufferBytes`; then it waits until `poll` has drained half,
// so memory stays bounded by the limit plus one fetch (at most min(1 MiB, bufferBytes) of
// wire bytes per partition, and at least one whole record batch; more once decompressed).
// kafkajs only moves its fetch position for batches we accept (eachBatchAutoResolve: false).
//
// Rebalancing: KafkaGroupSession calls `beforeJoin` before every JoinGroup. It asks `poll()`
// to run `onRevoke` and waits for it, so the processor closes, drains and commits while the
// old generation is still valid (the group is in PreparingRebalance, where the broker still
// accepts commits of that generation). After SyncGroup the session pauses the new partitions
// (before kafkajs's first fetch of them) and reports them; the next `poll()` resolves their
// start offsets, seeks, resumes and runs `onAssign`. Both callbacks thus run inside `poll()`.
//
// At-least-once, not more: if `poll()` is not called within the revocation bound (below the
// session timeout, else the broker evicts us anyway), kafkajs rejoins without waiting; the
// processor's later commits are then rejected (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION,
// UNKNOWN_MEMBER_ID) and dropped with a warning, so its uncommitted window is redelivered to
// the partitions' next owner. The same holds after a kafkajs crash-restart.

export { type KafkaConsumerConfig, kafkaConsumerConfig } from "./kafka-consumer-config.ts";

/** While eachBatch waits for buffer space it heartbeats this often (kafkajs rate-limits it). */
const WAIT_HEARTBEAT_MS = 1000;
/**
 * kafkajs restarts a crashed consumer (broker unreachable, coordinator moved) and rejoins by
 * itself, forever. A member that has not rejoined this long after such a crash consumes
 * nothing while looking alive, so the consumer fails instead: the loop crashes, the process
 * exits and its supervisor starts a fresh one. As long as the producers ride out an outage
 * (UNAVAILABLE_RETRY_MS): a broker restart takes well under it.
 */
const REJOIN_BOUND_MS = 120_000;

interface RevocationRequest {
  readonly done: () => void;
}

export class KafkaConsumer implements Consumer {
  private readonly kafka: Kafka;
  private readonly admin: KafkaAdmin;
  private readonly startOffsets: StartOffsets;
  private readonly logger: Logger;
  private readonly buffer: FetchBuffer;
  private readonly timings: SessionTimings;
  private readonly handlers: GroupSessionHandlers;
  private readonly committer: KafkaOffsetCommitter;

  private subscription: { topics: Topic[]; callbacks: SubscribeCallbacks } | null = null;
  private subscriptionChanged = false;
  private unsubscribeRequested = false;
  private session: KafkaGroupSession | null = null;

  /** Assigned partitions (as told to `onAssign`) → working offset. */
  private readonly working = new Map<Partition, number>();
  /** Next offset we expect kafkajs to deliver per partition; earlier records are dropped. */
  private readonly fetchPosition = new Map<Partition, number>();
  private readonly userPaused = new Set<Partition>();
  /** Sought partitions stay paused in kafkajs until `poll` checked the target is in range. */
  private readonly seekPending = new Set<Partition>();

  private pendingAssignment: Partition[] | null = null;
  private revocation: RevocationRequest | null = null;
  /** Bumped on every join; an assignment resolved for an older one is abandoned. */
  private generation = 0;
  /** Runs from a kafkajs crash until the rejoin that follows it (see REJOIN_BOUND_MS). */
  private rejoinTimer: NodeJS.Timeout | undefined;
  private fatal: Error | null = null;
  private wakeUp: (() => void) | null = null;
  private isClosed = false;
  private closing: Promise<void> | null = null;
  private member = "";

  constructor(
    private readonly config: KafkaConsumerConfig,
    deps: { readonly client: KafkaClientConfig; readonly logger: Logger },
  ) {
    this.logger = deps.logger;
    this.buffer = new FetchBuffer(config.bufferBytes);
    // A private client, so kafkajs's log of an offset reset can be tied to this consumer.
    this.kafka = createKafkaClient(deps.client, deps.logger, (entry) => this.onKafkajsLog(entry));
    this.admin = KafkaAdmin.create(this.kafka);
    this.startOffsets = new StartOffsets(
      this.admin,
      config.groupId,
      config.autoOffsetReset,
      config.strictOffsetReset,
    );
    this.timings = sessionTimings(config);
    this.committer = new KafkaOffsetCommitter({
      logger: deps.logger,
      session: () => this.session,
      isAssigned: (p) => this.working.has(p),
      wake: () => this.notify(),
    });
    this.handlers = {
      beforeJoin: (session) => this.beforeJoin(session),
      onJoin: (session, memberId, partitions) => this.onJoin(session, memberId, partitions),
      onBatch: (session, payload) => this.onBatch(session, payload),
      onCrash: (session, error, restart) => this.onCrash(session, error, restart),
    };
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get memberId(): string {
    return this.member;
  }

  /** Bytes fetched but not yet polled (bounded by `bufferBytes` plus one fetch). */
  get bufferedBytes(): number {
    return this.buffer.bytes;
  }

  subscribe(topics: ReadonlyArray<Topic>, callbacks: SubscribeCallbacks = {}): void {
    this.assertOpen("subscribe");
    this.subscription = { topics: [...topics], callbacks };
    this.subscriptionChanged = true;
    this.unsubscribeRequested = false;
    this.notify();
  }

  unsubscribe(): void {
    this.assertOpen("unsubscribe");
    this.unsubscribeRequested = true;
    this.subscriptionChanged = false;
    this.notify();
  }

  async poll(timeoutMs = 1000): Promise<BrokerValue<KafkaPayload> | null> {
    this.assertOpen("poll");
    // The hot path (records buffered, nothing to do) stays free of extra awaits and clocks.
    let deadline = 0;
    for (;;) {
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
  pollBuffered(): BrokerValue<KafkaPayload> | undefined {
    if (this.isClosed || this.hasPendingWork()) return undefined;
    return this.take() ?? undefined;
  }

  pause(partitions: Iterable<Partition>): void {
    this.assertOpen("pause");
    const list = this.assertAssigned(partitions);
    for (const p of list) {
      this.userPaused.add(p);
      this.rewindFetch(p);
      this.syncKafkajsPause(p);
    }
  }

  resume(partitions: Iterable<Partition>): void {
    this.assertOpen("resume");
    const list = this.assertAssigned(partitions);
    for (const p of list) {
      this.userPaused.delete(p);
      this.syncKafkajsPause(p);
    }
  }

  paused(): Partition[] {
    this.assertOpen("paused");
    return [...this.userPaused].sort(Partition.compare);
  }

  tell(): Map<Partition, number> {
    this.assertOpen("tell");
    return new Map(this.working);
  }

  seek(offsets: ReadonlyMap<Partition, number>): void {
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

  stageOffsets(offsets: ReadonlyMap<Partition, number>): void {
    this.committer.stage(offsets);
  }

  async commitOffsets(): Promise<Map<Partition, number>> {
    this.assertOpen("commitOffsets");
    return await this.committer.commit();
  }

  close(timeoutMs = 10_000): Promise<void> {
    if (!this.closing) this.closing = this.shutdown(timeoutMs);
    return this.closing;
  }

  // --- poll internals ------------------------------------------------------------------

  private hasPendingWork(): boolean {
    return (
      this.fatal !== null ||
      this.unsubscribeRequested ||
      this.subscriptionChanged ||
      (this.subscription !== null && this.session === null) ||
      this.revocation !== null ||
      this.pendingAssignment !== null ||
      this.seekPending.size > 0 ||
      this.committer.retryDue
    );
  }

  private async runPendingWork(): Promise<void> {
    if (this.fatal) throw this.fatal;
    if (this.session && (this.unsubscribeRequested || this.subscriptionChanged)) {
      await this.revoke();
      await this.stopSession(10_000);
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
    if (this.committer.retryDue) await this.committer.retry();
  }

  private take(): BrokerValue<KafkaPayload> | null {
    const record = this.buffer.take();
    if (record) this.working.set(record.partition, record.offset + 1);
    return record;
  }

  private sleep(ms: number): Promise<void> {
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

  private notify(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private async revoke(): Promise<void> {
    const request = this.revocation;
    this.revocation = null;
    const partitions = [...this.working.keys()].sort(Partition.compare);
    try {
      if (partitions.length > 0) {
        this.logger.info({ partitions: partitions.map(String) }, "kafka.consumer.revoking");
        await this.session?.callbacks.onRevoke?.(partitions);
      }
    } finally {
      this.committer.forget(partitions);
      for (const p of partitions) this.fetchPosition.delete(p);
      this.working.clear();
      this.userPaused.clear();
      this.seekPending.clear();
      this.buffer.clear();
      request?.done();
    }
  }

  private async assign(partitions: ReadonlyArray<Partition>): Promise<void> {
    this.pendingAssignment = null;
    const generation = this.generation;
    const session = this.session;
    if (!session) return;
    const offsets = await this.startOffsets.forAssignment(partitions);
    // A newer join superseded this assignment while we looked offsets up.
    if (generation !== this.generation || session !== this.session) return;
    for (const [p, offset] of offsets) {
      this.working.set(p, offset);
      this.fetchPosition.set(p, offset);
      session.seek(p, offset);
    }
    this.committer.membershipStarted();
    // Pauses do not survive reassignment (specs/arroyo.md §6.1).
    for (const p of partitions) this.syncKafkajsPause(p);
    this.logger.info(
      { partitions: partitions.map(String), memberId: this.member },
      "kafka.consumer.assigned",
    );
    if (partitions.length > 0) await session.callbacks.onAssign?.(offsets);
  }

  private async checkSeeks(): Promise<void> {
    const sought = [...this.seekPending];
    const marks = await this.startOffsets.watermarks(sought);
    for (const p of sought) {
      // Revoked or re-sought while we looked: the newer state decides.
      if (!this.seekPending.has(p) || !this.working.has(p)) continue;
      this.seekPending.delete(p);
      checkSeekTarget(p, this.working.get(p)!, this.startOffsets.rangeOf(marks, p));
      this.syncKafkajsPause(p);
    }
  }

  /** Drops what is buffered for `p` and has kafkajs fetch again from its working offset. */
  private rewindFetch(p: Partition): void {
    const offset = this.working.get(p)!;
    this.buffer.discard(p);
    this.fetchPosition.set(p, offset);
    this.session?.seek(p, offset);
  }

  private syncKafkajsPause(p: Partition): void {
    const paused = !this.working.has(p) || this.userPaused.has(p) || this.seekPending.has(p);
    this.session?.setPaused(p, paused);
  }

  // --- kafkajs side ----------------------------------------------------------------------

  private async startSession(topics: ReadonlyArray<Topic>, callbacks: SubscribeCallbacks): Promise<void> {
    const session = new KafkaGroupSession(
      this.kafka,
      {
        groupId: this.config.groupId,
        sessionTimeoutMs: this.config.sessionTimeoutMs,
        rebalanceTimeoutMs: this.config.maxPollIntervalMs,
        heartbeatIntervalMs: this.timings.heartbeatIntervalMs,
        fetchMaxWaitMs: this.config.fetchMaxWaitMs,
        fetchMaxBytesPerPartition: this.timings.fetchMaxBytesPerPartition,
        fromBeginning: this.config.autoOffsetReset === "earliest",
      },
      callbacks,
      this.handlers,
    );
    this.session = session;
    try {
      await session.start(topics);
    } catch (error) {
      this.session = null;
      throw error;
    }
  }

  private async stopSession(timeoutMs: number): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = null;
    clearTimeout(this.rejoinTimer);
    this.rejoinTimer = undefined;
    this.pendingAssignment = null;
    this.revocation?.done();
    this.revocation = null;
    this.buffer.wakeWaiters();
    if (!(await session.stop(timeoutMs))) this.logger.warn({ timeoutMs }, "kafka.consumer.leave_timeout");
  }

  /** kafkajs is about to send JoinGroup: everything we hold is about to be taken away. */
  private beforeJoin(session: KafkaGroupSession): Promise<void> {
    this.generation++;
    this.pendingAssignment = null;
    if (
      session !== this.session ||
      session.stopping ||
      this.isClosed ||
      this.working.size === 0 ||
      this.revocation
    ) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        // poll() did not come round in time: rejoin anyway, drop this generation's commits.
        this.committer.membershipEnded();
        this.buffer.clear();
        this.logger.warn({ waitedMs: this.timings.revocationBoundMs }, "kafka.consumer.revocation_overdue");
        resolve();
      }, this.timings.revocationBoundMs);
      this.revocation = {
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.notify();
    });
  }

  private onJoin(session: KafkaGroupSession, memberId: string, partitions: Partition[]): void {
    if (session !== this.session) return;
    clearTimeout(this.rejoinTimer);
    this.rejoinTimer = undefined;
    this.member = memberId;
    this.pendingAssignment = partitions;
    this.notify();
  }

  private onCrash(session: KafkaGroupSession, error: Error, restart: boolean): void {
    if (session !== this.session) return;
    this.committer.membershipEnded();
    this.logger.error({ err: error, restart }, "kafka.consumer.crashed");
    if (!restart) {
      this.fatal = new ConsumerError("the kafkajs consumer crashed and will not restart", { cause: error });
    } else if (this.rejoinTimer === undefined) {
      this.rejoinTimer = setTimeout(() => {
        if (session !== this.session || session.stopping) return;
        this.fatal = new ConsumerError(
          `the kafkajs consumer has not rejoined its group within ${REJOIN_BOUND_MS} ms of crashing`,
          { cause: error },
        );
        this.notify();
      }, REJOIN_BOUND_MS);
    }
    this.notify();
  }

  private async onBatch(session: KafkaGroupSession, payload: EachBatchPayload): Promise<void> {
    if (session !== this.session || payload.isStale()) return;
    const { batch } = payload;
    const p = Partition.of(batch.topic, batch.partition);
    // Unassigned, paused or being sought: leave kafkajs's position alone, it refetches later.
    if (!this.working.has(p) || this.userPaused.has(p) || this.seekPending.has(p)) return;
    this.buffer.append(p, batch.messages, this.fetchPosition.get(p) ?? 0);
    const last = batch.lastOffset();
    this.fetchPosition.set(p, Number(last) + 1);
    payload.resolveOffset(last);
    this.notify();
    // Natural backpressure: kafkajs fetches again only when this handler returns. Waiting
    // here (rather than pausing partitions) lets fetching restart the moment poll() has
    // drained, where a fully paused kafkajs sleeps a whole fetch wait. Heartbeats go on,
    // and the one that reports a rebalance ends the wait by throwing into kafkajs, which
    // then rejoins through beforeJoin.
    while (this.buffer.full && session === this.session && !session.stopping) {
      if (!(await this.buffer.waitForSpace(WAIT_HEARTBEAT_MS))) await payload.heartbeat();
    }
  }

  private onKafkajsLog(entry: LogEntry): void {
    // kafkajs resets an out-of-range fetch position to its default and commits that, with
    // only an error log to show for it (ConsumerGroup.recoverFromOffsetOutOfRange).
    if (!entry.log.message.startsWith("Offset out of range")) return;
    if (entry.log.groupId !== undefined && entry.log.groupId !== this.config.groupId) return;
    const where = `${String(entry.log.topic)}:${String(entry.log.partition)}`;
    if (this.config.strictOffsetReset) {
      this.fatal = new OffsetOutOfRange(`${where}: fetch offset out of range (kafkajs reset it)`);
      this.notify();
    } else {
      this.logger.warn({ partition: where }, "kafka.consumer.offset_reset");
    }
  }

  // --- lifecycle -------------------------------------------------------------------------

  private async shutdown(timeoutMs: number): Promise<void> {
    try {
      if (this.session && this.working.size > 0) await this.revoke();
    } finally {
      this.isClosed = true;
      this.committer.close();
      this.notify();
      await this.stopSession(timeoutMs);
      await this.admin.close();
    }
  }

  private assertOpen(method: string): void {
    if (this.isClosed) throw new InvalidStateError(`consumer is closed (${method})`);
  }

  private assertAssigned(partitions: Iterable<Partition>): Partition[] {
    const list = [...partitions];
    const unknown = list.filter((p) => !this.working.has(p));
    if (unknown.length > 0) throw new ConsumerError(`not assigned: ${unknown.map(String).join(", ")}`);
    return list;
  }
}
