// pipelines/strategies/instrumentation.ts
var BufferedCount = class {
  constructor(publish) {
    this.publish = publish;
  }
  publish;
  pending = 0;
  lastFlush = performance.now();
  add(count = 1) {
    this.pending += count;
  }
  /** Publishes if something is pending and a second has passed; call from `poll`. */
  maybeFlush() {
    if (this.pending === 0) return;
    const now = performance.now();
    if (now - this.lastFlush >= 1e3) this.flush(now);
  }
  flush(now = performance.now()) {
    this.lastFlush = now;
    if (this.pending === 0) return;
    const count = this.pending;
    this.pending = 0;
    this.publish(count);
  }
};
export {
  BufferedCount
};
//# sourceMappingURL=instrumentation.js.map
