// pipelines/strategies/reduce.ts
import { InvalidStateError, MessageRejected } from "../errors.js";
import {
  isFiltered,
  Message,
  mergeCommittable,
  systemClock
} from "../types.js";
import { deadlineAfter, remainingUntil, submitBefore } from "./drain.js";
var Reduce = class {
  constructor(next, options) {
    this.next = next;
    if (options.maxBatchSize < 1) throw new RangeError("Reduce needs maxBatchSize of at least 1");
    this.clock = options.clock ?? systemClock;
    this.maxBatchSize = options.maxBatchSize;
    this.maxBatchTimeMs = options.maxBatchTimeMs;
    this.accumulator = options.accumulator;
    this.initialValue = options.initialValue;
    this.computeBatchSize = options.computeBatchSize;
    this.instrumentation = options.instrumentation;
    this.accumulated = options.initialValue();
  }
  next;
  accumulated;
  committable = /* @__PURE__ */ new Map();
  timestamp = void 0;
  size = 0;
  count = 0;
  openedAt = 0;
  closed = false;
  nextClosed = false;
  clock;
  maxBatchSize;
  maxBatchTimeMs;
  accumulator;
  initialValue;
  computeBatchSize;
  instrumentation;
  submit(message) {
    if (this.closed) throw new InvalidStateError("Reduce: submit after close");
    if (isFiltered(message.payload)) {
      if (this.count === 0) this.next.submit(message);
      else mergeCommittable(this.committable, message.value);
      return;
    }
    if (this.size >= this.maxBatchSize) this.flush();
    const value = message.value;
    if (this.count === 0) this.openedAt = this.clock.now();
    mergeCommittable(this.committable, value);
    this.timestamp = value.timestamp;
    this.accumulated = this.accumulator(this.accumulated, value);
    this.size += this.computeBatchSize === void 0 ? 1 : this.computeBatchSize(value);
    this.count += 1;
    if (this.size >= this.maxBatchSize) this.tryFlush();
  }
  poll() {
    if (this.count > 0 && (this.size >= this.maxBatchSize || this.clock.now() - this.openedAt >= this.maxBatchTimeMs)) {
      this.tryFlush();
    }
    this.next.poll();
  }
  close() {
    this.closed = true;
  }
  async join(timeoutMs) {
    const deadline = deadlineAfter(timeoutMs);
    if (this.count > 0) {
      if (await submitBefore(this.next, this.batchMessage(), deadline)) this.recordFlush();
      this.reset();
    }
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }
  terminate() {
    this.closed = true;
    this.reset();
    this.next.terminate();
  }
  flush() {
    this.next.submit(this.batchMessage());
    this.recordFlush();
    this.reset();
  }
  // The message that filled the batch is already accepted, so a rejection here only means
  // the batch waits for the next poll.
  tryFlush() {
    try {
      this.flush();
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
    }
  }
  batchMessage() {
    return Message.value(this.accumulated, this.committable, this.timestamp);
  }
  recordFlush() {
    const i = this.instrumentation;
    if (i === void 0) return;
    const labels = { consumer: i.consumer, step: i.step };
    i.metrics.batchSize.observe(labels, this.count);
    i.metrics.batchTime.observe(labels, Math.max(0, this.clock.now() - this.openedAt) / 1e3);
  }
  reset() {
    this.accumulated = this.initialValue();
    this.committable = /* @__PURE__ */ new Map();
    this.timestamp = void 0;
    this.size = 0;
    this.count = 0;
  }
};
export {
  Reduce
};
//# sourceMappingURL=reduce.js.map
