import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GroupEventMeta, GroupRow, GroupStore } from "../../../../consumers/grouping/group-store.ts";

export interface GroupFixture {
  /** Two handles on the same state (for Redis: two connections). */
  readonly a: GroupStore;
  readonly b: GroupStore;
  readonly teardown: () => Promise<void>;
}

let counter = 0;
/** Event metadata with a fresh event id unless one is given. */
export function meta(overrides: Partial<GroupEventMeta> = {}): GroupEventMeta {
  counter += 1;
  return {
    eventId: counter.toString(16).padStart(32, "0"),
    timestamp: 1_709_691_573,
    title: "ValueError: bad",
    culprit: "app.views in handler",
    level: "error",
    ...overrides,
  };
}

/** Behaviour every GroupStore has, whatever keeps the groups. */
export function groupStoreContract(name: string, setup: () => Promise<GroupFixture>): void {
  describe(`${name}: GroupStore contract`, () => {
    let fx: GroupFixture;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.teardown();
    });

    it("creates a group for unknown hashes and attaches all of them to it", async () => {
      const first = await fx.a.assign(1, ["h-a", "h-b", "h-c"], meta());
      expect(first).toMatchObject({ isNew: true, redelivered: false });
      for (const hash of ["h-a", "h-b", "h-c"]) expect(await fx.b.lookupHash(1, hash)).toBe(first.groupId);
      // Any one of them now finds the group.
      expect(await fx.b.assign(1, ["h-c"], meta())).toMatchObject({ groupId: first.groupId, isNew: false });
    });

    it("lets the first known hash in order win", async () => {
      const ga = (await fx.a.assign(1, ["h-a"], meta())).groupId;
      const gb = (await fx.a.assign(1, ["h-b"], meta())).groupId;
      expect(ga).not.toBe(gb);
      expect((await fx.b.assign(1, ["h-new", "h-b", "h-a"], meta())).groupId).toBe(gb);
      expect((await fx.b.assign(1, ["h-a", "h-b"], meta())).groupId).toBe(ga);
    });

    it("attaches unknown hashes to the group found but never moves a mapped hash", async () => {
      const ga = (await fx.a.assign(1, ["h-a"], meta())).groupId;
      const gb = (await fx.a.assign(1, ["h-b"], meta())).groupId;
      await fx.b.assign(1, ["h-a", "h-x", "h-b"], meta());
      expect(await fx.a.lookupHash(1, "h-x")).toBe(ga);
      expect(await fx.a.lookupHash(1, "h-b")).toBe(gb);
    });

    it("makes equal hashes in two projects two groups with their own counters", async () => {
      const p1 = await fx.a.assign(1, ["same"], meta());
      const p2 = await fx.b.assign(2, ["same"], meta());
      expect(p1.isNew && p2.isNew).toBe(true);
      expect(p1.groupId).not.toBe(p2.groupId);
      await fx.a.assign(1, ["same"], meta());
      expect((await fx.a.getGroup(1, p1.groupId))?.timesSeen).toBe(2);
      expect((await fx.a.getGroup(2, p2.groupId))?.timesSeen).toBe(1);
      // A group id of one project is not readable through another.
      expect(await fx.a.getGroup(2, p1.groupId)).toBeUndefined();
    });

    it("counts a redelivered event once and answers it as the first time", async () => {
      const event = meta();
      const first = await fx.a.assign(1, ["h-r"], event);
      const again = await fx.b.assign(1, ["h-r"], event);
      expect(again).toEqual({ groupId: first.groupId, isNew: true, redelivered: true });
      await fx.a.assign(1, ["h-r"], meta());
      const batchAgain = await fx.b.assignMany([{ projectId: 1, hashes: ["h-r"], event }]);
      expect(batchAgain[0]).toEqual({ groupId: first.groupId, isNew: true, redelivered: true });
      expect((await fx.a.getGroup(1, first.groupId))?.timesSeen).toBe(2);
    });

    it("keeps first_seen as the minimum, last_seen as the maximum, and title/culprit/level of the latest event", async () => {
      const g = (await fx.a.assign(1, ["h-t"], meta({ timestamp: 200.25, title: "late", level: "fatal" })))
        .groupId;
      await fx.b.assign(1, ["h-t"], meta({ timestamp: 100.5, title: "early", culprit: "early.py" }));
      await fx.a.assign(1, ["h-t"], meta({ timestamp: 150, title: "middle" }));
      expect(await fx.b.getGroup(1, g)).toEqual({
        groupId: g,
        firstSeen: 100.5,
        lastSeen: 200.25,
        timesSeen: 3,
        title: "late",
        culprit: "app.views in handler",
        level: "fatal",
      });
    });

    it("breaks a last_seen tie by event id, so the outcome does not depend on arrival order", async () => {
      const low = meta({ eventId: "a".repeat(32), timestamp: 300, title: "from-a" });
      const high = meta({ eventId: "b".repeat(32), timestamp: 300, title: "from-b" });
      const g1 = (await fx.a.assign(1, ["tie-1"], high)).groupId;
      await fx.a.assign(1, ["tie-1"], low);
      const g2 = (await fx.a.assign(1, ["tie-2"], low)).groupId;
      await fx.a.assign(1, ["tie-2"], high);
      expect((await fx.a.getGroup(1, g1))?.title).toBe("from-b");
      expect((await fx.a.getGroup(1, g2))?.title).toBe("from-b");
    });

    it("keeps fractional Unix timestamps exact", async () => {
      const ts = 1_709_691_573.123456;
      const g = (await fx.a.assign(1, ["h-f"], meta({ timestamp: ts }))).groupId;
      expect((await fx.a.getGroup(1, g))?.firstSeen).toBe(ts);
    });

    it("applies a batch in order: the second event of a new hash joins the group the first created", async () => {
      const results = await fx.a.assignMany([
        { projectId: 1, hashes: ["batch-1"], event: meta() },
        { projectId: 1, hashes: ["batch-2", "batch-1"], event: meta() },
        { projectId: 2, hashes: ["batch-1"], event: meta() },
      ]);
      expect(results.map((r) => r.isNew)).toEqual([true, false, true]);
      expect(results[1]!.groupId).toBe(results[0]!.groupId);
      expect(results[2]!.groupId).not.toBe(results[0]!.groupId);
      expect(await fx.a.lookupHash(1, "batch-2")).toBe(results[0]!.groupId);
      expect(await fx.a.assignMany([])).toEqual([]);
    });

    it("refuses an event without hashes", async () => {
      await expect(fx.a.assign(1, [], meta())).rejects.toThrow(RangeError);
      await expect(fx.a.assignMany([{ projectId: 1, hashes: [], event: meta() }])).rejects.toThrow(
        RangeError,
      );
    });

    it("restores hashes and stats from rows and allocates new ids above them", async () => {
      const rows: GroupRow[] = [
        {
          groupId: 7_000_000,
          hashes: ["r-1", "r-2"],
          firstSeen: 10,
          lastSeen: 20.5,
          timesSeen: 42,
          title: "restored",
          culprit: "c",
          level: "warning",
        },
        {
          groupId: 6_999_990,
          hashes: ["r-3"],
          firstSeen: 5,
          lastSeen: 6,
          timesSeen: 1,
          title: "older",
          culprit: "",
          level: "error",
        },
      ];
      expect(await fx.a.restore(3, rows)).toEqual({ groups: 2, hashes: 3 });
      expect(await fx.a.restore(3, rows)).toEqual({ groups: 2, hashes: 3 });
      expect(await fx.b.lookupHash(3, "r-2")).toBe(7_000_000);
      expect(await fx.b.getGroup(3, 7_000_000)).toEqual({
        groupId: 7_000_000,
        firstSeen: 10,
        lastSeen: 20.5,
        timesSeen: 42,
        title: "restored",
        culprit: "c",
        level: "warning",
      });
      const known = await fx.b.assign(3, ["r-2"], meta({ timestamp: 30, title: "newer" }));
      expect(known).toMatchObject({ groupId: 7_000_000, isNew: false });
      expect(await fx.b.getGroup(3, 7_000_000)).toMatchObject({
        timesSeen: 43,
        lastSeen: 30,
        title: "newer",
      });
      const fresh = await fx.a.assign(3, ["brand-new"], meta());
      expect(fresh.isNew).toBe(true);
      expect(fresh.groupId).toBeGreaterThan(7_000_000);
    });

    it("rejects restore rows with an invalid group id", async () => {
      const bad = {
        groupId: 0,
        hashes: ["x"],
        firstSeen: 1,
        lastSeen: 1,
        timesSeen: 1,
        title: "",
        culprit: "",
        level: "",
      };
      await expect(fx.a.restore(1, [bad])).rejects.toThrow(RangeError);
    });
  });
}
