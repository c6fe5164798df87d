// pipelines/strategies/commit-offsets.ts
import { InvalidStateError } from "../errors.js";
import {
  systemClock
} from "../types.js";
var NOTHING = /* @__PURE__ */ new Map();
var LATENCY_INTERVAL_MS = 1e3;
var CommitOffsets = class {
  constructor(commit, options = {}) {
    this.commit = commit;
    this.clock = options.clock ?? systemClock;
    this.instrumentation = options.instrumentation;
  }
  commit;
  closed = false;
  lastLatencyAt = Number.NEGATIVE_INFINITY;
  clock;
  instrumentation;
  submit(message) {
    if (this.closed) throw new InvalidStateError("CommitOffsets: submit after close");
    const i = this.instrumentation;
    if (i !== void 0 && message.timestamp !== void 0) {
      const now = this.clock.now();
      if (now - this.lastLatencyAt >= LATENCY_INTERVAL_MS) {
        this.lastLatencyAt = now;
        i.metrics.consumerLatency.observe(
          { consumer: i.consumer },
          Math.max(0, now - message.timestamp) / 1e3
        );
      }
    }
    this.commit(message.committable);
  }
  poll() {
    this.commit(NOTHING);
  }
  close() {
    this.closed = true;
  }
  async join() {
    this.commit(NOTHING, true);
  }
  terminate() {
    this.closed = true;
  }
};
export {
  CommitOffsets
};
//# sourceMappingURL=commit-offsets.js.map
