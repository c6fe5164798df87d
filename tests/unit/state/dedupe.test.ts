import { describe, expect, it } from "vitest";
import { MemoryDedupeStore, recordClaimant } from "../../../consumers/relay-intake/dedupe.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import { partition } from "../../../pipelines/types.ts";
import { dedupeStoreContract } from "./contracts/dedupe-contract.ts";

dedupeStoreContract("MemoryDedupeStore", async () => {
  const store = new MemoryDedupeStore(new ManualClock());
  return { a: store, b: store, teardown: async () => undefined };
});

const EVENT = "2107c4e968514c8690d3a3a24570c40d";
const p0 = partition("ingest-events", 0);

describe("MemoryDedupeStore windows", () => {
  it("forgets a claim when its window has passed, and not a moment before", async () => {
    const clock = new ManualClock();
    const store = new MemoryDedupeStore(clock);
    expect(await store.claim(1, EVENT, 60, recordClaimant(p0, 1))).toBe(true);
    clock.advance(59_999);
    expect(await store.claim(1, EVENT, 60, recordClaimant(p0, 2))).toBe(false);
    clock.advance(1);
    expect(await store.claim(1, EVENT, 60, recordClaimant(p0, 2))).toBe(true);
    // The new claim has its own window from now.
    clock.advance(59_999);
    expect(await store.claim(1, EVENT, 60, recordClaimant(p0, 3))).toBe(false);
  });

  it("does not extend the window when the same record is claimed again", async () => {
    const clock = new ManualClock();
    const store = new MemoryDedupeStore(clock);
    const claimant = recordClaimant(p0, 1);
    await store.claim(1, EVENT, 60, claimant);
    clock.advance(30_000);
    await store.claim(1, EVENT, 60, claimant);
    clock.advance(30_000);
    expect(await store.claim(1, EVENT, 60, recordClaimant(p0, 9))).toBe(true);
  });

  it("drops expired claims from memory", async () => {
    const clock = new ManualClock();
    const store = new MemoryDedupeStore(clock);
    for (let i = 0; i < 3000; i++)
      await store.claim(1, i.toString(16).padStart(32, "0"), 10, recordClaimant(p0, i));
    expect(store.size).toBe(3000);
    clock.advance(10_000);
    await store.claim(1, EVENT, 10, recordClaimant(p0, 99_999));
    expect(store.size).toBe(1);
  });

  it("names a claimant after the record's topic, partition and offset", () => {
    expect(recordClaimant(partition("ingest-attachments", 2), 17)).toBe("ingest-attachments:2:17");
  });
});
