import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadOptions } from "../../config/options.ts";
import { computeGrouping } from "../../consumers/grouping/compute.ts";
import { projectConfigFromTestKeys } from "../../consumers/grouping/fixture-keys.ts";
import { normalizeConfigFromOptions } from "../../consumers/normalize/config.ts";
import { isRejected, normalizeEvent, toStoredEvent } from "../../consumers/normalize/normalize.ts";

// The grouping consumer receives what the normalize consumer produced, not raw SDK payloads.
// Grouping must not depend on which of the two it sees: every Sentry fixture input, once run
// through our Relay normalization, must hash exactly as the raw input does (which in turn is
// pinned against Sentry's snapshots by grouping.test.ts).

const INPUTS = new URL("../fixtures/grouping/inputs/", import.meta.url);

describe("grouping of normalized events", () => {
  const options = loadOptions();
  const config = normalizeConfigFromOptions(
    {
      maxSecsInPast: options.maxSecsInPast,
      maxSecsInFuture: options.maxSecsInFuture,
      enableTrimming: options.enableTrimming,
      normalizeUserAgent: options.normalizeUserAgent,
    },
    { receivedAt: 1_714_564_800 },
  );

  for (const file of readdirSync(INPUTS)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    it(`${file}: hashes the same before and after normalization`, () => {
      const input = JSON.parse(readFileSync(new URL(file, INPUTS), "utf8")) as Record<string, unknown>;
      const settings = projectConfigFromTestKeys(input);
      const normalized = normalizeEvent(structuredClone(input), config);
      if (isRejected(normalized))
        throw new Error(`normalization rejected ${file}: ${normalized.rejected.message}`);
      expect(computeGrouping(toStoredEvent(normalized), settings).hashes).toEqual(
        computeGrouping(input, settings).hashes,
      );
    });
  }
});
