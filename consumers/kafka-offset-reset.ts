import { ConsumerError, OffsetOutOfRange } from "../pipelines/errors.ts";
import type { Partition } from "../pipelines/types.ts";

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
    throw new OffsetOutOfRange(`${partition.key}: seek to ${offset} is outside [${marks.low}, ${marks.high}]`);
  }
}
