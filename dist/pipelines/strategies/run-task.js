// pipelines/strategies/run-task.ts
import { InvalidMessage, InvalidStateError, MessageRejected } from "../errors.js";
import { isFiltered } from "../types.js";
import { deadlineAfter, remainingUntil, submitBefore } from "./drain.js";
import { InvalidOffsets } from "./invalid-offsets.js";
var RunTask = class {
  constructor(fn, next) {
    this.fn = fn;
    this.next = next;
  }
  fn;
  next;
  carried = null;
  invalid = new InvalidOffsets();
  closed = false;
  nextClosed = false;
  submit(message) {
    if (this.closed) throw new InvalidStateError("RunTask: submit after close");
    if (this.carried !== null) throw new MessageRejected();
    if (this.invalid.pending && !this.invalid.forward(this.next)) throw new MessageRejected();
    if (isFiltered(message.payload)) {
      this.next.submit(message);
      return;
    }
    let output;
    try {
      output = message.replace(this.fn(message));
    } catch (error) {
      if (error instanceof InvalidMessage) this.invalid.record(error);
      throw error;
    }
    try {
      this.next.submit(output);
    } catch (error) {
      if (error instanceof MessageRejected) {
        this.carried = output;
        return;
      }
      if (error instanceof InvalidMessage) this.invalid.record(error);
      throw error;
    }
  }
  poll() {
    if (this.invalid.pending) this.invalid.forward(this.next);
    const carried = this.carried;
    if (carried !== null) {
      try {
        this.next.submit(carried);
        this.carried = null;
      } catch (error) {
        if (error instanceof InvalidMessage) {
          this.carried = null;
          this.invalid.record(error);
          throw error;
        }
        if (!(error instanceof MessageRejected)) throw error;
      }
    }
    this.next.poll();
  }
  close() {
    this.closed = true;
    if (this.invalid.pending) this.invalid.forward(this.next);
  }
  async join(timeoutMs) {
    const deadline = deadlineAfter(timeoutMs);
    await this.invalid.forwardBefore(this.next, deadline);
    const carried = this.carried;
    if (carried !== null) {
      try {
        await submitBefore(this.next, carried, deadline);
        this.carried = null;
      } catch (error) {
        if (error instanceof InvalidMessage) {
          this.carried = null;
          this.invalid.record(error);
        }
        throw error;
      }
    }
    if (!this.nextClosed) {
      this.nextClosed = true;
      this.next.close();
    }
    await this.next.join(remainingUntil(deadline));
  }
  terminate() {
    this.closed = true;
    this.carried = null;
    this.invalid.clear();
    this.next.terminate();
  }
};
export {
  RunTask
};
//# sourceMappingURL=run-task.js.map
