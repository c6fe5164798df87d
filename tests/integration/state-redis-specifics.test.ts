import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOptions } from "../../config/options.ts";
import { createRedisProjectConfigSource, writeProjectSettings } from "../../config/project-source-redis.ts";
import { loadProjectsFile } from "../../config/projects.ts";
import { createRedisClient, StateStoreError, StateUnavailableError } from "../../config/redis.ts";
import type { GroupRow } from "../../consumers/grouping/group-store.ts";
import { RedisGroupStore } from "../../consumers/grouping/group-store-redis.ts";
import { RedisChunkStore } from "../../consumers/relay-intake/chunk-store.ts";
import { RedisDedupeStore } from "../../consumers/relay-intake/dedupe.ts";
import { systemClock } from "../../pipelines/types.ts";
import { binaryChunk } from "../unit/state/contracts/chunk-store-contract.ts";
import { connectRedis, countKeys, deletePrefix, testOptions } from "../unit/state/contracts/redis-fixture.ts";

const EVENT = "2107c4e968514c8690d3a3a24570c40d";

describe("Redis state stores: what only real Redis shows", () => {
  const options = testOptions();
  let client: Redis;
  beforeAll(async () => {
    client = await connectRedis(options, "state-specifics");
  });
  afterAll(async () => {
    await deletePrefix(client, options.redisKeyPrefix);
    client.disconnect();
  });

  it("round-trips a 3.5 MiB attachment of 1 MiB binary chunks exactly, with the TTL on every chunk", async () => {
    const store = new RedisChunkStore(client, options.redisKeyPrefix);
    const mib = 1024 * 1024;
    const chunks = [binaryChunk(1, mib), binaryChunk(2, mib), binaryChunk(3, mib), binaryChunk(4, mib / 2)];
    await Promise.all(chunks.map((c, i) => store.putChunk(1, EVENT, "big", i, c, 600)));
    const collected = await store.collect(1, EVENT, "big", chunks.length);
    expect(collected.missing).toEqual([]);
    expect(collected.bytes.equals(Buffer.concat(chunks))).toBe(true);
    const ttl = await client.ttl(`${options.redisKeyPrefix}chunk:1:${EVENT}:big:3`);
    expect(ttl).toBeGreaterThan(590);
    await store.delete(1, EVENT, "big", chunks.length);
    expect(await countKeys(client, `${options.redisKeyPrefix}chunk:1:${EVENT}:big:*`)).toBe(0);
  });

  it("collects attachments of more chunks than one MGET slice", async () => {
    const store = new RedisChunkStore(client, options.redisKeyPrefix);
    const count = 70;
    for (let i = 0; i < count; i++)
      if (i !== 33) await store.putChunk(1, EVENT, "many", i, Buffer.from([i]), 60);
    const collected = await store.collect(1, EVENT, "many", count);
    expect(collected.missing).toEqual([33]);
    expect([...collected.bytes]).toEqual([...Array(count).keys()].filter((i) => i !== 33));
  });

  it("restores 2000 groups from rows in pipelined chunks and raises the sequence above the largest id", async () => {
    const store = new RedisGroupStore(client, options.redisKeyPrefix, 60);
    const rows: GroupRow[] = Array.from({ length: 2000 }, (_, i) => ({
      groupId: 10_000 + i * 3,
      hashes: [`restored-${i}`, `restored-${i}-b`],
      firstSeen: 1_600_000_000 + i,
      lastSeen: 1_700_000_000 + i,
      timesSeen: i + 1,
      title: `group ${i}`,
      culprit: "",
      level: "error",
    }));
    expect(await store.restore(5, rows)).toEqual({ groups: 2000, hashes: 4000 });
    expect(await client.get(`${options.redisKeyPrefix}group-seq`)).toBe(String(10_000 + 1999 * 3));
    expect(await store.lookupHash(5, "restored-1999-b")).toBe(10_000 + 1999 * 3);
    expect(await store.getGroup(5, 10_000 + 3)).toMatchObject({ timesSeen: 2, title: "group 1" });
    // A lower restore later never lowers the sequence.
    await store.restore(5, [{ ...rows[0]!, groupId: 1, hashes: ["low"] }]);
    expect(await client.get(`${options.redisKeyPrefix}group-seq`)).toBe(String(10_000 + 1999 * 3));
  });

  it("turns a Redis reply error into a non-retryable StateStoreError", async () => {
    const store = new RedisDedupeStore(client, options.redisKeyPrefix);
    await client.hset(`${options.redisKeyPrefix}dedupe:1:${"c".repeat(32)}`, "not", "a string");
    const error = await store.claim(1, "c".repeat(32), 60, "t:0:1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreError);
    expect((error as StateStoreError).message).toMatch(/WRONGTYPE/);
  });

  it("seeds projects from projects.yaml into Redis hashes and reads them back through the cached source", async () => {
    const file = await loadProjectsFile(new URL("../../projects.yaml", import.meta.url).pathname);
    for (const project of file.projects.values())
      await writeProjectSettings(client, options.redisKeyPrefix, project);
    const source = createRedisProjectConfigSource(client, options, systemClock);
    expect(await source.get(1)).toEqual(file.get(1));
    expect(await source.get(2)).toEqual(file.get(2));
    expect(await source.get(424242)).toBeUndefined();
  });
});

describe("Redis unreachable", () => {
  it("fails a claim with a retryable StateUnavailableError within a few reconnect attempts", async () => {
    // Port 1 on loopback: nothing listens, connections are refused at once.
    const options = loadOptions({}, { redisUrl: "redis://127.0.0.1:1/0", redisMaxRetriesPerRequest: 2 });
    const client = createRedisClient(options);
    try {
      const store = new RedisDedupeStore(client, options.redisKeyPrefix);
      const started = Date.now();
      const error = await store.claim(1, EVENT, 60, "t:0:1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateUnavailableError);
      expect(error).toMatchObject({ retryable: true, reason: "state_unavailable", store: "dedupe" });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      client.disconnect();
    }
  });
});
