// pipelines/strategies/run-task-in-workers.ts
import { Deque } from "../deque.js";
import { InvalidMessage, InvalidStateError, MessageRejected } from "../errors.js";
import {
  isFiltered,
  systemClock
} from "../types.js";
import { decode, encode } from "../workers/protocol.js";
import { deadlineAfter, remainingUntil, settledBefore, submitBefore } from "./drain.js";
import { InvalidOffsets } from "./invalid-offsets.js";
var WorkerTaskFailed = class extends Error {
  constructor(task, options) {
    super(`worker task ${task.module}#${task.exportName} failed`, options);
    this.name = "WorkerTaskFailed";
  }
};
var RUNNING = 0;
var DONE = 1;
var FAILED = 2;
var RunTaskInWorkers = class {
  constructor(task, next, options) {
    this.task = task;
    this.next = next;
    this.pool = options.pool;
    this.maxBatchSize = options.maxBatchSize;
    this.maxBatchTimeMs = options.maxBatchTimeMs;
    this.maxBatchesInFlight = options.maxBatchesInFlight ?? options.pool.threads * 2;
    this.clock = options.clock ?? systemClock;
  }
  task;
  next;
  building = [];
  openedAt = 0;
  inFlight = new Deque();
  invalid = new InvalidOffsets();
  closed = false;
  nextClosed = false;
  pool;
  maxBatchSize;
  maxBatchTimeMs;
  maxBatchesInFlight;
  clock;
  submit(message) {
    if (this.closed) throw new InvalidStateError("RunTaskInWorkers: submit after close");
    if (this.building.length >= this.maxBatchSize && !this.send()) throw new MessageRejected();
    if (this.building.length === 0) this.openedAt = this.clock.now();
    this.building.push(message);
    if (this.building.length >= this.maxBatchSize) this.send();
  }
  poll() {
    if (!this.invalid.pending || this.invalid.forward(this.next)) this.forwardCompleted();
    if (this.building.length > 0 && this.clock.now() - this.openedAt >= this.maxBatchTimeMs) this.send();
    this.next.poll();
  }
  close() {
    this.closed = true;
  }
  async join(timeoutMs) {
    const deadline = deadlineAfter(timeoutMs);
    if (await this.invalid.forwardBefore(this.next, deadline)) {
      for (; ; ) {
        if (this.building.length > 0) this.send();
        const head = this.inFlight.peek();
        if (head === void 0) break;
        if (head.state === RUNNING && !await settledBefore(head.settled, deadline)) break;
        if (!await this.forwardBefore(head, deadline)) break;
        this.inFlight.shift();
      }
    }
    this.inFlight.clear();
    this.building = [];
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }
  terminate() {
    this.closed = true;
    this.inFlight.clear();
    this.building = [];
    this.invalid.clear();
    this.next.terminate();
  }
  send() {
    if (this.inFlight.length >= this.maxBatchesInFlight) return false;
    const messages = this.building;
    this.building = [];
    const items = new Int32Array(messages.length).fill(-1);
    const wire = [[], [], [], [], []];
    messages.forEach((message, i) => {
      if (isFiltered(message.payload)) return;
      items[i] = wire[0].length;
      const value = message.value;
      wire[0].push(value.payload);
      wire[1].push(value.kind === "broker" ? value.partition.topic : null);
      wire[2].push(value.kind === "broker" ? value.partition.index : -1);
      wire[3].push(value.kind === "broker" ? value.offset : -1);
      wire[4].push(value.timestamp);
    });
    const batch = {
      messages,
      items,
      state: DONE,
      results: [],
      invalid: /* @__PURE__ */ new Map(),
      error: void 0,
      settled: void 0,
      forwarded: 0
    };
    if (wire[0].length > 0) {
      batch.state = RUNNING;
      const input = encode(wire);
      batch.settled = this.pool.run({ module: this.task.module, exportName: this.task.exportName, input }).then(
        (output) => {
          const [results, invalid] = decode(output);
          batch.results = results;
          for (const [item, reason, detail] of invalid) batch.invalid.set(item, [reason, detail]);
          batch.state = DONE;
        },
        (error) => {
          batch.error = error;
          batch.state = FAILED;
        }
      );
    }
    this.inFlight.push(batch);
    return true;
  }
  forwardCompleted() {
    for (let head = this.inFlight.peek(); head !== void 0 && head.state !== RUNNING; head = this.inFlight.peek()) {
      while (head.forwarded < head.messages.length) {
        const output = this.outputAt(head);
        try {
          this.next.submit(output);
        } catch (error) {
          if (error instanceof MessageRejected) return;
          this.skipFailed(head, error);
        }
        head.forwarded += 1;
      }
      this.inFlight.shift();
    }
  }
  async forwardBefore(head, deadline) {
    while (head.forwarded < head.messages.length) {
      const output = this.outputAt(head);
      try {
        if (!await submitBefore(this.next, output, deadline)) return false;
      } catch (error) {
        this.skipFailed(head, error);
      }
      head.forwarded += 1;
    }
    return true;
  }
  /** The next output of a settled batch; throws for a failed batch or an invalid item. */
  outputAt(head) {
    if (head.state === FAILED) {
      this.inFlight.shift();
      throw new WorkerTaskFailed(this.task, { cause: head.error });
    }
    const message = head.messages[head.forwarded];
    const item = head.items[head.forwarded];
    if (item < 0) return message;
    const invalid = head.invalid.get(item);
    if (invalid !== void 0) {
      const value = message.value;
      if (value.kind !== "broker") {
        throw new InvalidStateError(
          "an InvalidMessage needs a broker record; raise it before batching (Arroyo #373)"
        );
      }
      head.forwarded += 1;
      const error = new InvalidMessage(value.partition, value.offset, invalid[0], invalid[1]);
      this.invalid.record(error);
      throw error;
    }
    return message.replace(head.results[item]);
  }
  // An InvalidMessage from the next step consumed the item; anything else is fatal.
  skipFailed(head, error) {
    if (error instanceof InvalidMessage) {
      head.forwarded += 1;
      this.invalid.record(error);
    }
    throw error;
  }
};
export {
  RunTaskInWorkers,
  WorkerTaskFailed
};
//# sourceMappingURL=run-task-in-workers.js.map
