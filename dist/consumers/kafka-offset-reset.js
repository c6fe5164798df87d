// consumers/kafka-offset-reset.ts
import { ConsumerError, OffsetOutOfRange } from "../pipelines/errors.js";
import { Partition } from "../pipelines/types.js";
var AUTO_OFFSET_RESETS = ["earliest", "latest", "error"];
function parseAutoOffsetReset(value) {
  const lowered = value.trim().toLowerCase();
  if (AUTO_OFFSET_RESETS.includes(lowered)) return lowered;
  throw new ConsumerError(`auto offset reset must be one of ${AUTO_OFFSET_RESETS.join(", ")}, got ${value}`);
}
function reset(partition, marks, policy, why) {
  if (policy === "earliest") return marks.low;
  if (policy === "latest") return marks.high;
  throw new OffsetOutOfRange(`${partition.key}: ${why} and auto offset reset is "error"`);
}
function resolveStartOffset(partition, committed, marks, policy, strict) {
  if (committed === void 0) return reset(partition, marks, policy, "no committed offset");
  if (committed >= marks.low && committed <= marks.high) return committed;
  const why = `committed offset ${committed} is outside the retained range [${marks.low}, ${marks.high}]`;
  if (strict) throw new OffsetOutOfRange(`${partition.key}: ${why} (strict offset reset)`);
  return reset(partition, marks, policy, why);
}
function checkSeekTarget(partition, offset, marks) {
  if (offset < marks.low || offset > marks.high) {
    throw new OffsetOutOfRange(
      `${partition.key}: seek to ${offset} is outside [${marks.low}, ${marks.high}]`
    );
  }
}
var StartOffsets = class {
  constructor(admin, groupId, policy, strict) {
    this.admin = admin;
    this.groupId = groupId;
    this.policy = policy;
    this.strict = strict;
  }
  admin;
  groupId;
  policy;
  strict;
  async watermarks(partitions) {
    const out = /* @__PURE__ */ new Map();
    for (const topic of new Set([...partitions].map((p) => p.topic))) {
      const [low, high] = await Promise.all([this.admin.startOffsets(topic), this.admin.endOffsets(topic)]);
      for (const [p, highOffset] of high) out.set(p, { low: low.get(p) ?? 0, high: highOffset });
    }
    return out;
  }
  /** Where each assigned partition starts; throws OffsetOutOfRange per the policy. */
  async forAssignment(partitions) {
    const topics = new Set(partitions.map((p) => p.topic));
    const [committed, marks] = await Promise.all([
      this.admin.committedOffsets(this.groupId, topics),
      this.watermarks(partitions)
    ]);
    const offsets = /* @__PURE__ */ new Map();
    for (const p of [...partitions].sort(Partition.compare)) {
      offsets.set(
        p,
        resolveStartOffset(p, committed.get(p), this.rangeOf(marks, p), this.policy, this.strict)
      );
    }
    return offsets;
  }
  rangeOf(marks, partition) {
    const range = marks.get(partition);
    if (!range) throw new ConsumerError(`the broker reported no watermarks for ${partition.key}`);
    return range;
  }
};
export {
  AUTO_OFFSET_RESETS,
  StartOffsets,
  checkSeekTarget,
  parseAutoOffsetReset,
  resolveStartOffset
};
//# sourceMappingURL=kafka-offset-reset.js.map
