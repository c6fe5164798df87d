import type { FilteredPayload, Message, ProcessingStrategy } from "../types.ts";

/**
 * Aborts `stop` once the chain is joined or terminated. A chain's steps may retry work
 * (a store outage) under that signal; nothing they hold can commit after the chain stops,
 * so the retries must end with it. Join aborts only after the inner steps drained.
 */
export class AbortWhenStopped<T> implements ProcessingStrategy<T> {
  constructor(
    private readonly inner: ProcessingStrategy<T>,
    private readonly stop: AbortController,
  ) {}

  submit(message: Message<T | FilteredPayload>): void {
    this.inner.submit(message);
  }

  poll(): void {
    this.inner.poll();
  }

  close(): void {
    this.inner.close();
  }

  async join(timeoutMs?: number): Promise<void> {
    try {
      await this.inner.join(timeoutMs);
    } finally {
      this.stop.abort();
    }
  }

  terminate(): void {
    this.stop.abort();
    this.inner.terminate();
  }
}
