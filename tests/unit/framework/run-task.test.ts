import { describe, expect, it } from "vitest";
import { InvalidMessage, InvalidStateError, MessageRejected } from "../../../pipelines/errors.ts";
import { RunTask } from "../../../pipelines/strategies/run-task.ts";
import { Message } from "../../../pipelines/types.ts";
import { brokerMessage, offsets, P0, P1, RecordingStep } from "./helpers.ts";

describe("RunTask", () => {
  it("applies the function to broker values and values, keeping the value kind", () => {
    const next = new RecordingStep<number>();
    const step = new RunTask<number, number>((m) => m.payload * 2, next);
    step.submit(brokerMessage(1, 0));
    step.submit(Message.value(5, offsets([P0, 9]), 77));
    expect(next.accepted).toEqual([brokerMessage(2, 0), Message.value(10, offsets([P0, 9]), 77)]);
  });

  it("propagates poll, and close plus join reach the next step once each", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTask<number, number>((m) => m.payload, next);
    step.poll();
    step.close();
    await step.join(1000);
    expect(next.calls.map((c) => c.kind)).toEqual(["poll", "close", "join"]);
  });

  it("runs the function once when the next step rejects, and hands the result over from poll", () => {
    const next = new RecordingStep<number>();
    let calls = 0;
    const step = new RunTask<number, number>((m) => {
      calls++;
      return m.payload + 100;
    }, next);
    next.rejectSubmits(2);
    step.submit(brokerMessage(1, 0));
    expect(() => step.submit(brokerMessage(2, 1))).toThrow(MessageRejected);
    step.poll();
    expect(next.accepted).toEqual([]);
    step.poll();
    expect(next.payloads()).toEqual([101]);
    step.submit(brokerMessage(2, 1));
    expect(next.payloads()).toEqual([101, 102]);
    expect(calls).toBe(2);
  });

  it("flushes a carried result on join before joining the next step", async () => {
    const next = new RecordingStep<number>();
    const step = new RunTask<number, number>((m) => m.payload, next);
    next.rejectSubmits(1);
    step.submit(brokerMessage(7, 0));
    step.close();
    await step.join(1000);
    expect(next.payloads()).toEqual([7]);
    expect(next.calls.slice(-2).map((c) => c.kind)).toEqual(["close", "join"]);
  });

  it("passes filtered messages through without calling the function", () => {
    const next = new RecordingStep<number>();
    const step = new RunTask<number, number>(() => {
      throw new Error("must not run");
    }, next);
    step.submit(Message.filtered(offsets([P0, 3])));
    expect(next.payloads()).toEqual(["filtered"]);
  });

  it("re-raises an InvalidMessage and forwards its offset as one filtered message on the next poll", () => {
    const next = new RecordingStep<number>();
    const step = new RunTask<number, number>((m) => {
      if (m.payload < 0) throw new InvalidMessage(P0, 5, "bad_payload");
      return m.payload;
    }, next);
    step.submit(brokerMessage(1, 4));
    let raised: unknown;
    try {
      step.submit(brokerMessage(-1, 5));
    } catch (error) {
      raised = error;
    }
    expect(raised).toBeInstanceOf(InvalidMessage);
    expect((raised as InvalidMessage).needsCommit).toBe(false);
    step.poll();
    step.close();
    expect(next.payloads()).toEqual([1, "filtered"]);
    expect(next.committables()).toEqual([{ "test-topic:0": 5 }, { "test-topic:0": 6 }]);
  });

  it("forwards invalid offsets before a newer message and rejects the newer one while they are refused", () => {
    const next = new RecordingStep<number>();
    const step = new RunTask<number, number>((m) => {
      if (m.payload < 0)
        throw new InvalidMessage(m.value.kind === "broker" ? m.value.partition : P1, 3, "bad");
      return m.payload;
    }, next);
    expect(() => step.submit(brokerMessage(-1, 3))).toThrow(InvalidMessage);
    next.rejectSubmits(1);
    expect(() => step.submit(brokerMessage(9, 4))).toThrow(MessageRejected);
    step.submit(brokerMessage(9, 4));
    expect(next.payloads()).toEqual(["filtered", 9]);
  });

  it("claims an InvalidMessage raised by a later step only when no inner step claimed it", () => {
    const inner = new RecordingStep<number>();
    const failing = new RunTask<number, number>((m) => {
      throw new InvalidMessage(P0, m.value.kind === "broker" ? m.value.offset : -1, "late");
    }, inner);
    const outer = new RunTask<number, number>((m) => m.payload, failing);
    expect(() => outer.submit(brokerMessage(1, 0))).toThrow(InvalidMessage);
    outer.poll();
    // One filtered message from the inner step; the outer one saw needsCommit=false.
    expect(inner.payloads()).toEqual(["filtered"]);
  });

  it("throws on submit after close", () => {
    const step = new RunTask<number, number>((m) => m.payload, new RecordingStep());
    step.close();
    expect(() => step.submit(brokerMessage(1, 0))).toThrow(InvalidStateError);
  });

  it("lets other errors from the function crash the consumer", () => {
    const step = new RunTask<number, number>(() => {
      throw new TypeError("boom");
    }, new RecordingStep());
    expect(() => step.submit(brokerMessage(1, 0))).toThrow(TypeError);
  });
});
