import { describe, expect, it } from "vitest";
import { InvalidStateError } from "../../../pipelines/errors.ts";
import { Unfold } from "../../../pipelines/strategies/unfold.ts";
import { Message, type MessageValue } from "../../../pipelines/types.ts";
import { brokerMessage, offsets, P0, RecordingStep } from "./helpers.ts";

function split(payload: string): MessageValue<string>[] {
  return [...payload].map((ch) => ({
    kind: "value",
    payload: ch,
    committable: new Map(),
    timestamp: undefined,
  }));
}

describe("Unfold", () => {
  it("gives intermediate outputs no offsets and the last one the source's", () => {
    const next = new RecordingStep<string>();
    new Unfold<string, string>(split, next).submit(brokerMessage("abc", 4));
    expect(next.payloads()).toEqual(["a", "b", "c"]);
    expect(next.committables()).toEqual([{}, {}, { "test-topic:0": 5 }]);
  });

  it("retries rejected outputs from poll without blocking and delivers everything in order", () => {
    const next = new RecordingStep<string>();
    const step = new Unfold<string, string>(split, next);
    next.rejectSubmits(3);
    step.submit(brokerMessage("ab", 0));
    step.poll();
    step.poll();
    expect(next.payloads()).toEqual([]);
    step.poll();
    expect(next.payloads()).toEqual(["a", "b"]);
  });

  it("forwards the source's offsets as a filtered message when the expansion is empty", () => {
    const next = new RecordingStep<string>();
    new Unfold<string, string>(split, next).submit(brokerMessage("", 7));
    expect(next.payloads()).toEqual(["filtered"]);
    expect(next.committables()).toEqual([{ "test-topic:0": 8 }]);
  });

  it("passes filtered messages through", () => {
    const next = new RecordingStep<string>();
    new Unfold<string, string>(split, next).submit(Message.filtered(offsets([P0, 2])));
    expect(next.payloads()).toEqual(["filtered"]);
  });

  it("throws on submit after close", () => {
    const step = new Unfold<string, string>(split, new RecordingStep());
    step.close();
    expect(() => step.submit(brokerMessage("a", 0))).toThrow(InvalidStateError);
  });
});
