import { describe, expect, it } from "vitest";
import { AbortWhenStopped } from "../../../pipelines/strategies/abort-when-stopped.ts";
import type { FilteredPayload, Message, ProcessingStrategy } from "../../../pipelines/types.ts";
import { brokerMessage, RecordingStep } from "./helpers.ts";

/** An inner step whose join resolves only when the test says so. */
class SlowJoin<T> implements ProcessingStrategy<T> {
  readonly calls: string[] = [];
  private release: (() => void) | undefined;

  submit(_message: Message<T | FilteredPayload>): void {
    this.calls.push("submit");
  }
  poll(): void {
    this.calls.push("poll");
  }
  close(): void {
    this.calls.push("close");
  }
  join(): Promise<void> {
    this.calls.push("join");
    return new Promise((resolve) => {
      this.release = resolve;
    });
  }
  terminate(): void {
    this.calls.push("terminate");
  }
  finishJoin(): void {
    this.release?.();
  }
}

describe("AbortWhenStopped", () => {
  it("forwards submit, poll and close without aborting", () => {
    const inner = new RecordingStep<number>();
    const stop = new AbortController();
    const step = new AbortWhenStopped(inner, stop);
    step.submit(brokerMessage(1, 0));
    step.poll();
    step.close();
    expect(inner.calls.map((c) => c.kind)).toEqual(["submit", "poll", "close"]);
    expect(stop.signal.aborted).toBe(false);
  });

  it("aborts on join only after the inner steps drained", async () => {
    const inner = new SlowJoin<number>();
    const stop = new AbortController();
    const step = new AbortWhenStopped(inner, stop);
    const joined = step.join(1000);
    await Promise.resolve();
    expect(inner.calls).toEqual(["join"]);
    expect(stop.signal.aborted).toBe(false);
    inner.finishJoin();
    await joined;
    expect(stop.signal.aborted).toBe(true);
  });

  it("passes the join timeout to the inner step", async () => {
    const inner = new RecordingStep<number>();
    const step = new AbortWhenStopped(inner, new AbortController());
    await step.join(250);
    expect(inner.calls).toEqual([{ kind: "join", timeoutMs: 250 }]);
  });

  it("aborts on terminate and terminates the inner step", () => {
    const inner = new RecordingStep<number>();
    const stop = new AbortController();
    let abortedBeforeInnerTerminate: boolean | undefined;
    stop.signal.addEventListener("abort", () => {
      abortedBeforeInnerTerminate = inner.calls.length === 0;
    });
    const step = new AbortWhenStopped(inner, stop);
    step.terminate();
    expect(stop.signal.aborted).toBe(true);
    expect(abortedBeforeInnerTerminate).toBe(true);
    expect(inner.calls.map((c) => c.kind)).toEqual(["terminate"]);
  });
});
