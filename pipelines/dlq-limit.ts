import type { Options } from "../config/options.ts";
import type { Partition } from "./types.ts";

/**
 * When dead-lettering has gone too far and the consumer should stop (specs/arroyo.md §5).
 * Counted per partition since its assignment.
 */
export interface DlqLimit {
  /** Stop when invalid / (valid + invalid) exceeds this share. */
  readonly maxInvalidRatio?: number;
  /** Stop at more than this many invalid records in a row. */
  readonly maxConsecutiveCount?: number;
  /** The ratio applies only once this many records were seen (default DLQ_RATIO_MIN_MESSAGES). */
  readonly minMessagesForRatio?: number;
}

/**
 * Arroyo rejects on the first invalid record when no valid one was seen yet, to catch a
 * broken deploy. With our stop-instead-of-drop policy that would crash-loop a consumer whose
 * committed offset points at one bad record, so the ratio waits for a minimum sample; a
 * broken deploy still stops after this many records.
 */
export const DLQ_RATIO_MIN_MESSAGES = 100;

export function dlqLimitFromOptions(
  options: Pick<Options, "dlqMaxInvalidRatio" | "dlqMaxConsecutiveCount">,
): DlqLimit {
  return { maxInvalidRatio: options.dlqMaxInvalidRatio, maxConsecutiveCount: options.dlqMaxConsecutiveCount };
}

interface Counts {
  valid: number;
  invalid: number;
  consecutive: number;
  lastInvalid: number;
}

/**
 * The per-partition counters behind a DlqLimit. Valid records are inferred from the gaps
 * between invalid offsets. Fixes Arroyo's [Q] count: a gap from `last` to `offset` holds
 * `offset − last − 1` valid records, not `offset − last + 1`.
 */
export class DlqLimitState {
  private readonly counts = new Map<Partition, Counts>();
  private readonly minMessages: number;

  /** `assignment` gives each partition's first offset; counting starts just before it. */
  constructor(
    private readonly limit: DlqLimit,
    assignment: ReadonlyMap<Partition, number> = new Map(),
  ) {
    this.minMessages = limit.minMessagesForRatio ?? DLQ_RATIO_MIN_MESSAGES;
    for (const [p, offset] of assignment) {
      this.counts.set(p, { valid: 0, invalid: 0, consecutive: 0, lastInvalid: offset - 1 });
    }
  }

  /** Counts an invalid record; returns why the limit is exceeded, or null to accept it. */
  recordInvalid(p: Partition, offset: number): string | null {
    let c = this.counts.get(p);
    if (c === undefined) {
      c = { valid: 0, invalid: 1, consecutive: 1, lastInvalid: offset };
      this.counts.set(p, c);
    } else {
      if (offset === c.lastInvalid + 1) {
        c.consecutive += 1;
      } else if (offset > c.lastInvalid) {
        c.valid += offset - c.lastInvalid - 1;
        c.consecutive = 1;
      } else if (c.valid > 0) {
        // Out of order (a parallel or batch step): the gap counted this record as valid.
        c.valid -= 1;
      }
      c.invalid += 1;
      c.lastInvalid = Math.max(c.lastInvalid, offset);
    }
    const { maxConsecutiveCount, maxInvalidRatio } = this.limit;
    if (maxConsecutiveCount !== undefined && c.consecutive > maxConsecutiveCount) {
      return `${c.consecutive} consecutive invalid records (limit ${maxConsecutiveCount})`;
    }
    const seen = c.valid + c.invalid;
    if (maxInvalidRatio !== undefined && seen >= this.minMessages && c.invalid / seen > maxInvalidRatio) {
      return `${c.invalid} of ${seen} records invalid (limit ${maxInvalidRatio})`;
    }
    return null;
  }
}
