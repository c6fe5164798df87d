import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DedupeStore } from "../../../../consumers/relay-intake/dedupe.ts";
import { recordClaimant } from "../../../../consumers/relay-intake/dedupe.ts";
import { partition } from "../../../../pipelines/types.ts";

export interface DedupeFixture {
  /** Two handles on the same state (for Redis: two connections). */
  readonly a: DedupeStore;
  readonly b: DedupeStore;
  readonly teardown: () => Promise<void>;
}

const WINDOW = 3600;
const events = partition("ingest-events", 0);
const attachments = partition("ingest-attachments", 2);
const EVENT = "2107c4e968514c8690d3a3a24570c40d";

/** Behaviour every DedupeStore has, whatever keeps the claims. */
export function dedupeStoreContract(name: string, setup: () => Promise<DedupeFixture>): void {
  describe(`${name}: DedupeStore contract`, () => {
    let fx: DedupeFixture;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.teardown();
    });

    it("lets the first record of an event through and drops another record of the same event", async () => {
      expect(await fx.a.claim(1, EVENT, WINDOW, recordClaimant(events, 10))).toBe(true);
      expect(await fx.b.claim(1, EVENT, WINDOW, recordClaimant(events, 11))).toBe(false);
      expect(await fx.a.claim(1, EVENT, WINDOW, recordClaimant(attachments, 10))).toBe(false);
    });

    it("does not treat a redelivery of the claiming record as a duplicate, on any consumer", async () => {
      const claimant = recordClaimant(events, 42);
      expect(await fx.a.claim(1, EVENT, WINDOW, claimant)).toBe(true);
      // Consumer restarted before committing; the record comes back, maybe to the other member.
      expect(await fx.b.claim(1, EVENT, WINDOW, claimant)).toBe(true);
      expect(await fx.a.claim(1, EVENT, WINDOW, claimant)).toBe(true);
    });

    it("keeps projects apart: one event id in two projects is two events", async () => {
      expect(await fx.a.claim(1, EVENT, WINDOW, recordClaimant(events, 1))).toBe(true);
      expect(await fx.a.claim(2, EVENT, WINDOW, recordClaimant(events, 2))).toBe(true);
    });

    it("answers a batch in input order, a duplicate inside the batch included", async () => {
      const other = "ffffffffffffffffffffffffffffffff";
      const results = await fx.a.claimMany(
        [
          { projectId: 1, eventId: EVENT, claimant: recordClaimant(events, 1) },
          { projectId: 1, eventId: other, claimant: recordClaimant(events, 2) },
          { projectId: 1, eventId: EVENT, claimant: recordClaimant(events, 3) },
          { projectId: 2, eventId: EVENT, claimant: recordClaimant(events, 4) },
        ],
        WINDOW,
      );
      expect(results).toEqual([true, true, false, true]);
      expect(await fx.a.claimMany([], WINDOW)).toEqual([]);
    });

    it("makes a retried batch safe: claims already taken by the same records still succeed", async () => {
      const batch = [0, 1, 2].map((i) => ({
        projectId: 1,
        eventId: `${i}`.repeat(32),
        claimant: recordClaimant(events, 100 + i),
      }));
      await fx.a.claimMany(batch.slice(0, 2), WINDOW);
      expect(await fx.b.claimMany(batch, WINDOW)).toEqual([true, true, true]);
    });

    it("releases a claim only for its owner, after which another record may claim", async () => {
      const owner = recordClaimant(events, 7);
      const intruder = recordClaimant(events, 8);
      expect(await fx.a.claim(1, EVENT, WINDOW, owner)).toBe(true);
      expect(await fx.b.release(1, EVENT, intruder)).toBe(false);
      expect(await fx.b.claim(1, EVENT, WINDOW, intruder)).toBe(false);
      expect(await fx.a.release(1, EVENT, owner)).toBe(true);
      expect(await fx.b.claim(1, EVENT, WINDOW, intruder)).toBe(true);
    });

    it("rejects a window that is not a positive whole number of seconds", async () => {
      await expect(fx.a.claim(1, EVENT, 0, "x")).rejects.toThrow(RangeError);
      await expect(fx.a.claimMany([], 1.5)).rejects.toThrow(RangeError);
    });

    it("rejects a project id that is not a non-negative integer", async () => {
      await expect(fx.a.claim(-1, EVENT, WINDOW, "x")).rejects.toThrow(RangeError);
      await expect(fx.a.claim(1.5, EVENT, WINDOW, "x")).rejects.toThrow(RangeError);
    });
  });
}
