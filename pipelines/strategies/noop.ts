import { InvalidStateError } from "../errors.ts";
import type { FilteredPayload, Message, ProcessingStrategy } from "../types.ts";

/** Accepts and ignores everything; never commits. A sink for tests and dry runs. */
export class Noop<T> implements ProcessingStrategy<T> {
  private closed = false;

  submit(_message: Message<T | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("Noop: submit after close");
  }

  poll(): void {}

  close(): void {
    this.closed = true;
  }

  async join(): Promise<void> {}

  terminate(): void {
    this.closed = true;
  }
}
