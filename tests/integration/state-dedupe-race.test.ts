import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DedupeClaim, RedisDedupeStore, recordClaimant } from "../../consumers/relay-intake/dedupe.ts";
import { partition } from "../../pipelines/types.ts";
import { connectRedis, deletePrefix, testOptions } from "../unit/state/contracts/redis-fixture.ts";

// Two intake consumers see the same 1000 events (Relay sent each twice, the copies
// landed on different partitions) and claim them at the same time.

const EVENTS = 1000;

function claims(topicPartition: number): DedupeClaim[] {
  const p = partition("ingest-events", topicPartition);
  return Array.from({ length: EVENTS }, (_, i) => ({
    projectId: 1,
    eventId: i.toString(16).padStart(32, "0"),
    claimant: recordClaimant(p, 5000 + i),
  }));
}

describe("RedisDedupeStore under two racing consumers", () => {
  const options = testOptions();
  let ca: Redis;
  let cb: Redis;
  beforeAll(async () => {
    ca = await connectRedis(options, "dedupe-a");
    cb = await connectRedis(options, "dedupe-b");
  });
  afterAll(async () => {
    await deletePrefix(ca, options.redisKeyPrefix);
    ca.disconnect();
    cb.disconnect();
  });

  it("lets exactly one consumer produce each of 1000 events claimed by both at once", async () => {
    const a = new RedisDedupeStore(ca, options.redisKeyPrefix);
    const b = new RedisDedupeStore(cb, options.redisKeyPrefix);
    const fromA = claims(0);
    const fromB = claims(1);
    // Interleaved: batch claims of 100 and single claims, both clients at once.
    const resultsA: boolean[] = [];
    const resultsB: boolean[] = [];
    await Promise.all([
      (async () => {
        for (let i = 0; i < EVENTS; i += 100) {
          resultsA.push(...(await a.claimMany(fromA.slice(i, i + 100), options.dedupeWindowSeconds)));
        }
      })(),
      (async () => {
        const singles = await Promise.all(
          fromB.map((c) => b.claim(c.projectId, c.eventId, options.dedupeWindowSeconds, c.claimant)),
        );
        resultsB.push(...singles);
      })(),
    ]);
    let produced = 0;
    for (let i = 0; i < EVENTS; i++) {
      expect(resultsA[i] !== resultsB[i]).toBe(true);
      produced += (resultsA[i] ? 1 : 0) + (resultsB[i] ? 1 : 0);
    }
    expect(produced).toBe(EVENTS);

    // Each consumer then restarts and re-reads its own records: its winners stay winners,
    // its losers stay losers, so nothing is produced twice and nothing is lost.
    expect(await a.claimMany(fromA, options.dedupeWindowSeconds)).toEqual(resultsA);
    expect(await b.claimMany(fromB, options.dedupeWindowSeconds)).toEqual(resultsB);
  });

  it("stores the claim with the window as TTL under ingest:dedupe:{project}:{event}", async () => {
    const a = new RedisDedupeStore(ca, options.redisKeyPrefix);
    const eventId = "d".repeat(32);
    const claimant = recordClaimant(partition("ingest-attachments", 1), 77);
    expect(await a.claim(9, eventId, 300, claimant)).toBe(true);
    const key = `${options.redisKeyPrefix}dedupe:9:${eventId}`;
    expect(await ca.get(key)).toBe("ingest-attachments:1:77");
    const ttl = await ca.ttl(key);
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
  });
});
