// pipelines/strategies/filter.ts
import { IMMEDIATE } from "../commit-policy.js";
import { InvalidStateError, MessageRejected } from "../errors.js";
import {
  isFiltered,
  Message,
  mergeCommittable,
  systemClock
} from "../types.js";
import { deadlineAfter, remainingUntil, submitBefore } from "./drain.js";
import { BufferedCount } from "./instrumentation.js";
var Filter = class {
  constructor(predicate, next, options = {}) {
    this.predicate = predicate;
    this.next = next;
    this.clock = options.clock ?? systemClock;
    this.policy = (options.commitPolicy ?? IMMEDIATE).createState(this.clock.now());
    const i = options.instrumentation;
    if (i !== void 0) {
      const counter = i.metrics.messagesFiltered.labels({
        consumer: i.consumer,
        reason: options.reason ?? i.step
      });
      this.dropped = new BufferedCount((count) => counter.inc(count));
    }
  }
  predicate;
  next;
  uncommitted = /* @__PURE__ */ new Map();
  policy;
  clock;
  dropped;
  closed = false;
  nextClosed = false;
  submit(message) {
    if (this.closed) throw new InvalidStateError("Filter: submit after close");
    if (this.uncommitted.size > 0 && this.policy.shouldCommit(this.clock.now(), this.uncommitted)) {
      this.flush();
    }
    if (!isFiltered(message.payload) && this.predicate(message)) {
      if (this.uncommitted.size > 0) this.supersede(message);
      this.next.submit(message);
      return;
    }
    if (!isFiltered(message.payload)) this.dropped?.add();
    mergeCommittable(this.uncommitted, message.value);
    if (this.policy.shouldCommit(this.clock.now(), this.uncommitted)) this.tryFlush();
  }
  poll() {
    if (this.uncommitted.size > 0 && this.policy.shouldCommit(this.clock.now(), this.uncommitted)) {
      this.tryFlush();
    }
    this.dropped?.maybeFlush();
    this.next.poll();
  }
  close() {
    this.closed = true;
  }
  async join(timeoutMs) {
    const deadline = deadlineAfter(timeoutMs);
    if (this.uncommitted.size > 0) {
      if (await submitBefore(this.next, Message.filtered(this.uncommitted), deadline)) this.committed();
    }
    this.dropped?.flush();
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }
  terminate() {
    this.closed = true;
    this.dropped?.flush();
    this.next.terminate();
  }
  flush() {
    this.next.submit(Message.filtered(this.uncommitted));
    this.committed();
  }
  tryFlush() {
    try {
      this.flush();
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
    }
  }
  committed() {
    this.policy.didCommit(this.clock.now(), this.uncommitted);
    this.uncommitted = /* @__PURE__ */ new Map();
  }
  // A passing message's offset covers its partition's dropped offsets before it.
  supersede(message) {
    const value = message.value;
    if (value.kind === "broker") {
      this.uncommitted.delete(value.partition);
    } else {
      for (const p of value.committable.keys()) this.uncommitted.delete(p);
    }
  }
};
export {
  Filter
};
//# sourceMappingURL=filter.js.map
