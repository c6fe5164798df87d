import type { Consumer } from "../consumers/types.ts";
import type { Logger } from "../observability/logger.ts";
import { Backpressure } from "./backpressure.ts";
import { realSleep, yieldToEventLoop } from "./clock.ts";
import { Committer } from "./committer.ts";
import type { DeadLetterQueue } from "./dlq.ts";
import {
  EndOfPartition,
  InvalidMessage,
  InvalidStateError,
  MessageRejected,
  RecoverableError,
} from "./errors.ts";
import {
  DEFAULT_POLL_TIMEOUT_MS,
  inputTopics,
  type StreamProcessorConfig,
  type StreamProcessorDeps,
} from "./processor-config.ts";
import { ProcessorMetrics, TIMING_SAMPLE_EVERY } from "./processor-metrics.ts";
import { StuckDetector } from "./stuck-detector.ts";
import {
  type BrokerValue,
  type Clock,
  type KafkaPayload,
  Message,
  type Partition,
  type ProcessingStrategy,
  type ProcessingStrategyFactory,
  systemClock,
} from "./types.ts";

export {
  DEFAULT_POLL_TIMEOUT_MS,
  type InputTopics,
  type StreamProcessorConfig,
  type StreamProcessorDeps,
  streamProcessorConfig,
} from "./processor-config.ts";

/** Arroyo's loop constants (specs/arroyo.md appendix). */
const METRICS_FLUSH_MS = 1000;
/** Iterations between turns of the event loop: `await` alone only drains microtasks. */
const YIELD_EVERY = 64;

const TERMINATED: unique symbol = Symbol("terminated");

/**
 * Runs one consumer: polls it, drives the strategy chain, handles backpressure, invalid
 * messages, rebalances, commits and shutdown (specs/arroyo.md §3). `run()` loops until
 * `signalShutdown()`; `runOnce()` is one iteration, public as a test hook.
 */
export class StreamProcessor {
  private strategy: ProcessingStrategy<KafkaPayload> | null = null;
  private pending: Message<KafkaPayload> | null = null;
  private shutdownRequested = false;
  private terminateRequested = false;
  private stopping = false;
  private fireTerminate: () => void = () => {};
  private readonly terminated: Promise<typeof TERMINATED>;
  private readonly consumer: Consumer;
  private readonly factory: ProcessingStrategyFactory<KafkaPayload>;
  private readonly logger: Logger;
  private readonly dlq: DeadLetterQueue | undefined;
  private readonly clock: Clock;
  private readonly metrics: ProcessorMetrics;
  private readonly backpressure: Backpressure;
  private readonly committer: Committer;
  private readonly stuckDetector: StuckDetector;
  private readonly pollTimeoutMs: number;
  private nextMetricsFlush: number;
  private samples = TIMING_SAMPLE_EVERY;

  constructor(
    deps: StreamProcessorDeps,
    private readonly config: StreamProcessorConfig,
  ) {
    this.consumer = deps.consumer;
    this.factory = deps.factory;
    this.logger = deps.logger.child({ consumer: config.name });
    this.dlq = deps.dlq;
    this.clock = deps.clock ?? systemClock;
    this.pollTimeoutMs = config.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS;
    const topics = inputTopics(config);
    this.metrics = new ProcessorMetrics(deps.metrics, config.name, topics);
    this.backpressure = new Backpressure(
      this.consumer,
      config.backpressurePauseAfterMs,
      this.clock,
      deps.sleep ?? realSleep,
      this.metrics,
      this.logger,
    );
    const now = this.clock.now();
    this.nextMetricsFlush = now + METRICS_FLUSH_MS;
    this.committer = new Committer(this.consumer, config.commitPolicy, now, this.metrics, this.dlq);
    this.stuckDetector = new StuckDetector(
      config.stuckThresholdMs,
      this.clock,
      (idleMs) => {
        this.metrics.stuck();
        this.logger.error({ idleMs, thresholdMs: config.stuckThresholdMs }, "processor.stuck");
      },
      (idleMs) => this.logger.warn({ idleMs }, "processor.unstuck"),
    );
    this.terminated = new Promise((resolve) => {
      this.fireTerminate = () => resolve(TERMINATED);
    });
    // Subscribing at construction, as Arroyo does; the callbacks run inside consumer.poll.
    // A record from an input without a dead-letter topic could not be routed: fail now.
    for (const topic of topics) this.dlq?.topicFor(topic);
    this.consumer.subscribe(topics, {
      onAssign: (partitions) => this.onAssign(partitions),
      onRevoke: (partitions) => this.onRevoke(partitions),
    });
  }

  /** True while the loop has not turned for longer than the stuck threshold. */
  get stuck(): boolean {
    return this.stuckDetector.stuck;
  }

  /** The stuck detector's check, for tests driving a ManualClock. */
  checkStuck(): void {
    this.stuckDetector.check(this.clock.now());
  }

