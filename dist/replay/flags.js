// replay/flags.ts
import { UsageError } from "../cli/usage.js";
var SPAN = /^(\d+)([smhd])$/;
var SPAN_MS = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
function parseTimestamp(flag, value, now = Date.now()) {
  if (/^\d+$/.test(value)) return Number(value);
  const span = SPAN.exec(value);
  if (span) return now - Number(span[1]) * SPAN_MS[span[2]];
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${flag}: expected epoch milliseconds, an ISO date or a span like 30m or 24h, got ${value}`
    );
  }
  return ms;
}
function parsePartitions(value) {
  const out = /* @__PURE__ */ new Set();
  for (const part of value.split(",")) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!range) throw new UsageError(`--partitions: expected numbers and ranges like 0,2,4-6, got ${value}`);
    const first = Number(range[1]);
    const last = range[2] === void 0 ? first : Number(range[2]);
    if (last < first) throw new UsageError(`--partitions: ${part.trim()} is an empty range`);
    for (let p = first; p <= last; p++) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}
function parseRate(value) {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/s)?\s*$/.exec(value);
  const rate = match ? Number(match[1]) : Number.NaN;
  if (!(rate > 0))
    throw new UsageError(`--rate: expected messages per second such as 200 or 200/s, got ${value}`);
  return rate;
}
function lowerBound(flags) {
  if (flags.fromOffset !== void 0) return { offset: flags.fromOffset };
  if (flags.fromTimestamp !== void 0) return { timestamp: flags.fromTimestamp };
  return void 0;
}
function upperBound(flags) {
  if (flags.toOffset !== void 0) return { offset: flags.toOffset };
  if (flags.toTimestamp !== void 0) return { timestamp: flags.toTimestamp };
  return void 0;
}
export {
  lowerBound,
  parsePartitions,
  parseRate,
  parseTimestamp,
  upperBound
};
//# sourceMappingURL=flags.js.map
