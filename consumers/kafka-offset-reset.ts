import { ConsumerError, OffsetOutOfRange } from "../pipelines/errors.ts";
import { Partition } from "../pipelines/types.ts";
import type { KafkaAdmin } from "../producers/kafka-admin.ts";

// Where a partition starts on assignment (specs/arroyo.md §6.4 "strict offset reset"): the
// committed offset when it is within the retained range; otherwise `autoOffsetReset` decides,
// and in strict mode an out-of-range *committed* offset fails instead of silently skipping or
// replaying.

export const AUTO_OFFSET_RESETS = ["earliest", "latest", "error"] as const;
export type AutoOffsetReset = (typeof AUTO_OFFSET_RESETS)[number];

export function parseAutoOffsetReset(value: string): AutoOffsetReset {
  const lowered = value.trim().toLowerCase();
  if ((AUTO_OFFSET_RESETS as ReadonlyArray<string>).includes(lowered)) return lowered as AutoOffsetReset;
  throw new ConsumerError(`auto offset reset must be one of ${AUTO_OFFSET_RESETS.join(", ")}, got ${value}`);
}

/** The retained range of a partition: [low, high], high being the next offset to be written. */
export interface Watermarks {
  readonly low: number;
  readonly high: number;
}

function reset(partition: Partition, marks: Watermarks, policy: AutoOffsetReset, why: string): number {
  if (policy === "earliest") return marks.low;
  if (policy === "latest") return marks.high;
  throw new OffsetOutOfRange(`${partition.key}: ${why} and auto offset reset is "error"`);
}

export function resolveStartOffset(
  partition: Partition,
  committed: number | undefined,
  marks: Watermarks,
  policy: AutoOffsetReset,
  strict: boolean,
): number {
  if (committed === undefined) return reset(partition, marks, policy, "no committed offset");
  if (committed >= marks.low && committed <= marks.high) return committed;
  const why = `committed offset ${committed} is outside the retained range [${marks.low}, ${marks.high}]`;
  if (strict) throw new OffsetOutOfRange(`${partition.key}: ${why} (strict offset reset)`);
  return reset(partition, marks, policy, why);
}

/** A sought offset must lie in the retained range (the high watermark itself is allowed). */
export function checkSeekTarget(partition: Partition, offset: number, marks: Watermarks): void {
  if (offset < marks.low || offset > marks.high) {
    throw new OffsetOutOfRange(
      `${partition.key}: seek to ${offset} is outside [${marks.low}, ${marks.high}]`,
    );
  }
}

/** Reads committed offsets and watermarks to place partitions on assignment and seek. */
export class StartOffsets {
  constructor(
    private readonly admin: KafkaAdmin,
    private readonly groupId: string,
    private readonly policy: AutoOffsetReset,
    private readonly strict: boolean,
  ) {}

  async watermarks(partitions: Iterable<Partition>): Promise<Map<Partition, Watermarks>> {
    const out = new Map<Partition, Watermarks>();
    for (const topic of new Set([...partitions].map((p) => p.topic))) {
      const [low, high] = await Promise.all([this.admin.startOffsets(topic), this.admin.endOffsets(topic)]);
      for (const [p, highOffset] of high) out.set(p, { low: low.get(p) ?? 0, high: highOffset });
    }
    return out;
  }

  /** Where each assigned partition starts; throws OffsetOutOfRange per the policy. */
  async forAssignment(partitions: ReadonlyArray<Partition>): Promise<Map<Partition, number>> {
    const topics = new Set(partitions.map((p) => p.topic));
    const [committed, marks] = await Promise.all([
      this.admin.committedOffsets(this.groupId, topics),
      this.watermarks(partitions),
    ]);
    const offsets = new Map<Partition, number>();
    for (const p of [...partitions].sort(Partition.compare)) {
      offsets.set(
        p,
        resolveStartOffset(p, committed.get(p), this.rangeOf(marks, p), this.policy, this.strict),
      );
    }
    return offsets;
  }

  rangeOf(marks: ReadonlyMap<Partition, Watermarks>, partition: Partition): Watermarks {
    const range = marks.get(partition);
    if (!range) throw new ConsumerError(`the broker reported no watermarks for ${partition.key}`);
    return range;
  }
}
