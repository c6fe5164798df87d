// pipelines/strategies/invalid-offsets.ts
import { MessageRejected } from "../errors.js";
import { Message } from "../types.js";
import { submitBefore } from "./drain.js";
var InvalidOffsets = class {
  offsets = /* @__PURE__ */ new Map();
  /** True while recorded offsets wait to be forwarded (read on the hot path). */
  pending = false;
  /**
   * Claims the error's offset unless an inner step already did (`needsCommit` false), so
   * outer steps the exception passes through do not count it twice.
   */
  record(error) {
    if (!error.needsCommit) return;
    error.needsCommit = false;
    const next = error.offset + 1;
    const current = this.offsets.get(error.partition);
    if (current !== void 0 && current >= next) return;
    this.offsets.set(error.partition, next);
    this.pending = true;
  }
  /** Sends the recorded offsets on; false (and kept) when the next step rejects them. */
  forward(next) {
    if (!this.pending) return true;
    try {
      next.submit(Message.filtered(this.offsets));
    } catch (error) {
      if (error instanceof MessageRejected) return false;
      throw error;
    }
    this.clear();
    return true;
  }
  /** `forward`, retried until the deadline (for join). */
  async forwardBefore(next, deadline) {
    if (!this.pending) return true;
    const accepted = await submitBefore(next, Message.filtered(this.offsets), deadline);
    if (accepted) this.clear();
    return accepted;
  }
  clear() {
    this.offsets = /* @__PURE__ */ new Map();
    this.pending = false;
  }
};
export {
  InvalidOffsets
};
//# sourceMappingURL=invalid-offsets.js.map
