// pipelines/strategies/run-task-async.ts
import { Deque } from "../deque.js";
import { InvalidMessage, InvalidStateError, MessageRejected } from "../errors.js";
import { isFiltered } from "../types.js";
import { deadlineAfter, remainingUntil, settledBefore, submitBefore } from "./drain.js";
import { InvalidOffsets } from "./invalid-offsets.js";
var WAITING = 0;
var RUNNING = 1;
var DONE = 2;
var FAILED = 3;
var RunTaskAsync = class {
  constructor(fn, next, options) {
    this.fn = fn;
    this.next = next;
    if (options.concurrency < 1 || options.maxPending < 1) {
      throw new RangeError("RunTaskAsync needs concurrency and maxPending of at least 1");
    }
    this.concurrency = options.concurrency;
    this.maxPending = options.maxPending;
  }
  fn;
  next;
  queue = new Deque();
  waiting = new Deque();
  invalid = new InvalidOffsets();
  running = 0;
  closed = false;
  terminated = false;
  nextClosed = false;
  concurrency;
  maxPending;
  submit(message) {
    if (this.closed) throw new InvalidStateError("RunTaskAsync: submit after close");
    if (this.queue.length >= this.maxPending) throw new MessageRejected();
    const entry = {
      message,
      state: WAITING,
      result: void 0,
      error: void 0,
      settled: void 0
    };
    this.queue.push(entry);
    if (isFiltered(message.payload)) {
      entry.state = DONE;
    } else if (this.running < this.concurrency) {
      this.start(entry);
    } else {
      this.waiting.push(entry);
    }
  }
  poll() {
    if (!this.invalid.pending || this.invalid.forward(this.next)) {
      for (let head = this.queue.peek(); head !== void 0 && head.state >= DONE; head = this.queue.peek()) {
        if (!this.forwardHead(head)) break;
      }
    }
    this.next.poll();
  }
  close() {
    this.closed = true;
  }
  async join(timeoutMs) {
    const deadline = deadlineAfter(timeoutMs);
    if (await this.invalid.forwardBefore(this.next, deadline)) {
      for (let head = this.queue.peek(); head !== void 0; head = this.queue.peek()) {
        if (head.state === WAITING) this.startHead(head);
        if (head.state < DONE && !await settledBefore(head.settled, deadline)) break;
        if (this.forwardHead(head)) continue;
        if (!await this.submitHeadBefore(head, deadline)) break;
      }
    }
    this.queue.clear();
    this.waiting.clear();
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }
  terminate() {
    this.closed = true;
    this.terminated = true;
    this.queue.clear();
    this.waiting.clear();
    this.invalid.clear();
    this.next.terminate();
  }
  /** Forwards a finished head entry; false (entry kept) when the next step rejects it. */
  forwardHead(head) {
    if (head.state === FAILED) {
      this.queue.shift();
      if (head.error instanceof InvalidMessage) this.invalid.record(head.error);
      throw head.error;
    }
    try {
      this.next.submit(this.outputOf(head));
    } catch (error) {
      if (error instanceof MessageRejected) return false;
      this.queue.shift();
      if (error instanceof InvalidMessage) this.invalid.record(error);
      throw error;
    }
    this.queue.shift();
    return true;
  }
  outputOf(entry) {
    return isFiltered(entry.message.payload) ? entry.message : entry.message.replace(entry.result);
  }
  start(entry) {
    entry.state = RUNNING;
    this.running += 1;
    let result;
    try {
      result = this.fn(entry.message);
    } catch (error) {
      result = Promise.reject(error);
    }
    entry.settled = Promise.resolve(result).then(
      (value) => this.settle(entry, DONE, value, void 0),
      (error) => this.settle(entry, FAILED, void 0, error)
    );
  }
  settle(entry, state, result, error) {
    entry.state = state;
    entry.result = result;
    entry.error = error;
    this.running -= 1;
    if (this.terminated) return;
    const waiting = this.waiting.shift();
    if (waiting !== void 0) this.start(waiting);
  }
  // Tasks start in FIFO order, so the head waits only if nothing ran ahead of it.
  startHead(head) {
    if (this.waiting.peek() === head) this.waiting.shift();
    this.start(head);
  }
  async submitHeadBefore(head, deadline) {
    try {
      if (!await submitBefore(this.next, this.outputOf(head), deadline)) return false;
    } catch (error) {
      if (error instanceof InvalidMessage) {
        this.queue.shift();
        this.invalid.record(error);
      }
      throw error;
    }
    this.queue.shift();
    return true;
  }
};
export {
  RunTaskAsync
};
//# sourceMappingURL=run-task-async.js.map