  /**
   * First call: stop polling, drain the chain within the join timeout, commit, close the
   * consumer, shut the factory down. A second call: terminate the chain without draining.
   * Safe from a signal handler.
   */
  signalShutdown(): void {
    if (this.shutdownRequested) {
      this.terminateRequested = true;
      this.fireTerminate();
      this.logger.warn("processor.terminate_requested");
      return;
    }
    this.shutdownRequested = true;
    this.logger.info("processor.shutdown_requested");
  }

  async run(): Promise<void> {
    this.stuckDetector.start();
    try {
      let untilYield = YIELD_EVERY;
      while (!this.shutdownRequested) {
        const waiting = this.iterate();
        if (waiting !== undefined) await waiting;
        if (--untilYield === 0) {
          untilYield = YIELD_EVERY;
          await yieldToEventLoop();
        }
      }
      await this.shutdown();
    } catch (error) {
      await this.abandon(error);
      throw error;
    } finally {
      this.stuckDetector.stop();
      this.metrics.flush();
    }
  }

  /** One loop iteration (specs/arroyo.md §3.2); the test hook. */
  async runOnce(): Promise<void> {
    const waiting = this.iterate();
    if (waiting !== undefined) await waiting;
  }

  // The hot path is synchronous: with a record at hand (`pollBuffered`) and a chain that
  // takes it, an iteration allocates no promise. A promise is returned only when the
  // iteration has to wait (a real poll, backpressure, an invalid message, a commit).
  private iterate(): Promise<void> | undefined {
    const now = this.clock.now();
    this.committer.now = now;
    this.stuckDetector.progress(now);
    this.metrics.runs++;
    if (now >= this.nextMetricsFlush) {
      this.nextMetricsFlush = now + METRICS_FLUSH_MS;
      this.metrics.flush();
    }
    const sampled = --this.samples === 0;
    if (sampled) this.samples = TIMING_SAMPLE_EVERY;
    if (this.pending === null) {
      let record: BrokerValue<KafkaPayload> | undefined;
      try {
        record = this.consumer.pollBuffered?.();
      } catch (error) {
        if (this.isSkippable(error)) return undefined;
        throw error;
      }
      if (record === undefined) return this.pollThenProcess(sampled);
      this.take(record);
    }
    return this.process(now, sampled);
  }

  private async pollThenProcess(sampled: boolean): Promise<void> {
    const started = sampled ? performance.now() : 0;
    let record: BrokerValue<KafkaPayload> | null;
    try {
      record = await this.consumer.poll(this.pollTimeoutMs);
    } catch (error) {
      if (this.isSkippable(error)) return;
      throw error;
    }
    if (sampled) this.metrics.samplePoll(performance.now() - started);
    if (record !== null) this.take(record);
    // The poll may have waited its whole timeout: time-based commits need a fresh clock.
    const now = this.clock.now();
    this.committer.now = now;
    const waiting = this.process(now, sampled);
    if (waiting !== undefined) await waiting;
  }

  /** Transport trouble skips the iteration (§3.2); end of partition is only information. */
  private isSkippable(error: unknown): boolean {
    if (error instanceof RecoverableError) {
      this.logger.warn({ err: error }, "consumer.poll_failed");
      return true;
    }
    return error instanceof EndOfPartition;
  }

  private process(now: number, sampled: boolean): Promise<void> | undefined {
    const strategy = this.strategy;
    if (strategy === null) {
      if (this.pending !== null) throw new InvalidStateError("message without an active strategy");
      return undefined;
    }
    const started = sampled ? performance.now() : 0;
    try {
      strategy.poll();
    } catch (error) {
      if (!(error instanceof InvalidMessage)) throw error;
      // Ends the iteration: the strategy gets to forward the invalid offset before anything newer.
      return this.handleInvalid(error);
    }
    const pending = this.pending;
    let rejected = false;
    let invalid: InvalidMessage | null = null;
    if (pending !== null) {
      try {
        strategy.submit(pending);
        this.pending = null;
        if (this.backpressure.active) this.backpressure.end();
      } catch (error) {
        if (error instanceof MessageRejected) rejected = true;
        else if (error instanceof InvalidMessage) invalid = error;
        else throw error;
      }
    }
    // Processing time is the chain's own; a backpressure wait is counted apart.
    if (sampled) this.metrics.sampleProcessing(performance.now() - started);
    if (rejected) return this.thenCommit(this.onRejected(now));
    if (invalid !== null) return this.thenCommit(this.handleInvalid(invalid));
    return this.committer.requested ? this.committer.flush() : undefined;
  }

  private async thenCommit(waiting: Promise<void>): Promise<void> {
    await waiting;
    if (this.committer.requested) await this.committer.flush();
  }

  private take(record: BrokerValue<KafkaPayload>): void {
    this.pending = new Message(record);
    this.metrics.consumed(record.partition.topic);
    this.dlq?.remember(record);
  }

  // A record the paused poll returned belongs to the assignment a rebalance just made; if
  // a message is somehow still carried, rewind to the record instead.
  private async onRejected(now: number): Promise<void> {
    const record = await this.backpressure.rejected(now);
    if (record === null) return;
    if (this.pending === null) {
      this.take(record);
    } else {
      this.consumer.seek(new Map([[record.partition, record.offset]]));
      this.logger.warn(
        { partition: record.partition.key, offset: record.offset },
        "consumer.record_while_paused",
      );
    }
  }

