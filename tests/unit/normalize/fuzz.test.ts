import { describe, expect, it } from "vitest";
import type { NormalizeConfig } from "../../../consumers/normalize/config.ts";
import {
  isRejected,
  type NormalizeResult,
  normalizeEvent,
  toStoredEvent,
} from "../../../consumers/normalize/normalize.ts";
import { hostileEvent, seededRandom } from "./generators.ts";

const CONFIG: NormalizeConfig = {
  receivedAt: 1_704_067_200,
  maxSecsInPast: 2_592_000,
  maxSecsInFuture: 60,
  enableTrimming: true,
  normalizeUserAgent: true,
  clientIp: "203.0.113.7",
  client: "sentry.fuzz/1.0",
  projectId: 1,
  protocolVersion: "7",
  fallbackEventId: "0123456789abcdef0123456789abcdef",
};

const EVENTS = Number(process.env.FUZZ_EVENTS ?? 100_000);
const REJECT_REASONS = new Set(["stale_timestamp", "invalid_transaction", "invalid_event", "too_deep"]);
const LEVELS = new Set(["debug", "info", "warning", "error", "fatal"]);
const TYPES = new Set([
  "error",
  "default",
  "csp",
  "hpkp",
  "expectct",
  "expectstaple",
  "nel",
  "transaction",
  "userreportv2",
]);

/**
 * The shape every normalized event has, whatever came in. `serialize` also round-trips the
 * stored form through JSON (done for a sample: it costs as much as normalizing).
 */
function invalidity(result: NormalizeResult, serialize: boolean): string | undefined {
  if (isRejected(result))
    return REJECT_REASONS.has(result.rejected.reason)
      ? undefined
      : `unknown rejection ${result.rejected.reason}`;
  const event = serialize
    ? (JSON.parse(JSON.stringify(toStoredEvent(result))) as Record<string, unknown>)
    : result.event;
  if (typeof event.event_id !== "string" || !/^[0-9a-f]{32}$/.test(event.event_id)) return "bad event_id";
  if (!Number.isFinite(event.timestamp) || !Number.isFinite(event.received)) return "bad timestamps";
  if (!LEVELS.has(event.level as string)) return `bad level ${String(event.level)}`;
  if (!TYPES.has(event.type as string)) return `bad type ${String(event.type)}`;
  if (typeof event.platform !== "string" || typeof event.logger !== "string") return "bad platform or logger";
  if (typeof result.derived.title !== "string" || typeof result.derived.culprit !== "string")
    return "bad derived fields";
  if (!Array.isArray(result.errors)) return "errors is not a list";
  return undefined;
}

describe("normalizer under hostile input", () => {
  it(`never throws and always yields a valid event or a rejection (${EVENTS} seeded events)`, () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const random = seededRandom(20_240_601);
    const failures: string[] = [];
    let rejected = 0;
    for (let i = 0; i < EVENTS; i++) {
      const input = hostileEvent(random);
      let problem: string | undefined;
      // Every 10th input is checked for mutation (serializing all of them doubles the run).
      const inputBefore = i % 10 === 0 ? JSON.stringify(input) : undefined;
      try {
        const result = normalizeEvent(input, CONFIG);
        if (isRejected(result)) rejected++;
        problem = invalidity(result, i % 5 === 0);
        if (problem === undefined && inputBefore !== undefined && JSON.stringify(input) !== inputBefore)
          problem = "input was mutated";
      } catch (error) {
        problem = `threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      }
      if (problem !== undefined && failures.length < 5) failures.push(`#${i}: ${problem}`);
    }
    expect(failures).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Some inputs are rejected (stale, too deep, not objects); most are not.
    expect(rejected).toBeGreaterThan(0);
    expect(rejected).toBeLessThan(EVENTS / 4);
  }, 120_000);

  it("keeps __proto__ and constructor keys as plain data", () => {
    const input = JSON.parse(
      '{"extra": {"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}, "contexts": {"__proto__": {"type": "x", "a": 1}}, "tags": {"__proto__": "x"}, "user": {"__proto__": {"polluted": 3}}}',
    ) as unknown;
    const result = normalizeEvent(input, CONFIG);
    expect(isRejected(result)).toBe(false);
    const event = JSON.parse(JSON.stringify(toStoredEvent(result as never))) as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.hasOwn(event.extra as object, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(event.extra)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(event.tags).toEqual([["__proto__", "x"]]);
  });

  it("rejects payloads nested deeper than 128 levels instead of overflowing the stack", () => {
    let nested: unknown = 1;
    for (let i = 0; i < 10_000; i++) nested = [nested];
    const result = normalizeEvent({ extra: { deep: nested } }, CONFIG);
    expect(isRejected(result) && result.rejected.reason).toBe("too_deep");
  });

  it("rejects a payload that is not an object", () => {
    for (const input of [null, 1, "event", [1, 2]]) {
      const result = normalizeEvent(input, CONFIG);
      expect(isRejected(result) && result.rejected.reason).toBe("invalid_event");
    }
  });
});
