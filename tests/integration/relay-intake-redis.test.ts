import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOptions, type Options } from "../../config/options.ts";
import { writeProjectSettings } from "../../config/project-source-redis.ts";
import { createRedisClient } from "../../config/redis.ts";
import { memoryBackend } from "../../consumers/backends.ts";
import type { ConsumerSettings } from "../../consumers/definition.ts";
import { chunkKey } from "../../consumers/relay-intake/chunk-store.ts";
import { dedupeKey } from "../../consumers/relay-intake/dedupe.ts";
import { createEventsRawCodec, relayIntakeConsumer } from "../../consumers/relay-intake/definition.ts";
import { startConsumer } from "../../consumers/runner.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";
import { Partition } from "../../pipelines/types.ts";
import { MemoryBroker } from "../../producers/memory-broker.ts";
import { relayAttachment, relayEventMessage } from "../../schemas/relay/build.ts";
import { encodeRelayMessage, eventIdToKey } from "../../schemas/relay/codec.ts";
import { requireRedis, uniqueName } from "../helpers/services.ts";

// relay-intake's production resources against the real Redis (in-memory broker): dedupe
// claims and chunks live under the run's key prefix with their TTLs, and projects come from
// Redis hashes when projectSource=redis, so a project missing there is dead-lettered.

requireRedis();

const prefix = `test:${uniqueName("relay_intake_redis")}:`;
const dir = mkdtempSync(join(tmpdir(), "relay-intake-redis-"));
const options: Options = loadOptions(process.env, {
  redisKeyPrefix: prefix,
  projectSource: "redis",
  attachmentStoreDir: dir,
  commitIntervalMs: 10,
  dedupeWindowSeconds: 600,
  attachmentChunkTtlSeconds: 120,
});
let redis: Redis;

beforeAll(async () => {
  redis = createRedisClient(options, { connectionName: "relay-intake-redis-it" });
  await writeProjectSettings(redis, prefix, {
    id: 5,
    organizationId: 50,
    slug: "it-redis",
    publicKeys: ["5".repeat(32)],
    groupingConfig: "newstyle:2023-01-11",
    stackTraceRules: "",
    fingerprintRules: "",
  });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.unlink(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const settings: ConsumerSettings = {
  name: "relay-intake",
  groupId: "ingest-consumer",
  inputs: ["ingest-events", "ingest-attachments"],
  outputs: ["events-raw", "user-reports"],
  dlq: new Map([
    ["ingest-events", "ingest-events-dlq"],
    ["ingest-attachments", "ingest-attachments-dlq"],
  ]),
  maxBatchSize: 50,
  maxBatchTimeMs: 20,
  concurrency: 1,
};

function event(
  id: string,
  projectId: number,
  attachments = [] as ReturnType<typeof relayAttachment>["descriptor"][],
) {
  return encodeRelayMessage(
    relayEventMessage({
      payload: Buffer.from(JSON.stringify({ event_id: id, message: "hi" })),
      eventId: id,
      projectId,
      startTime: 1_714_564_791,
      attachments,
    }),
  );
}

describe("relay-intake production resources on Redis", () => {
  it("claims, stores chunks and looks projects up in Redis under the run's prefix", async () => {
    const broker = new MemoryBroker();
    for (const topic of ["ingest-events", "ingest-attachments", "events-raw"]) broker.createTopic(topic, 2);
    for (const topic of ["user-reports", "ingest-events-dlq", "ingest-attachments-dlq"])
      broker.createTopic(topic, 1);
    const known = "a1".repeat(16);
    const unknown = "b2".repeat(16);
    const attachment = relayAttachment({
      eventId: known,
      projectId: 5,
      id: "att",
      data: Buffer.from("chunked bytes!"),
      filename: "a.txt",
      chunkSize: 5,
      standalone: false,
    });
    const send = (topic: string, value: Buffer, id: string) =>
      broker.produce(topic, { key: eventIdToKey(id), value, headers: [] });
    for (const chunk of attachment.chunks) send("ingest-attachments", encodeRelayMessage(chunk), known);
    send("ingest-attachments", event(known, 5, [attachment.descriptor]), known);
    // Relay sending it again: same partition, later, dropped by the Redis claim.
    send("ingest-attachments", event(known, 5, [attachment.descriptor]), known);
    send("ingest-events", event(unknown, 6), unknown);

    const running = await startConsumer(relayIntakeConsumer, {
      settings,
      options,
      backend: memoryBackend(broker, options),
      mode: "production",
      metrics: createMetrics(),
      logger: silentLogger(),
    });
    const inputs = ["ingest-events", "ingest-attachments"].flatMap((t) => broker.partitionsOf(t));
    const deadline = Date.now() + 20_000;
    try {
      while (
        inputs.some((p) => (broker.committedOffset("ingest-consumer", p) ?? 0) !== broker.endOffset(p))
      ) {
        if (Date.now() > deadline) throw new Error("relay-intake did not commit its inputs within 20 s");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      running.shutdown();
      await running.done;
    }

    const codec = await createEventsRawCodec(options);
    const produced = broker.partitionsOf("events-raw").flatMap((p) => broker.log(p));
    expect(produced).toHaveLength(1);
    const record = codec.decode(produced[0]!.payload.value);
    expect(record).toMatchObject({ event_id: known, project_id: 5, organization_id: 50 });
    expect(record.attachments[0]?.stored_key).toBe(`5/${known}/att/a.txt`);
    expect(readFileSync(join(dir, "5", known, "att", "a.txt"), "utf8")).toBe("chunked bytes!");
    const dlq = broker.log(Partition.of("ingest-events-dlq", 0));
    expect(
      dlq.map((r) => Object.fromEntries(r.payload.headers.map(([k, v]) => [k, v.toString()])).reason),
    ).toEqual(["unknown-project"]);

    const claimTtl = await redis.ttl(dedupeKey(prefix, 5, known));
    expect(claimTtl).toBeGreaterThan(500);
    expect(claimTtl).toBeLessThanOrEqual(600);
    expect(await redis.get(dedupeKey(prefix, 6, unknown))).toBeNull();
    const chunkTtl = await redis.ttl(chunkKey(prefix, 5, known, "att", 0));
    expect(chunkTtl).toBeGreaterThan(60);
    expect(chunkTtl).toBeLessThanOrEqual(120);
  }, 60_000);
});
