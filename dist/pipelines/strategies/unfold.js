// pipelines/strategies/unfold.ts
import { InvalidStateError, MessageRejected } from "../errors.js";
import {
  isFiltered,
  Message,
  mergeCommittable
} from "../types.js";
import { deadlineAfter, remainingUntil, submitBefore } from "./drain.js";
var Unfold = class {
  constructor(generator, next) {
    this.generator = generator;
    this.next = next;
  }
  generator;
  next;
  pending = [];
  closed = false;
  nextClosed = false;
  submit(message) {
    if (this.closed) throw new InvalidStateError("Unfold: submit after close");
    if (this.pending.length > 0) throw new MessageRejected();
    if (isFiltered(message.payload)) {
      this.next.submit(message);
      return;
    }
    const outputs = [...this.generator(message.payload)];
    const last = outputs.length - 1;
    const tail = outputs[last];
    if (tail !== void 0 && tail.kind === "value" && tail.committable.size === 0) {
      outputs[last] = { ...tail, committable: message.committable };
    } else if (!coversSource(outputs, message.committable)) {
      outputs.push(Message.filtered(message.committable, message.timestamp).value);
    }
    this.pending = outputs;
    this.drain();
  }
  poll() {
    if (this.pending.length > 0) this.drain();
    this.next.poll();
  }
  close() {
    this.closed = true;
  }
  async join(timeoutMs) {
    const deadline = deadlineAfter(timeoutMs);
    while (this.pending.length > 0) {
      const head = this.pending[0];
      if (!await submitBefore(this.next, new Message(head), deadline)) break;
      this.pending.shift();
    }
    this.pending = [];
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }
  terminate() {
    this.closed = true;
    this.pending = [];
    this.next.terminate();
  }
  drain() {
    let sent = 0;
    try {
      for (; sent < this.pending.length; sent++) {
        this.next.submit(new Message(this.pending[sent]));
      }
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
    }
    this.pending = sent === this.pending.length ? [] : this.pending.slice(sent);
  }
};
function coversSource(outputs, source) {
  if (outputs.length === 0) return source.size === 0;
  const carried = /* @__PURE__ */ new Map();
  for (const value of outputs) mergeCommittable(carried, value);
  for (const [p, offset] of source) {
    if ((carried.get(p) ?? -1) < offset) return false;
  }
  return true;
}
export {
  Unfold
};
//# sourceMappingURL=unfold.js.map
