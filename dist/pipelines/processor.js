// pipelines/processor.ts
import { Backpressure } from "./backpressure.js";
import { realSleep, yieldToEventLoop } from "./clock.js";
import { Committer } from "./committer.js";
import {
  EndOfPartition,
  InvalidMessage,
  InvalidStateError,
  MessageRejected,
  RecoverableError
} from "./errors.js";
import {
  DEFAULT_POLL_TIMEOUT_MS,
  inputTopics
} from "./processor-config.js";
import { ProcessorMetrics, TIMING_SAMPLE_EVERY } from "./processor-metrics.js";
import { StuckDetector } from "./stuck-detector.js";
import {
  Message,
  systemClock
} from "./types.js";
import {
  DEFAULT_POLL_TIMEOUT_MS as DEFAULT_POLL_TIMEOUT_MS2,
  streamProcessorConfig
} from "./processor-config.js";
var METRICS_FLUSH_MS = 1e3;
var YIELD_EVERY = 64;
var TERMINATED = /* @__PURE__ */ Symbol("terminated");
var StreamProcessor = class {
  constructor(deps, config) {
    this.config = config;
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
      this.logger
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
      (idleMs) => this.logger.warn({ idleMs }, "processor.unstuck")
    );
    this.terminated = new Promise((resolve) => {
      this.fireTerminate = () => resolve(TERMINATED);
    });
    for (const topic of topics) this.dlq?.topicFor(topic);
    this.consumer.subscribe(topics, {
      onAssign: (partitions) => this.onAssign(partitions),
      onRevoke: (partitions) => this.onRevoke(partitions)
    });
  }
  config;
  strategy = null;
  pending = null;
  shutdownRequested = false;
  terminateRequested = false;
  stopping = false;
  fireTerminate = () => {
  };
  terminated;
  consumer;
  factory;
  logger;
  dlq;
  clock;
  metrics;
  backpressure;
  committer;
  stuckDetector;
  pollTimeoutMs;
  nextMetricsFlush;
  samples = TIMING_SAMPLE_EVERY;
  /** True while the loop has not turned for longer than the stuck threshold. */
  get stuck() {
    return this.stuckDetector.stuck;
  }
  /** The stuck detector's check, for tests driving a ManualClock. */
  checkStuck() {
    this.stuckDetector.check(this.clock.now());
  }
  /**
   * First call: stop polling, drain the chain within the join timeout, commit, close the
   * consumer, shut the factory down. A second call: terminate the chain without draining.
   * Safe from a signal handler.
   */
  signalShutdown() {
    if (this.shutdownRequested) {
      this.terminateRequested = true;
      this.fireTerminate();
      this.logger.warn("processor.terminate_requested");
      return;
    }
    this.shutdownRequested = true;
    this.logger.info("processor.shutdown_requested");
  }
  async run() {
    this.stuckDetector.start();
    try {
      let untilYield = YIELD_EVERY;
      while (!this.shutdownRequested) {
        const waiting = this.iterate();
        if (waiting !== void 0) await waiting;
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
  async runOnce() {
    const waiting = this.iterate();
    if (waiting !== void 0) await waiting;
  }
  // The hot path is synchronous: with a record at hand (`pollBuffered`) and a chain that
  // takes it, an iteration allocates no promise. A promise is returned only when the
  // iteration has to wait (a real poll, backpressure, an invalid message, a commit).
  iterate() {
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
      let record;
      try {
        record = this.consumer.pollBuffered?.();
      } catch (error) {
        if (this.isSkippable(error)) return void 0;
        throw error;
      }
      if (record === void 0) return this.pollThenProcess(sampled);
      this.take(record);
    }
    return this.process(now, sampled);
  }
  async pollThenProcess(sampled) {
    const started = sampled ? performance.now() : 0;
    let record;
    try {
      record = await this.consumer.poll(this.pollTimeoutMs);
    } catch (error) {
      if (this.isSkippable(error)) return;
      throw error;
    }
    if (sampled) this.metrics.samplePoll(performance.now() - started);
    if (record !== null) this.take(record);
    const now = this.clock.now();
    this.committer.now = now;
    const waiting = this.process(now, sampled);
    if (waiting !== void 0) await waiting;
  }
  /** Transport trouble skips the iteration (§3.2); end of partition is only information. */
  isSkippable(error) {
    if (error instanceof RecoverableError) {
      this.logger.warn({ err: error }, "consumer.poll_failed");
      return true;
    }
    return error instanceof EndOfPartition;
  }
  process(now, sampled) {
    const strategy = this.strategy;
    if (strategy === null) {
      if (this.pending !== null) throw new InvalidStateError("message without an active strategy");
      return void 0;
    }
    const started = sampled ? performance.now() : 0;
    try {
      strategy.poll();
    } catch (error) {
      if (!(error instanceof InvalidMessage)) throw error;
      return this.handleInvalid(error);
    }
    const pending = this.pending;
    let rejected = false;
    let invalid = null;
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
    if (sampled) this.metrics.sampleProcessing(performance.now() - started);
    if (rejected) return this.thenCommit(this.onRejected(now));
    if (invalid !== null) return this.thenCommit(this.handleInvalid(invalid));
    return this.committer.requested ? this.committer.flush() : void 0;
  }
  async thenCommit(waiting) {
    await waiting;
    if (this.committer.requested) await this.committer.flush();
  }
  take(record) {
    this.pending = new Message(record);
    this.metrics.consumed(record.partition.topic);
    this.dlq?.remember(record);
  }
  // A record the paused poll returned belongs to the assignment a rebalance just made; if
  // a message is somehow still carried, rewind to the record instead.
  async onRejected(now) {
    const record = await this.backpressure.rejected(now);
    if (record === null) return;
    if (this.pending === null) {
      this.take(record);
    } else {
      this.consumer.seek(/* @__PURE__ */ new Map([[record.partition, record.offset]]));
      this.logger.warn(
        { partition: record.partition.key, offset: record.offset },
        "consumer.record_while_paused"
      );
    }
  }
  // §3.4. The named pending message is dropped (and a backpressure episode on it ends, so a
  // paused consumer resumes, #445); any other pending message is submitted again.
  async handleInvalid(error) {
    const pending = this.pending?.value;
    if (pending?.kind === "broker" && pending.partition === error.partition && pending.offset === error.offset) {
      this.pending = null;
      this.backpressure.end();
    }
    this.metrics.invalid(error.reason);
    if (error.logException) {
      this.logger.warn(
        { partition: error.partition.key, offset: error.offset, reason: error.reason, detail: error.detail },
        "message.invalid"
      );
    }
    if (this.dlq !== void 0) await this.dlq.route(error);
  }
  async onAssign(assignment) {
    this.metrics.rebalance("assign");
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
  async onRevoke(partitions) {
    this.metrics.rebalance("revoke");
    let remaining = /* @__PURE__ */ new Map();
    if (partitions.length > 0) {
      await this.closeStrategy();
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
  remainingAfter(revoked) {
    let current;
    try {
      current = this.consumer.tell();
    } catch (error) {
      if (error instanceof InvalidStateError) return /* @__PURE__ */ new Map();
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
  async closeStrategy() {
    const strategy = this.strategy;
    if (strategy === null) return;
    const started = performance.now();
    const deadline = started + this.config.joinTimeoutMs;
    this.committer.now = this.clock.now();
    strategy.close();
    for (; ; ) {
      try {
        const joined = strategy.join(Math.max(0, deadline - performance.now()));
        if (await Promise.race([joined, this.terminated]) === TERMINATED) {
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
  async shutdown() {
    this.stopping = true;
    if (this.terminateRequested) this.terminateStrategy();
    else await this.closeStrategy();
    this.metrics.flush();
    await this.consumer.close();
    await this.factory.shutdown();
    await this.dlq?.close();
    this.logger.info({ terminated: this.terminateRequested }, "processor.stopped");
  }
  terminateStrategy() {
    const strategy = this.strategy;
    this.strategy = null;
    this.pending = null;
    this.committer.discard();
    strategy?.terminate();
  }
  // The crash path (§3.2): terminate, close, shut down, then the caller rethrows. Each step
  // runs even if an earlier one fails, since we are already failing; their errors are only
  // logged so the original error is the one that surfaces.
  async abandon(error) {
    this.stopping = true;
    this.logger.error({ err: error }, "processor.crashed");
    const cleanups = [
      ["strategy.terminate", () => this.terminateStrategy()],
      ["consumer.close", () => this.consumer.closed ? void 0 : this.consumer.close()],
      ["factory.shutdown", () => this.factory.shutdown()],
      ["dlq.close", () => this.dlq?.abandon()]
    ];
    for (const [step, cleanup] of cleanups) {
      try {
        await cleanup();
      } catch (cleanupError) {
        this.logger.error({ err: cleanupError, step }, "processor.cleanup_failed");
      }
    }
  }
};
export {
  DEFAULT_POLL_TIMEOUT_MS2 as DEFAULT_POLL_TIMEOUT_MS,
  StreamProcessor,
  streamProcessorConfig
};
//# sourceMappingURL=processor.js.map
