// pipelines/strategies/produce.ts
import { Deque } from "../deque.js";
import { InvalidStateError, MessageRejected } from "../errors.js";
import {
  isFiltered
} from "../types.js";
import { deadlineAfter, remainingUntil, settledBefore, submitBefore } from "./drain.js";
import { BufferedCount } from "./instrumentation.js";
var DEFAULT_PRODUCE_BUFFER_SIZE = 1e4;
var ProduceFailed = class extends Error {
  constructor(topic, options) {
    super(`producing to ${topic} failed`, options);
    this.name = "ProduceFailed";
  }
};
var IN_FLIGHT = 0;
var ACKED = 1;
var FAILED = 2;
var Produce = class {
  constructor(producer, topic, next, options = {}) {
    this.producer = producer;
    this.topic = topic;
    this.next = next;
    this.maxBufferSize = options.maxBufferSize ?? DEFAULT_PRODUCE_BUFFER_SIZE;
    const i = options.instrumentation;
    if (i !== void 0) {
      const counter = i.metrics.messagesProduced.labels({ consumer: i.consumer, topic });
      this.produced = new BufferedCount((count) => counter.inc(count));
    }
  }
  producer;
  topic;
  next;
  queue = new Deque();
  maxBufferSize;
  produced;
  closed = false;
  nextClosed = false;
  submit(message) {
    if (this.closed) throw new InvalidStateError("Produce: submit after close");
    if (this.queue.length >= this.maxBufferSize) throw new MessageRejected();
    const entry = { message, state: ACKED, error: void 0, settled: void 0 };
    if (!isFiltered(message.payload)) {
      const ack = this.producer.produce(this.topic, message.payload);
      entry.state = IN_FLIGHT;
      entry.settled = ack.then(
        () => {
          entry.state = ACKED;
          this.produced?.add();
        },
        (error) => {
          entry.state = FAILED;
          entry.error = error;
        }
      );
    }
    this.queue.push(entry);
  }
  poll() {
    for (let head = this.queue.peek(); head !== void 0 && head.state !== IN_FLIGHT; head = this.queue.peek()) {
      if (!this.forwardHead(head)) break;
    }
    this.produced?.maybeFlush();
    this.next.poll();
  }
  close() {
    this.closed = true;
  }
  async join(timeoutMs) {
    const deadline = deadlineAfter(timeoutMs);
    for (let head = this.queue.peek(); head !== void 0; head = this.queue.peek()) {
      if (head.state === IN_FLIGHT && !await settledBefore(head.settled, deadline)) break;
      if (this.forwardHead(head)) continue;
      if (!await submitBefore(this.next, head.message, deadline)) break;
      this.queue.shift();
    }
    this.queue.clear();
    this.produced?.flush();
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }
  terminate() {
    this.closed = true;
    this.queue.clear();
    this.produced?.flush();
    this.next.terminate();
  }
  /** Forwards a settled head; false (kept) when the next step rejects it. */
  forwardHead(head) {
    if (head.state === FAILED) throw new ProduceFailed(this.topic, { cause: head.error });
    try {
      this.next.submit(head.message);
    } catch (error) {
      if (error instanceof MessageRejected) return false;
      throw error;
    }
    this.queue.shift();
    return true;
  }
};
export {
  DEFAULT_PRODUCE_BUFFER_SIZE,
  Produce,
  ProduceFailed
};
//# sourceMappingURL=produce.js.map
