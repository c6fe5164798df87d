import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOptions } from "../../config/options.ts";
import { createRedisClient } from "../../config/redis.ts";
import { KafkaConsumer, kafkaConsumerConfig } from "../../consumers/kafka-consumer.ts";
import { createEventsRawCodec } from "../../consumers/relay-intake/definition.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";
import type { BrokerValue, KafkaPayload } from "../../pipelines/types.ts";
import { kafkaClientConfig } from "../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import type { Producer } from "../../producers/types.ts";
import { requireKafka, requireRedis, uniqueName } from "../helpers/services.ts";
import {
  type IntakeRunConfig,
  intakeOptions,
  PROJECTS_YAML,
  relayWorkload,
  startIntakeConsumer,
  type Workload,
} from "./relay-intake.support.ts";
import { KafkaTestTopics, pollRecords } from "./support/kafka.ts";

// relay-intake end to end on the Kafka and Redis of scripts/services.sh: Relay-shaped
// messages (5% sent twice, 2% with chunked attachments) through the production consumer
// (Redis dedupe claims and chunks, projects.yaml, attachments on disk), restarted midway.
// A graceful restart commits everything it produced, so events-raw must hold each event
// exactly once. A SIGKILL loses the offsets of what was produced since the last commit:
// those records are redelivered, own their dedupe claims and are produced again, so the
// crash test checks that nothing is lost and reports how many came out twice.

requireKafka();
requireRedis();

const logger = silentLogger();
const baseOptions = loadOptions(process.env, { kafkaFetchMaxWaitMs: 100 });
let topics: KafkaTestTopics;
let producers: KafkaProducerFactory;
let producer: Producer;
let redis: Redis;
const dirs: string[] = [];
const prefixes: string[] = [];

beforeAll(async () => {
  topics = new KafkaTestTopics(logger);
  producers = createKafkaProducerFactory(baseOptions, { logger, metrics: createMetrics() });
  producer = producers("relay-intake-it");
  redis = createRedisClient(baseOptions, { connectionName: "relay-intake-it" });
});

afterAll(async () => {
  await producers?.close();
  await topics?.cleanup();
  for (const prefix of prefixes) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
  }
  redis?.disconnect();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function newRun(name: string): Promise<IntakeRunConfig> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  dirs.push(dir);
  writeFileSync(join(dir, "projects.yaml"), PROJECTS_YAML);
  const redisKeyPrefix = `test:${uniqueName(name)}:`;
  prefixes.push(redisKeyPrefix);
  return {
    eventsTopic: await topics.create(`${name}-ingest-events`, 3),
    attachmentsTopic: await topics.create(`${name}-ingest-attachments`, 3),
    eventsRawTopic: await topics.create(`${name}-events-raw`, 3),
    userReportsTopic: await topics.create(`${name}-user-reports`, 1),
    eventsDlq: await topics.create(`${name}-ingest-events-dlq`, 1),
    attachmentsDlq: await topics.create(`${name}-ingest-attachments-dlq`, 1),
    groupId: uniqueName(`${name}-group`),
    redisKeyPrefix,
    projectsFile: join(dir, "projects.yaml"),
    attachmentStoreDir: join(dir, "attachments"),
  };
}

async function produceAll(records: Workload["chunks"]): Promise<void> {
  for (let start = 0; start < records.length; start += 2000) {
    await Promise.all(records.slice(start, start + 2000).map((r) => producer.produce(r.topic, r.payload)));
  }
}

async function endTotal(topic: string): Promise<number> {
  let total = 0;
  for (const [, offset] of await topics.admin.endOffsets(topic)) total += offset;
  return total;
}

