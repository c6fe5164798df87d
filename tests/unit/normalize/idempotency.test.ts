import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { NormalizeConfig } from "../../../consumers/normalize/config.ts";
import { isRejected, normalizeEvent, toStoredEvent } from "../../../consumers/normalize/normalize.ts";
import { hostileEvent, sdkEvent, seededRandom } from "./generators.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/normalization");

const CONFIG: NormalizeConfig = {
  receivedAt: 1_704_067_200,
  maxSecsInPast: 2_592_000,
  maxSecsInFuture: 60,
  enableTrimming: true,
  normalizeUserAgent: true,
  clientIp: "203.0.113.7",
  client: "sentry.test/1.0",
  projectId: 1,
  protocolVersion: "7",
  fallbackEventId: "0123456789abcdef0123456789abcdef",
};

/** The stored form after one pass, and after normalizing that again; undefined if rejected. */
function twice(input: unknown): [unknown, unknown] | undefined {
  const first = normalizeEvent(input, CONFIG);
  if (isRejected(first)) return undefined;
  const stored = JSON.parse(JSON.stringify(toStoredEvent(first))) as unknown;
  const second = normalizeEvent(stored, CONFIG);
  if (isRejected(second)) return [stored, second.rejected];
  return [stored, JSON.parse(JSON.stringify(toStoredEvent(second)))];
}

function fixtureEvents(): [string, unknown][] {
  const index = JSON.parse(readFileSync(join(FIXTURES, "index.json"), "utf8")) as { name: string; scope: string }[];
  return index
    .filter((vector) => /^(store|validate|parse$|trimming-only|unit:RemoveOtherProcessor)/.test(vector.scope))
    .filter((vector) => vector.scope !== "store-python-raw")
    .map((vector) => [vector.name, JSON.parse(readFileSync(join(FIXTURES, `${vector.name}.input.json`), "utf8")) as unknown]);
}

describe("normalizing a normalized event changes nothing", () => {
  for (const [name, input] of fixtureEvents()) {
    it(`for fixture ${name}`, () => {
      const passes = twice(input);
      if (passes !== undefined) expect(passes[1]).toEqual(passes[0]);
    });
  }

  it("for 2000 seeded SDK-shaped events (trimming, shifts, java loggers, invalid fields)", () => {
    const random = seededRandom(99);
    for (let i = 0; i < 2000; i++) {
      const passes = twice(sdkEvent(random, i));
      if (passes !== undefined) expect(passes[1], `event ${i}`).toEqual(passes[0]);
    }
  });

  it("for 3000 seeded hostile events", () => {
    const random = seededRandom(7);
    for (let i = 0; i < 3000; i++) {
      const passes = twice(hostileEvent(random));
      if (passes !== undefined) expect(passes[1], `event ${i}`).toEqual(passes[0]);
    }
  });
});
