import { describe, expect, it } from "vitest";
import {
  checkSeekTarget,
  parseAutoOffsetReset,
  resolveStartOffset,
} from "../../../consumers/kafka-offset-reset.ts";
import { ConsumerError, OffsetOutOfRange } from "../../../pipelines/errors.ts";
import { Partition } from "../../../pipelines/types.ts";
import { topicConfigEntries } from "../../../producers/kafka-admin.ts";

const p = Partition.of("events", 1);
const marks = { low: 100, high: 250 };

describe("start offset on assignment", () => {
  it("starts at the committed offset when it is retained", () => {
    expect(resolveStartOffset(p, 180, marks, "latest", true)).toBe(180);
    expect(resolveStartOffset(p, 100, marks, "error", true)).toBe(100);
    expect(resolveStartOffset(p, 250, marks, "error", true)).toBe(250);
  });

  it("resolves a partition without a commit by the reset policy", () => {
    expect(resolveStartOffset(p, undefined, marks, "earliest", true)).toBe(100);
    expect(resolveStartOffset(p, undefined, marks, "latest", true)).toBe(250);
    expect(() => resolveStartOffset(p, undefined, marks, "error", true)).toThrow(OffsetOutOfRange);
  });

  it("fails in strict mode when the committed offset fell out of the retained range", () => {
    expect(() => resolveStartOffset(p, 50, marks, "earliest", true)).toThrow(/outside the retained range/);
    expect(() => resolveStartOffset(p, 251, marks, "latest", true)).toThrow(OffsetOutOfRange);
  });

  it("resets an out-of-range commit by the policy when not strict", () => {
    expect(resolveStartOffset(p, 50, marks, "earliest", false)).toBe(100);
    expect(resolveStartOffset(p, 300, marks, "latest", false)).toBe(250);
    expect(() => resolveStartOffset(p, 50, marks, "error", false)).toThrow(OffsetOutOfRange);
  });

  it("accepts a seek anywhere in [low, high] and refuses one outside", () => {
    expect(() => checkSeekTarget(p, 100, marks)).not.toThrow();
    expect(() => checkSeekTarget(p, 250, marks)).not.toThrow();
    expect(() => checkSeekTarget(p, 99, marks)).toThrow(OffsetOutOfRange);
    expect(() => checkSeekTarget(p, 251, marks)).toThrow(OffsetOutOfRange);
  });

  it("parses the option and refuses anything else", () => {
    expect(parseAutoOffsetReset(" Latest ")).toBe("latest");
    expect(() => parseAutoOffsetReset("smallest")).toThrow(ConsumerError);
  });
});

describe("topic configs from the topology", () => {
  it("maps the topology fields to Kafka's config names, extras winning", () => {
    expect(
      topicConfigEntries({
        retentionMs: 86_400_000,
        cleanupPolicy: "delete",
        compression: "lz4",
        maxMessageBytes: 10_000_000,
        config: { "message.timestamp.type": "LogAppendTime", "compression.type": "zstd" },
      }),
    ).toEqual({
      "retention.ms": "86400000",
      "cleanup.policy": "delete",
      "compression.type": "zstd",
      "max.message.bytes": "10000000",
      "message.timestamp.type": "LogAppendTime",
    });
  });
});