async function committedToEnd(config: IntakeRunConfig): Promise<boolean> {
  for (const topic of [config.eventsTopic, config.attachmentsTopic]) {
    const [end, committed] = await Promise.all([
      topics.admin.endOffsets(topic),
      topics.admin.committedOffsets(config.groupId, [topic]),
    ]);
    for (const [p, offset] of end) if ((committed.get(p) ?? 0) !== offset) return false;
  }
  return true;
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every record of `topic`, read by a group of its own. */
async function readAll(topic: string, count: number): Promise<BrokerValue<KafkaPayload>[]> {
  const consumer = new KafkaConsumer(
    kafkaConsumerConfig(intakeOptionsFor(), uniqueName("relay-intake-reader")),
    {
      client: kafkaClientConfig(baseOptions),
      logger,
    },
  );
  try {
    consumer.subscribe([topic]);
    return await pollRecords(consumer, count, 120_000);
  } finally {
    await consumer.close();
  }
}

function intakeOptionsFor() {
  return { ...baseOptions, autoOffsetReset: "earliest" };
}

async function checkEventsRaw(
  config: IntakeRunConfig,
  workload: Workload,
): Promise<{ total: number; distinct: number }> {
  const total = await endTotal(config.eventsRawTopic);
  const records = await readAll(config.eventsRawTopic, total);
  expect(records).toHaveLength(total);
  const ids = records.map((r) => r.payload.key?.toString("hex") ?? "");
  const distinct = new Set(ids);
  expect([...distinct].sort()).toEqual([...workload.uniqueEvents].sort());
  // Attachment events carry their joined attachment, stored on disk.
  const codec = await createEventsRawCodec(intakeOptions(config));
  const withAttachment = records.filter((r) =>
    workload.withAttachments.has(r.payload.key?.toString("hex") ?? ""),
  );
  expect(withAttachment.length).toBeGreaterThanOrEqual(workload.withAttachments.size);
  for (const record of withAttachment.slice(0, 50)) {
    const event = codec.decode(record.payload.value);
    expect(event.processing_errors).toEqual([]);
    const [attachment] = event.attachments;
    expect(attachment?.stored_key).toMatch(new RegExp(`^${event.project_id}/${event.event_id}/`));
    expect(existsSync(join(config.attachmentStoreDir, attachment?.stored_key ?? "missing"))).toBe(true);
  }
  expect(await endTotal(config.eventsDlq)).toBe(0);
  expect(await endTotal(config.attachmentsDlq)).toBe(0);
  return { total, distinct: distinct.size };
}

describe("relay-intake on Kafka and Redis", () => {
  it("writes each of 46k unique events to events-raw exactly once across a graceful restart", async () => {
    const config = await newRun("ri-graceful");
    const workload = relayWorkload(config, 46_000);
    await produceAll(workload.chunks);
    await produceAll(workload.messages);
    expect(workload.chunks.length + workload.messages.length).toBeGreaterThanOrEqual(50_000);

    const first = await startIntakeConsumer(config, logger);
    await until(
      async () => (await endTotal(config.eventsRawTopic)) >= 0.4 * workload.uniqueEvents.size,
      150_000,
      "40%",
    );
    first.shutdown();
    await first.done;
    const atRestart = await endTotal(config.eventsRawTopic);
    expect(atRestart).toBeLessThan(workload.uniqueEvents.size);

    const second = await startIntakeConsumer(config, logger);
    try {
      await until(() => committedToEnd(config), 200_000, "the inputs to be committed");
    } finally {
      second.shutdown();
      await second.done;
    }
    const { total, distinct } = await checkEventsRaw(config, workload);
    console.log(
      `relay-intake graceful restart at ${atRestart} of ${distinct}: events-raw holds ${total} records`,
    );
    expect(total).toBe(workload.uniqueEvents.size);
  }, 420_000);

  it("after a SIGKILL produces again exactly what was produced since the last commit, and loses nothing", async () => {
    const config = await newRun("ri-crash");
    const workload = relayWorkload(config, 20_000);
    await produceAll(workload.chunks);
    await produceAll(workload.messages);

    // The killed process never reaches its first commit: everything it produced is uncommitted.
    const child = spawnChild({ ...config, commitIntervalMs: 600_000 });
    try {
      await until(
        async () => (await endTotal(config.eventsRawTopic)) >= 0.4 * workload.uniqueEvents.size,
        150_000,
        "40%",
      );
    } finally {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    const atKill = await endTotal(config.eventsRawTopic);
    expect(await committedToEnd(config)).toBe(false);

    const second = await startIntakeConsumer(config, logger);
    try {
      await until(() => committedToEnd(config), 200_000, "the inputs to be committed");
    } finally {
      second.shutdown();
      await second.done;
    }
    const { total, distinct } = await checkEventsRaw(config, workload);
    console.log(
      `relay-intake SIGKILL after ${atKill} produced, none committed: events-raw holds ${total} for ${distinct}`,
    );
    expect(distinct).toBe(workload.uniqueEvents.size);
    // Redelivered records own their dedupe claims: each one produced before the kill comes once more.
    expect(total).toBe(workload.uniqueEvents.size + atKill);
  }, 420_000);
});

function spawnChild(config: IntakeRunConfig): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "relay-intake.child.ts")],
    {
      env: { ...process.env, RELAY_INTAKE_RUN: JSON.stringify(config) },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return child;
}
