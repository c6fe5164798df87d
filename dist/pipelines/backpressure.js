// pipelines/backpressure.ts
import { EndOfPartition, RecoverableError } from "./errors.js";
var PAUSED_POLL_TIMEOUT_MS = 100;
var RETRY_MS = 10;
var Backpressure = class {
  constructor(consumer, pauseAfterMs, clock, sleep, metrics, logger) {
    this.consumer = consumer;
    this.pauseAfterMs = pauseAfterMs;
    this.clock = clock;
    this.sleep = sleep;
    this.metrics = metrics;
    this.logger = logger;
  }
  consumer;
  pauseAfterMs;
  clock;
  sleep;
  metrics;
  logger;
  since = null;
  paused = false;
  /** True during an episode (read on the hot path). */
  get active() {
    return this.since !== null;
  }
  /**
   * Arroyo's branches for a rejection: note the start; past the threshold pause every
   * assigned partition; while paused poll briefly so the membership stays alive (#391);
   * otherwise wait a little instead of spinning (#253). Resolves to a record the paused poll
   * returned: a paused consumer returns nothing, so such a record means a rebalance ran
   * inside that poll (and cleared the carried message). Arroyo ignores it, which skips it;
   * the processor keeps it.
   */
  async rejected(now) {
    if (this.since === null) {
      this.since = now;
    } else if (!this.paused && now - this.since > this.pauseAfterMs) {
      this.pauseAll(now - this.since);
    } else if (this.paused) {
      try {
        return await this.consumer.poll(PAUSED_POLL_TIMEOUT_MS);
      } catch (error) {
        if (error instanceof RecoverableError || error instanceof EndOfPartition) return null;
        throw error;
      }
    } else {
      await this.sleep(RETRY_MS);
    }
    return null;
  }
  /**
   * Ends the episode: records its length and resumes what is paused. Called when the
   * carried message is taken, dropped as invalid (#445) or cleared with its strategy (#299);
   * resuming then also covers partitions that stay assigned across a rebalance (pitfall 9).
   */
  end() {
    if (this.since !== null) {
      this.metrics.backpressure(Math.max(0, this.clock.now() - this.since));
      this.since = null;
    }
    if (this.paused) this.resumeAll();
  }
  pauseAll(backpressureMs) {
    const assigned = [...this.consumer.tell().keys()];
    this.consumer.pause(assigned);
    this.paused = true;
    this.metrics.paused(assigned.length);
    this.logger.info({ partitions: assigned.length, backpressureMs }, "consumer.paused");
  }
  resumeAll() {
    this.paused = false;
    if (this.consumer.closed) return;
    const paused = this.consumer.paused();
    if (paused.length > 0) this.consumer.resume(paused);
    this.metrics.paused(0);
    this.logger.info({ partitions: paused.length }, "consumer.resumed");
  }
};
export {
  Backpressure
};
//# sourceMappingURL=backpressure.js.map
