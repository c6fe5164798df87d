import { UsageError } from "../cli/usage.ts";
import type { OffsetBound } from "./kafka-source.ts";

// Flag values shared by `ingest dump` and `ingest replay`.

const SPAN = /^(\d+)([smhd])$/;
const SPAN_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A point in time, as epoch milliseconds: digits are epoch milliseconds, `30m`/`24h`/`7d`
 * a span back from `now`, anything else an ISO 8601 date or date-time.
 */
export function parseTimestamp(flag: string, value: string, now: number = Date.now()): number {
  if (/^\d+$/.test(value)) return Number(value);
  const span = SPAN.exec(value);
  if (span) return now - Number(span[1]) * SPAN_MS[span[2] as keyof typeof SPAN_MS];
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${flag}: expected epoch milliseconds, an ISO date or a span like 30m or 24h, got ${value}`,
    );
  }
  return ms;
}

/** `0,2,5` or `0-3` or a mix: sorted, without repeats. */
export function parsePartitions(value: string): number[] {
  const out = new Set<number>();
  for (const part of value.split(",")) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!range) throw new UsageError(`--partitions: expected numbers and ranges like 0,2,4-6, got ${value}`);
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    if (last < first) throw new UsageError(`--partitions: ${part.trim()} is an empty range`);
    for (let p = first; p <= last; p++) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}

/** `--rate 200` or `--rate 200/s`: messages per second, > 0. */
export function parseRate(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/s)?\s*$/.exec(value);
  const rate = match ? Number(match[1]) : Number.NaN;
  if (!(rate > 0))
    throw new UsageError(`--rate: expected messages per second such as 200 or 200/s, got ${value}`);
  return rate;
}

/** The lower bound from --from-offset / --from-timestamp (commander keeps them exclusive). */
export function lowerBound(flags: { fromOffset?: number; fromTimestamp?: number }): OffsetBound | undefined {
  if (flags.fromOffset !== undefined) return { offset: flags.fromOffset };
  if (flags.fromTimestamp !== undefined) return { timestamp: flags.fromTimestamp };
  return undefined;
}

/** The upper bound from --to-offset / --to-timestamp. */
export function upperBound(flags: { toOffset?: number; toTimestamp?: number }): OffsetBound | undefined {
  if (flags.toOffset !== undefined) return { offset: flags.toOffset };
  if (flags.toTimestamp !== undefined) return { timestamp: flags.toTimestamp };
  return undefined;
}
