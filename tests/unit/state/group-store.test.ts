import { describe, expect, it } from "vitest";
import { MemoryGroupStore } from "../../../consumers/grouping/group-store-memory.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import { groupStoreContract, meta } from "./contracts/group-store-contract.ts";

groupStoreContract("MemoryGroupStore", async () => {
  const store = new MemoryGroupStore(new ManualClock(), 3600);
  return { a: store, b: store, teardown: async () => undefined };
});

describe("MemoryGroupStore redelivery window", () => {
  it("counts an event again once its marker has expired", async () => {
    const clock = new ManualClock();
    const store = new MemoryGroupStore(clock, 60);
    const event = meta();
    const { groupId } = await store.assign(1, ["h"], event);
    clock.advance(59_999);
    expect((await store.assign(1, ["h"], event)).redelivered).toBe(true);
    clock.advance(1);
    expect(await store.assign(1, ["h"], event)).toEqual({ groupId, isNew: false, redelivered: false });
    expect((await store.getGroup(1, groupId))?.timesSeen).toBe(2);
  });

  it("keeps times_seen exact when a whole batch is delivered twice in a different order", async () => {
    const store = new MemoryGroupStore(new ManualClock(), 3600);
    const batch = Array.from({ length: 200 }, (_, i) => ({
      projectId: 1 + (i % 2),
      hashes: [`fp-${i % 7}`],
      event: meta({ timestamp: 1000 + i }),
    }));
    await store.assignMany(batch);
    await store.assignMany([...batch].reverse());
    const groups = [...store.groupsOf(1), ...store.groupsOf(2)];
    expect(groups).toHaveLength(14);
    expect(groups.reduce((sum, g) => sum + g.timesSeen, 0)).toBe(200);
  });
});
