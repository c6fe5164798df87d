import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { loadOptions, type Options } from "../../../../config/options.ts";
import { createRedisClient } from "../../../../config/redis.ts";

// Real-Redis plumbing for the state integration suites: clients built the way production
// builds them, a key prefix unique to the run (several helpers share one Redis, so no
// FLUSHDB), and removal of exactly that prefix afterwards.

export function testOptions(): Options {
  return loadOptions(process.env, { redisKeyPrefix: `test:state:${randomUUID()}:` });
}

/** A connected client, or a failure that says how to start Redis (integration tests never skip). */
export async function connectRedis(options: Options, connectionName: string): Promise<Redis> {
  const client = createRedisClient(options, { connectionName });
  try {
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(
      `Redis is not reachable at ${options.redisUrl} (${String(error)}). Start it with: scripts/services.sh up redis`,
    );
  }
  return client;
}

export async function deletePrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

export async function countKeys(client: Redis, pattern: string): Promise<number> {
  let cursor = "0";
  let count = 0;
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== "0");
  return count;
}
