// replay/feeder.ts
var LOGGED_FAILURES = 5;
var ReplayFeeder = class {
  /** `target` null = dry run: everything is counted, nothing is sent. */
  constructor(target, options) {
    this.target = target;
    this.options = options;
  }
  target;
  options;
  counts = { read: 0, produced: 0, skipped: 0, failed: 0 };
  inFlight = /* @__PURE__ */ new Set();
  /** Takes one message; resolves when the next one may come (rate limit, in-flight bound). */
  async offer(message) {
    this.counts.read += 1;
    if (message.value === null) {
      this.counts.skipped += 1;
      this.options.progress.advance();
      return;
    }
    await this.options.rate?.acquire();
    if (this.target === null) {
      this.counts.produced += 1;
      this.options.progress.advance();
      return;
    }
    const payload = { key: message.key, value: message.value, headers: message.headers };
    const sending = this.target.send(payload).then(
      () => {
        this.counts.produced += 1;
      },
      (error) => {
        this.counts.failed += 1;
        if (this.counts.failed <= LOGGED_FAILURES) {
          this.options.logger.error(
            { err: error, partition: message.partition, offset: message.offset },
            "replay.produce_failed"
          );
        }
      }
    );
    const tracked = sending.finally(() => {
      this.inFlight.delete(tracked);
      this.options.progress.advance();
    });
    this.inFlight.add(tracked);
    if (this.inFlight.size >= this.options.maxInFlight) await Promise.race(this.inFlight);
  }
  /** Waits for every produce in flight; returns the final counts. */
  async finish() {
    await Promise.all(this.inFlight);
    return this.counts;
  }
};
export {
  ReplayFeeder
};
//# sourceMappingURL=feeder.js.map
