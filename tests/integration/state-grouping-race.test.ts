import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GroupAssignment, GroupAssignmentRequest } from "../../consumers/grouping/group-store.ts";
import { RedisGroupStore } from "../../consumers/grouping/group-store-redis.ts";
import { GROUPING_STATE_KEY } from "../../consumers/grouping/state-fence.ts";
import { connectRedis, countKeys, deletePrefix, testOptions } from "../unit/state/contracts/redis-fixture.ts";

// Two grouping consumers on separate connections assign the same stream of events at
// the same time. Atomic scripts must give exactly one group per fingerprint and an
// exact times_seen, also when part of the stream is delivered twice.

const EVENTS = 10_000;
const FINGERPRINTS = 500;
const CHUNK = 50;

function makeEvents(projectId: number): GroupAssignmentRequest[] {
  return Array.from({ length: EVENTS }, (_, i) => {
    const fp = i % FINGERPRINTS;
    // Every other round of fingerprints also carries a secondary hash, as events with
    // several variants do; it joins the group its primary hash already has.
    const round = Math.floor(i / FINGERPRINTS);
    const hashes = round % 2 === 0 ? [`fp-${fp}`] : [`fp-${fp}`, `fp-${fp}-secondary`];
    return {
      projectId,
      hashes,
      event: {
        eventId: i.toString(16).padStart(32, "0"),
        timestamp: 1_700_000_000 + i / 10,
        title: `title ${fp}`,
        culprit: `culprit ${fp}`,
        level: "error",
      },
    };
  });
}

/** Feeds `events` through `store` in chunks, each chunk started right after the last. */
async function run(
  store: RedisGroupStore,
  events: ReadonlyArray<GroupAssignmentRequest>,
): Promise<GroupAssignment[]> {
  const out: GroupAssignment[] = [];
  for (let i = 0; i < events.length; i += CHUNK)
    out.push(...(await store.assignMany(events.slice(i, i + CHUNK))));
  return out;
}

describe("RedisGroupStore under two racing consumers", () => {
  const options = testOptions();
  let ca: Redis;
  let cb: Redis;
  beforeAll(async () => {
    ca = await connectRedis(options, "race-a");
    cb = await connectRedis(options, "race-b");
    // The store assigns only under the grouping-state fence (state-fence.ts).
    await ca.set(`${options.redisKeyPrefix}${GROUPING_STATE_KEY}`, "race");
  });
  afterAll(async () => {
    await deletePrefix(ca, options.redisKeyPrefix);
    ca.disconnect();
    cb.disconnect();
  });

  it("creates exactly 500 groups for 10k events with 500 fingerprints, times_seen summing to 10k", async () => {
    const a = new RedisGroupStore(ca, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds);
    const b = new RedisGroupStore(cb, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds);
    const events = makeEvents(1);
    // Both halves walk the fingerprints in the same order, so the two consumers race to
    // create every one of the 500 groups. Which one wins each chunk varies from run to
    // run (observed 500/0 up to 250/250); what may not vary is the outcome below.
    const half = EVENTS / 2;
    const [ra, rb] = await Promise.all([run(a, events.slice(0, half)), run(b, events.slice(half))]);
    const assignments = [...ra, ...rb];

    expect(assignments).toHaveLength(EVENTS);
    const groupOf = new Map<number, number>();
    assignments.forEach((assignment, i) => {
      const fp = i % FINGERPRINTS;
      const known = groupOf.get(fp);
      if (known === undefined) groupOf.set(fp, assignment.groupId);
      else expect(assignment.groupId).toBe(known);
    });
    const groupIds = new Set(groupOf.values());
    expect(groupIds.size).toBe(FINGERPRINTS);
    expect(assignments.filter((x) => x.isNew)).toHaveLength(FINGERPRINTS);
    expect(assignments.some((x) => x.redelivered)).toBe(false);
    // No group was allocated and lost to a race: the sequence moved exactly 500 times.
    expect(await ca.get(`${options.redisKeyPrefix}group-seq`)).toBe(String(FINGERPRINTS));
    expect(await countKeys(ca, `${options.redisKeyPrefix}grp:1:group:*`)).toBe(FINGERPRINTS);
    expect(await countKeys(ca, `${options.redisKeyPrefix}grp:1:hash:*`)).toBe(2 * FINGERPRINTS);

    let timesSeen = 0;
    for (const groupId of groupIds) {
      const stats = await a.getGroup(1, groupId);
      expect(stats).toBeDefined();
      timesSeen += stats!.timesSeen;
    }
    expect(timesSeen).toBe(EVENTS);

    // The secondary hashes belong to their fingerprint's group.
    for (const fp of [0, 1, 250, 499]) {
      expect(await b.lookupHash(1, `fp-${fp}-secondary`)).toBe(groupOf.get(fp));
    }
    // first_seen/last_seen come from the earliest and latest event of each fingerprint.
    const g0 = await b.getGroup(1, groupOf.get(0)!);
    expect(g0).toMatchObject({
      firstSeen: 1_700_000_000,
      lastSeen: 1_700_000_000 + 9500 / 10,
      timesSeen: 20,
    });
  });

  it("keeps times_seen at 10k when both consumers get a redelivery of overlapping halves", async () => {
    const a = new RedisGroupStore(ca, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds);
    const b = new RedisGroupStore(cb, options.redisKeyPrefix, options.groupEventMarkerTtlSeconds);
    const events = makeEvents(2);
    // Consumer a had read 0..6000 when it died; after the rebalance b reads 4000..10000
    // and a (restarted) re-reads 0..6000: 4000..6000 is seen by both, 0..6000 twice by a.
    await run(a, events.slice(0, 6000));
    const [again, rest] = await Promise.all([run(a, events.slice(0, 6000)), run(b, events.slice(4000))]);
    expect(again.every((x) => x.redelivered)).toBe(true);
    expect(rest.slice(0, 2000).every((x) => x.redelivered)).toBe(true);
    expect(rest.slice(2000).some((x) => x.redelivered)).toBe(false);

    const groupIds = new Set([...again, ...rest].map((x) => x.groupId));
    expect(groupIds.size).toBe(FINGERPRINTS);
    let timesSeen = 0;
    for (const groupId of groupIds) timesSeen += (await b.getGroup(2, groupId))!.timesSeen;
    expect(timesSeen).toBe(EVENTS);
    // Project 2 has its own 500 groups, distinct from project 1's.
    expect(await countKeys(ca, `${options.redisKeyPrefix}grp:2:group:*`)).toBe(FINGERPRINTS);
    expect(await ca.get(`${options.redisKeyPrefix}group-seq`)).toBe(String(2 * FINGERPRINTS));
  });

  it("puts a TTL on redelivery markers and none on hash or group keys", async () => {
    const a = new RedisGroupStore(ca, options.redisKeyPrefix, 120);
    const { groupId } = await a.assign(3, ["ttl-hash"], {
      eventId: "e".repeat(32),
      timestamp: 1,
      title: "t",
      culprit: "c",
      level: "error",
    });
    const ttl = await ca.ttl(`${options.redisKeyPrefix}grp:3:ev:${"e".repeat(32)}`);
    expect(ttl).toBeGreaterThan(110);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(await ca.ttl(`${options.redisKeyPrefix}grp:3:hash:ttl-hash`)).toBe(-1);
    expect(await ca.ttl(`${options.redisKeyPrefix}grp:3:group:${groupId}`)).toBe(-1);
  });
});
