// Shared plumbing for integration tests against the real servers started by
// `scripts/services.sh up`. Addresses come from the options registry, so the same
// INGEST_* variables that move the pipeline also move its tests. A missing server makes
// the suite FAIL with a message naming the fix; integration tests never skip.
import { randomBytes } from "node:crypto";
import { createClient } from "@clickhouse/client";
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import { beforeAll } from "vitest";
import { loadOptions } from "../../config/options.ts";

const PROBE_TIMEOUT_MS = 15_000;
const FIX_HINT = "run `bash scripts/services.sh up` (or `npm test`, which starts it)";

export class ServiceUnreachableError extends Error {
  constructor(
    readonly service: "Kafka" | "ClickHouse" | "Redis",
    readonly address: string,
    readonly envVar: string,
    cause: unknown,
  ) {
    const reason = (cause instanceof Error ? cause.message : String(cause)).replace(/\.+$/, "");
    super(`${service} is not reachable at ${address} (${envVar}): ${reason}. To start it, ${FIX_HINT}.`, {
      cause,
    });
    this.name = "ServiceUnreachableError";
  }
}

export function kafkaBrokers(): string[] {
  return [...loadOptions().kafkaBrokers];
}

export function clickhouseUrl(): string {
  return loadOptions().clickhouseUrl;
}

export function redisUrl(): string {
  return loadOptions().redisUrl;
}

export async function probeKafka(): Promise<void> {
  const brokers = kafkaBrokers();
  const kafka = new Kafka({
    clientId: "tests-probe",
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 5_000,
    retry: { retries: 2, initialRetryTime: 300 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error("the cluster reports no brokers");
  } catch (error) {
    throw new ServiceUnreachableError("Kafka", brokers.join(","), "INGEST_KAFKA_BROKERS", error);
  } finally {
    await admin.disconnect();
  }
}

export async function probeClickHouse(): Promise<void> {
  const url = clickhouseUrl();
  const options = loadOptions();
  const client = createClient({
    url,
    username: options.clickhouseUser,
    password: options.clickhousePassword,
    request_timeout: 5_000,
  });
  try {
    const result = await client.query({ query: "SELECT 1 AS ok", format: "JSONEachRow" });
    const rows = await result.json<{ ok: number }>();
    if (rows[0]?.ok !== 1) throw new Error(`SELECT 1 answered ${JSON.stringify(rows)}`);
  } catch (error) {
    throw new ServiceUnreachableError("ClickHouse", url, "INGEST_CLICKHOUSE_URL", error);
  } finally {
    await client.close();
  }
}

export async function probeRedis(): Promise<void> {
  const url = redisUrl();
  // No reconnect loop: a probe wants one clear answer, not ioredis retrying forever.
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // Without a listener ioredis reports the refused connection as an unhandled 'error' event.
  redis.on("error", () => {});
  try {
    await redis.connect();
    const answer = await redis.ping();
    if (answer !== "PONG") throw new Error(`PING answered ${answer}`);
  } catch (error) {
    throw new ServiceUnreachableError("Redis", url, "INGEST_REDIS_URL", error);
  } finally {
    redis.disconnect();
  }
}

/** Registers a `beforeAll` in the calling suite that fails every test when Kafka is down. */
export function requireKafka(): void {
  beforeAll(probeKafka, PROBE_TIMEOUT_MS);
}

/** Registers a `beforeAll` in the calling suite that fails every test when ClickHouse is down. */
export function requireClickHouse(): void {
  beforeAll(probeClickHouse, PROBE_TIMEOUT_MS);
}

/** Registers a `beforeAll` in the calling suite that fails every test when Redis is down. */
export function requireRedis(): void {
  beforeAll(probeRedis, PROBE_TIMEOUT_MS);
}

let nameCounter = 0;

/**
 * A name no other test run on this machine uses, made of `[a-z0-9_]` only so it is valid
 * as a Kafka topic, a ClickHouse database or table, a consumer group and a Redis key
 * prefix alike (Kafka frowns on mixing `.` and `_`, ClickHouse on `-`).
 */
export function uniqueName(prefix: string): string {
  const cleanPrefix = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, "_");
  nameCounter += 1;
  const parts = [
    cleanPrefix,
    process.pid.toString(36),
    Date.now().toString(36),
    nameCounter.toString(36),
    randomBytes(3).toString("hex"),
  ];
  return parts.join("_");
}
