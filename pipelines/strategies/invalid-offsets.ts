import { type InvalidMessage, MessageRejected } from "../errors.ts";
import { Message, type Partition, type ProcessingStrategy } from "../types.ts";
import { submitBefore } from "./drain.ts";

/**
 * The "invalid-message state" of a step that runs user code (specs/arroyo.md §2.2, §4.12):
 * it claims the offsets of InvalidMessages raised at or below it and later sends them on as
 * one filtered message, so a dead-lettered record's offset reaches the commit step in its
 * place. Steps forward these before anything newer, which keeps offsets in order.
 */
export class InvalidOffsets {
  private offsets = new Map<Partition, number>();
  /** True while recorded offsets wait to be forwarded (read on the hot path). */
  pending = false;

  /**
   * Claims the error's offset unless an inner step already did (`needsCommit` false), so
   * outer steps the exception passes through do not count it twice.
   */
  record(error: InvalidMessage): void {
    if (!error.needsCommit) return;
    error.needsCommit = false;
    const next = error.offset + 1;
    const current = this.offsets.get(error.partition);
    // Offsets only move forward; an older invalid record is already covered.
    if (current !== undefined && current >= next) return;
    this.offsets.set(error.partition, next);
    this.pending = true;
  }

  /** Sends the recorded offsets on; false (and kept) when the next step rejects them. */
  forward<T>(next: ProcessingStrategy<T>): boolean {
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
  async forwardBefore<T>(next: ProcessingStrategy<T>, deadline: number): Promise<boolean> {
    if (!this.pending) return true;
    const accepted = await submitBefore(next, Message.filtered(this.offsets), deadline);
    if (accepted) this.clear();
    return accepted;
  }

  clear(): void {
    this.offsets = new Map();
    this.pending = false;
  }
}