  // §3.4. The named pending message is dropped (and a backpressure episode on it ends, so a
  // paused consumer resumes, #445); any other pending message is submitted again.
  private async handleInvalid(error: InvalidMessage): Promise<void> {
    const pending = this.pending?.value;
    if (
      pending?.kind === "broker" &&
      pending.partition === error.partition &&
      pending.offset === error.offset
    ) {
      this.pending = null;
      this.backpressure.end();
    }
    this.metrics.invalid(error.reason);
    if (error.logException) {
      this.logger.warn(
        { partition: error.partition.key, offset: error.offset, reason: error.reason, detail: error.detail },
        "message.invalid",
      );
    }
    if (this.dlq !== undefined) await this.dlq.route(error);
  }

  private async onAssign(assignment: ReadonlyMap<Partition, number>): Promise<void> {
    this.metrics.rebalance("assign");
    // Overlay on what is already held, for incremental (cooperative) assignment (#407).
    const current = this.consumer.tell();
    for (const [p, offset] of assignment) current.set(p, offset);
    this.dlq?.assign(current);
    this.metrics.assigned(current.size);
    this.logger.info({ partitions: [...assignment.keys()].map(String) }, "partitions.assigned");
    if (current.size === 0 || this.stopping) return;
    if (this.strategy !== null) {
      this.logger.warn("strategy.replaced_on_assign");
      await this.closeStrategy();
    }
    this.strategy = this.factory.createWithPartitions(this.committer.commit, current);
  }

  private async onRevoke(partitions: ReadonlyArray<Partition>): Promise<void> {
    this.metrics.rebalance("revoke");
    let remaining = new Map<Partition, number>();
    if (partitions.length > 0) {
      await this.closeStrategy();
      // While stopping (consumer.close revokes everything) no chain is rebuilt.
      if (!this.stopping) remaining = this.remainingAfter(partitions);
      if (remaining.size > 0) {
        this.strategy = this.factory.createWithPartitions(this.committer.commit, remaining);
      }
    }
    this.dlq?.revoke(partitions);
    this.committer.forget(partitions);
    this.metrics.assigned(remaining.size);
    this.logger.info({ partitions: partitions.map(String) }, "partitions.revoked");
  }

  private remainingAfter(revoked: ReadonlyArray<Partition>): Map<Partition, number> {
    let current: Map<Partition, number>;
    try {
      current = this.consumer.tell();
    } catch (error) {
      if (error instanceof InvalidStateError) return new Map();
      throw error;
    }
    for (const p of revoked) current.delete(p);
    return current;
  }

  /**
   * §3.5: close and drain the chain within the join timeout (one deadline across the
   * InvalidMessage retries), commit what it staged, and clear every piece of per-strategy
   * state (#299), resuming partitions left paused (pitfall 9).
   */
  private async closeStrategy(): Promise<void> {
    const strategy = this.strategy;
    if (strategy === null) return;
    const started = performance.now();
    const deadline = started + this.config.joinTimeoutMs;
    this.committer.now = this.clock.now();
    strategy.close();
    for (;;) {
      try {
        const joined = strategy.join(Math.max(0, deadline - performance.now()));
        if ((await Promise.race([joined, this.terminated])) === TERMINATED) {
          this.strategy = null;
          strategy.terminate();
          this.committer.discard();
          break;
        }
        break;
      } catch (error) {
        if (!(error instanceof InvalidMessage)) throw error;
        await this.handleInvalid(error);
      }
    }
    this.strategy = null;
    this.pending = null;
    this.backpressure.end();
    if (this.committer.requested) await this.committer.flush();
    this.logger.info({ durationMs: Math.round(performance.now() - started) }, "strategy.closed");
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.terminateRequested) this.terminateStrategy();
    else await this.closeStrategy();
    this.metrics.flush();
    await this.consumer.close();
    await this.factory.shutdown();
    await this.dlq?.close();
    this.logger.info({ terminated: this.terminateRequested }, "processor.stopped");
  }

  private terminateStrategy(): void {
    const strategy = this.strategy;
    this.strategy = null;
    this.pending = null;
    this.committer.discard();
    strategy?.terminate();
  }

  // The crash path (§3.2): terminate, close, shut down, then the caller rethrows. Each step
  // runs even if an earlier one fails, since we are already failing; their errors are only
  // logged so the original error is the one that surfaces.
  private async abandon(error: unknown): Promise<void> {
    this.stopping = true;
    this.logger.error({ err: error }, "processor.crashed");
    const cleanups: Array<[string, () => unknown]> = [
      ["strategy.terminate", () => this.terminateStrategy()],
      ["consumer.close", () => (this.consumer.closed ? undefined : this.consumer.close())],
      ["factory.shutdown", () => this.factory.shutdown()],
      ["dlq.close", () => this.dlq?.abandon()],
    ];
    for (const [step, cleanup] of cleanups) {
      try {
        await cleanup();
      } catch (cleanupError) {
        this.logger.error({ err: cleanupError, step }, "processor.cleanup_failed");
      }
    }
  }
}
