import { ipv4ToNumber } from "./coerce.ts";
import type { ErrorRow } from "./error-row.ts";

// An errors row as JSONEachRow for the portable table (formats.md §5.2), verified on 18.16:
// nested columns as dotted keys with equal-length arrays, DateTime as Unix seconds, dashed
// UUIDs, IPv4 as its UInt32, 0/1 for booleans. Two 18.16 quirks shape the rest: a null in a
// non-Nullable String column fails the whole insert (code 26), so a null platform goes in
// as ''; and span ids above 2^53 go in as quoted decimal text, which 18.16 reads exactly.

function bit(value: boolean | null): number | null {
  return value === null ? null : Number(value);
}

export function toClickHouseErrorRow(row: ErrorRow): Record<string, unknown> {
  return {
    ...row,
    platform: row.platform ?? "",
    ip_address_v4: row.ip_address_v4 === null ? null : ipv4ToNumber(row.ip_address_v4),
    "exception_frames.in_app": row["exception_frames.in_app"].map(bit),
    exception_main_thread: bit(row.exception_main_thread),
  };
}
