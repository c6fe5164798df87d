import { describe, expect, it } from "vitest";
import { InvalidMessage } from "../../../pipelines/errors.ts";
import { InvalidOffsets } from "../../../pipelines/strategies/invalid-offsets.ts";
import { decode, encode, type WireBatch, type WireResults } from "../../../pipelines/workers/protocol.ts";
import { P0, P1, RecordingStep } from "./helpers.ts";

describe("InvalidOffsets (the invalid-message state)", () => {
  it("claims each InvalidMessage once, keeps the highest offset per partition, and resets after forwarding", () => {
    const state = new InvalidOffsets();
    const first = new InvalidMessage(P0, 3, "bad");
    state.record(first);
    state.record(first);
    state.record(new InvalidMessage(P0, 5, "bad"));
    state.record(new InvalidMessage(P1, 1, "bad"));
    expect(first.needsCommit).toBe(false);
    const next = new RecordingStep<unknown>();
    expect(state.forward(next)).toBe(true);
    expect(next.committables()).toEqual([{ "test-topic:0": 6, "test-topic:1": 2 }]);
    expect(state.pending).toBe(false);
    expect(state.forward(next)).toBe(true);
    expect(next.accepted).toHaveLength(1);
  });

  it("ignores an InvalidMessage an inner step already claimed", () => {
    const state = new InvalidOffsets();
    state.record(new InvalidMessage(P0, 3, "bad", undefined, { needsCommit: false }));
    expect(state.pending).toBe(false);
  });

  it("keeps its offsets when the next step rejects them", () => {
    const state = new InvalidOffsets();
    state.record(new InvalidMessage(P0, 3, "bad"));
    const next = new RecordingStep<unknown>();
    next.rejectSubmits(1);
    expect(state.forward(next)).toBe(false);
    expect(state.forward(next)).toBe(true);
    expect(next.committables()).toEqual([{ "test-topic:0": 4 }]);
  });
});

describe("worker wire format", () => {
  it("round-trips a batch and its results, Buffers staying Buffers", () => {
    const batch: WireBatch = [
      [Buffer.from("a"), { key: null, value: Buffer.from("b") }],
      ["t", null],
      [0, -1],
      [7, -1],
      [1, undefined],
    ];
    const decoded = decode<WireBatch>(encode(batch));
    expect(decoded).toEqual(batch);
    expect(Buffer.isBuffer(decoded[0][0])).toBe(true);
    const results: WireResults = [[1, undefined], [[1, "negative", "got -1"]]];
    expect(decode<WireResults>(encode(results))).toEqual(results);
  });

  it("copies only a pooled Buffer's own bytes", () => {
    const pooled = Buffer.from("small");
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
    const bytes = encode([[pooled], ["t"], [0], [0], [0]]);
    expect(bytes.byteLength).toBeLessThan(100);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
  });
});
