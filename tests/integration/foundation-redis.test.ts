import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUrl, requireRedis, uniqueName } from "../helpers/services.ts";

// Pins what the state stores may assume about the Redis scripts/services.sh runs: ioredis
// round-trips binary values and hashes, honours expiry, and runs Lua scripts atomically.

// Marks a key as seen and reports whether it was new, in one round trip and atomically.
const FIRST_SEEN_SCRIPT = `
local created = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', tonumber(ARGV[2]))
if created then
  redis.call('INCR', KEYS[2])
  return 1
end
return 0
`;

describe("foundation: Redis through ioredis", () => {
  requireRedis();

  const prefix = uniqueName("foundation_redis");
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("round-trips binary strings and hashes", async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 10, 13]);
    await redis.set(`${prefix}:bytes`, bytes);
    expect(await redis.getBuffer(`${prefix}:bytes`)).toEqual(bytes);

    await redis.hset(`${prefix}:hash`, { project: "42", title: "ValueError: ü" });
    expect(await redis.hgetall(`${prefix}:hash`)).toEqual({ project: "42", title: "ValueError: ü" });
  });

  it("expires keys with the TTL they were written with", async () => {
    await redis.set(`${prefix}:ttl`, "x", "PX", 150);
    expect(await redis.pttl(`${prefix}:ttl`)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await redis.exists(`${prefix}:ttl`)).toBe(0);
  });

  it("runs a Lua script atomically under concurrent callers", async () => {
    redis.defineCommand("firstSeen", { numberOfKeys: 2, lua: FIRST_SEEN_SCRIPT });
    const firstSeen = (key: string) =>
      (
        redis as Redis & {
          firstSeen(seenKey: string, counterKey: string, value: string, ttl: number): Promise<number>;
        }
      ).firstSeen(`${prefix}:seen:${key}`, `${prefix}:new-count`, "1", 60);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) => firstSeen(`event-${index % 10}`)),
    );
    expect(results.filter((result) => result === 1)).toHaveLength(10);
    expect(await redis.get(`${prefix}:new-count`)).toBe("10");
    expect(await redis.ttl(`${prefix}:seen:event-0`)).toBeGreaterThan(0);
  });
});
