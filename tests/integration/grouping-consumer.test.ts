import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ClickHouseClient } from "@clickhouse/client";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGroupsRebuild } from "../../cli/commands/groups.ts";
import { loadOptions, type Options } from "../../config/options.ts";
import type { ConsumerContext, ConsumerDefinition, ConsumerSettings } from "../../consumers/definition.ts";
import { createEventsNormalizedCodec, groupingConsumer } from "../../consumers/grouping/definition.ts";
import type { RedisGroupStore } from "../../consumers/grouping/group-store-redis.ts";
import { RedisGroupingStateFence } from "../../consumers/grouping/state-fence.ts";
import { KafkaConsumer, kafkaConsumerConfig } from "../../consumers/kafka-consumer.ts";
import { normalizeConfigFromOptions } from "../../consumers/normalize/config.ts";
import { isRejected, normalizeEvent, toStoredEvent } from "../../consumers/normalize/normalize.ts";
import { createStorageClickHouseClient, queryRows } from "../../consumers/storage/clickhouse-client.ts";
import { storageConsumer } from "../../consumers/storage/definition.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics, type Metrics } from "../../observability/metrics.ts";
import {
  DeadLetterQueue,
  deadLetterConfig,
  type KafkaPayload,
  StreamProcessor,
  streamProcessorConfig,
} from "../../pipelines/index.ts";
import { kafkaClientConfig } from "../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import type { AvroCodec } from "../../schemas/avro/codec.ts";
import type { EventNormalizedRecord } from "../../schemas/avro/types.ts";
import { parseEventStreamMessage } from "../../schemas/eventstream/codec.ts";
import { requireClickHouse, requireKafka, requireRedis, uniqueName } from "../helpers/services.ts";
import { KafkaTestTopics, pollRecords } from "./support/kafka.ts";

// The grouping consumer on the real Kafka, Redis (and, for the restart, the storage consumer
// on ClickHouse) of scripts/services.sh. Every run has its own topics, consumer groups,
// Redis key prefix and ClickHouse database.
//
// The restart test restarts the shared Redis, which runs without persistence: everything in
// it (other helpers' keys too) is gone afterwards. That is the situation the grouping-state
// fence and `ingest groups rebuild` exist for.

const logger = silentLogger();
const SERVICES = join(import.meta.dirname, "../../scripts/services.sh");
const exec = promisify(execFile);
const projectsDir = mkdtempSync(join(tmpdir(), "grouping-it-"));
const projectsFile = join(projectsDir, "projects.yaml");
writeFileSync(
  projectsFile,
  [
    "version: 1",
    "projects:",
    "  - { id: 1, organizationId: 10, slug: one, publicKeys: [e12d836b15bb49d7bbf99e64295d995b] }",
    "  - { id: 2, organizationId: 20, slug: two, publicKeys: [0f6a1c2e3d4b5a69788796a5b4c3d2e1] }",
  ].join("\n"),
);

function runOptions(overrides: Partial<Options> = {}): Options {
  return loadOptions(process.env, {
    redisKeyPrefix: `${uniqueName("grouping_it")}:`,
    projectsFile,
    projectSource: "file",
    autoOffsetReset: "earliest",
    kafkaFetchMaxWaitMs: 100,
    stateRetryInitialMs: 50,
    stateRetryMaxMs: 500,
    joinTimeoutMs: 10_000,
    ...overrides,
  });
}

let topics: KafkaTestTopics;
let producers: KafkaProducerFactory;
let codec: AvroCodec<EventNormalizedRecord>;
const NOW = Date.now() / 1000;
let template: Record<string, unknown>;

/** A normalized event (as the normalize consumer writes it) with this id and fingerprint. */
function record(
  n: number,
  projectId: number,
  fingerprint: string,
  environment?: string,
): EventNormalizedRecord {
  const eventId = `${(n + 1).toString(16).padStart(12, "0")}${uniqueRun}`;
  const timestamp = NOW - 3600 + n / 100;
  const payload = { ...template, event_id: eventId, timestamp, fingerprint: [fingerprint], environment };
  return {
    kind: "event",
    event_id: eventId,
    project_id: projectId,
    organization_id: null,
    source_topic: "ingest-events",
    start_time: Math.floor(NOW),
    received: NOW,
    ingested_at_ms: Math.floor(NOW * 1000),
    remote_addr: null,
    client: null,
    platform: "python",
    type: "default",
    level: "error",
    timestamp,
    release: null,
    environment: environment ?? null,
    retention_days: null,
    attachments: [],
    processing_errors: [],
    payload: JSON.stringify(payload),
  };
}
const uniqueRun = Math.floor(Math.random() * 2 ** 48)
  .toString(16)
  .padStart(20, "0");

async function produce(topic: string, records: ReadonlyArray<EventNormalizedRecord>): Promise<void> {
  const producer = producers(`grouping-it-${topic}`);
  const CHUNK = 2000;
  for (let start = 0; start < records.length; start += CHUNK) {
    await Promise.all(
      records.slice(start, start + CHUNK).map((r) => {
        const payload: KafkaPayload = { key: Buffer.from(r.event_id), value: codec.encode(r), headers: [] };
        return producer.produce(topic, payload);
      }),
    );
  }
}

interface Running {
  readonly metrics: Metrics;
  readonly deps: unknown;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

async function startConsumer<Deps>(
  definition: ConsumerDefinition<Deps>,
  settings: ConsumerSettings,
  options: Options,
): Promise<Running & { deps: Deps }> {
  const metrics = createMetrics();
  const context: ConsumerContext = { settings, options, producerFactory: producers, metrics, logger };
  const resources = await definition.openResources(context, "production");
  const dlqTopic = [...settings.dlq.values()][0] as string;
  const processor = new StreamProcessor(
    {
      consumer: new KafkaConsumer(kafkaConsumerConfig(options, settings.groupId), {
        client: kafkaClientConfig(options),
        logger,
      }),
      factory: definition.buildStrategy(context, resources.deps),
      metrics,
      logger,
      dlq: new DeadLetterQueue(
        producers(`${settings.name}-it-dlq`),
        deadLetterConfig(options, { topic: dlqTopic, consumer: settings.name }),
        metrics,
        logger,
      ),
    },
    streamProcessorConfig(options, { name: settings.name, topics: settings.inputs }),
  );
  const done = processor.run().finally(() => resources.close());
  done.catch(() => {});
  return {
    metrics,
    deps: resources.deps,
    done,
    async stop() {
      processor.signalShutdown();
      await done;
    },
  };
}

function groupingSettings(input: string, output: string, dlq: string, groupId: string): ConsumerSettings {
  return {
    name: "grouping",
    groupId,
    inputs: [input],
    outputs: [output],
    dlq: new Map([[input, dlq]]),
    maxBatchSize: 500,
    maxBatchTimeMs: 200,
    concurrency: 1,
  };
}

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function allCommitted(groupId: string, topic: string): Promise<boolean> {
  const [committed, end] = await Promise.all([
    topics.admin.committedOffsets(groupId, [topic]),
    topics.admin.endOffsets(topic),
  ]);
  return [...end].every(([p, offset]) => committed.get(p) === offset);
}

async function endTotal(topic: string): Promise<number> {
  const end = await topics.admin.endOffsets(topic);
  return [...end.values()].reduce((sum, offset) => sum + offset, 0);
}

interface Insert {
  readonly eventId: string;
  readonly projectId: number;
  readonly groupId: number;
  readonly primaryHash: string;
  readonly isNew: boolean;
  readonly isNewGroupEnvironment: boolean;
}

/** Every insert on an `events` topic. */
async function readInserts(topic: string, options: Options, count: number): Promise<Insert[]> {
  const consumer = new KafkaConsumer(kafkaConsumerConfig(options, uniqueName("grouping_it_reader")), {
    client: kafkaClientConfig(options),
    logger,
  });
  consumer.subscribe([topic]);
  try {
    const records = await pollRecords(consumer, count, 60_000);
    return records.map((r) => {
      const message = parseEventStreamMessage(r.payload.value, { maxBytes: 25_000_000, maxDepth: 66 });
      if (message.operation !== "insert") throw new Error(`unexpected ${message.operation}`);
      return {
        eventId: message.body.event_id,
        projectId: message.body.project_id,
        groupId: message.body.group_id,
        primaryHash: message.body.primary_hash,
        isNew: (message.state as { is_new: boolean }).is_new,
        isNewGroupEnvironment: (message.state as { is_new_group_environment: boolean })
          .is_new_group_environment,
      };
    });
  } finally {
    await consumer.close();
  }
}

async function connect(options: Options): Promise<Redis> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  await redis.ping();
  return redis;
}

async function deletePrefix(options: Options): Promise<void> {
  const redis = await connect(options);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${options.redisKeyPrefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

requireKafka();
requireRedis();
requireClickHouse();

beforeAll(async () => {
  topics = new KafkaTestTopics(logger);
  producers = createKafkaProducerFactory(runOptions(), { logger });
  codec = await createEventsNormalizedCodec(runOptions());
  const raw = {
    event_id: "0".repeat(32),
    timestamp: NOW - 3600,
    platform: "python",
    level: "error",
    message: "boom",
  };
  const normalized = normalizeEvent(
    raw,
    normalizeConfigFromOptions(runOptions(), { receivedAt: NOW, projectId: 1 }),
  );
  if (isRejected(normalized)) throw new Error("the template event was rejected");
  template = toStoredEvent(normalized);
});

afterAll(async () => {
  await producers?.close();
  await topics?.cleanup();
  rmSync(projectsDir, { recursive: true, force: true });
});

describe("grouping consumer on Kafka and Redis", () => {
  it("two consumers racing on 10k events with 500 fingerprints make exactly 500 groups, times_seen summing to 10k", async () => {
    const options = runOptions();
    const input = await topics.create("grouping_it_in", 4);
    const output = await topics.create("grouping_it_events", 3);
    const dlq = await topics.create("grouping_it_dlq", 1);
    const groupId = uniqueName("grouping_it_race");
    const settings = groupingSettings(input, output, dlq, groupId);
    const a = await startConsumer(groupingConsumer, settings, options);
    const b = await startConsumer(groupingConsumer, settings, options);
    try {
      // Both members must hold partitions before the events arrive, so they really race.
      await waitUntil(
        "both consumers assigned",
        async () => {
          const assigned = await Promise.all(
            [a, b].map(async (c) =>
              (await c.metrics.assignedPartitions.get()).values.reduce((s, v) => s + v.value, 0),
            ),
          );
          return assigned.every((n) => n > 0);
        },
        60_000,
      );
      const EVENTS = 10_000;
      const FINGERPRINTS = 500;
      await produce(
        input,
        Array.from({ length: EVENTS }, (_, n) => record(n, 1, `fp-${n % FINGERPRINTS}`)),
      );
      await waitUntil("all events grouped", () => allCommitted(groupId, input), 90_000);
      expect(await endTotal(dlq)).toBe(0);

      const inserts = await readInserts(output, options, EVENTS);
      expect(new Set(inserts.map((i) => i.eventId)).size).toBe(EVENTS);
      const groupOfHash = new Map<string, number>();
      for (const insert of inserts) {
        const known = groupOfHash.get(insert.primaryHash);
        if (known === undefined) groupOfHash.set(insert.primaryHash, insert.groupId);
        else expect(insert.groupId).toBe(known);
      }
      expect(groupOfHash.size).toBe(FINGERPRINTS);
      expect(new Set(groupOfHash.values()).size).toBe(FINGERPRINTS);
      expect(inserts.filter((i) => i.isNew)).toHaveLength(FINGERPRINTS);

      const store = a.deps.store as RedisGroupStore;
      let timesSeen = 0;
      for (const id of groupOfHash.values()) timesSeen += (await store.getGroup(1, id))?.timesSeen ?? 0;
      expect(timesSeen).toBe(EVENTS);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await deletePrefix(options);
    }
  });

  it("gives equal fingerprints in two projects two groups", async () => {
    const options = runOptions();
    const input = await topics.create("grouping_it_in", 2);
    const output = await topics.create("grouping_it_events", 1);
    const dlq = await topics.create("grouping_it_dlq", 1);
    const groupId = uniqueName("grouping_it_projects");
    const consumer = await startConsumer(
      groupingConsumer,
      groupingSettings(input, output, dlq, groupId),
      options,
    );
    try {
      await produce(
        input,
        Array.from({ length: 200 }, (_, n) => record(n, 1 + (n % 2), `shared-${Math.floor(n / 2) % 10}`)),
      );
      await waitUntil("all events grouped", () => allCommitted(groupId, input), 60_000);
      const inserts = await readInserts(output, options, 200);
      const groups = new Map<string, Set<number>>();
      for (const insert of inserts) {
        const key = `${insert.projectId}:${insert.primaryHash}`;
        const set = groups.get(key) ?? new Set<number>();
        set.add(insert.groupId);
        groups.set(key, set);
      }
      expect(groups.size).toBe(20);
      expect([...groups.values()].every((set) => set.size === 1)).toBe(true);
      const allIds = [...groups.values()].map((set) => [...set][0]);
      expect(new Set(allIds).size).toBe(20);
    } finally {
      await consumer.stop();
      await deletePrefix(options);
    }
  });
});

describe("grouping state across a Redis restart", () => {
  let clickhouse: ClickHouseClient;
  const database = uniqueName("grouping_it");
  beforeAll(() => {
    clickhouse = createStorageClickHouseClient(runOptions());
  });
  afterAll(async () => {
    await clickhouse?.command({ query: `DROP DATABASE IF EXISTS \`${database}\`` });
    await clickhouse?.close();
  });

  it("holds events while the state is lost and, after `groups rebuild`, keeps every assignment storage had recorded", async () => {
    const options = runOptions({ clickhouseDatabase: database, storageAutoMigrate: true });
    const input = await topics.create("grouping_it_in", 2);
    const events = await topics.create("grouping_it_events", 2);
    const dlq = await topics.create("grouping_it_dlq", 1);
    const eventsDlq = await topics.create("grouping_it_events_dlq", 1);
    const groupingGroup = uniqueName("grouping_it_restart");
    const storageGroup = uniqueName("grouping_it_storage");
    const grouping = await startConsumer(
      groupingConsumer,
      groupingSettings(input, events, dlq, groupingGroup),
      options,
    );
    const storage = await startConsumer(
      storageConsumer,
      {
        name: "storage",
        groupId: storageGroup,
        inputs: [events],
        outputs: [],
        dlq: new Map([[events, eventsDlq]]),
        maxBatchSize: 1000,
        maxBatchTimeMs: 200,
        concurrency: 1,
      },
      options,
    );
    try {
      // Phase 1: 40 fingerprints in two projects and two environments, stored in ClickHouse.
      const phase1 = Array.from({ length: 800 }, (_, n) =>
        record(n, 1 + (n % 2), `fp-${n % 40}`, n % 4 < 2 ? "prod" : "staging"),
      );
      await produce(input, phase1);
      await waitUntil("phase 1 grouped", () => allCommitted(groupingGroup, input), 60_000);
      await waitUntil("phase 1 stored", () => allCommitted(storageGroup, events), 60_000);
      const groupRows = await queryRows<{
        project_id: string;
        group_id: string;
        hashes: string[];
        times_seen: string;
      }>(clickhouse, `SELECT project_id, group_id, hashes, times_seen FROM \`${database}\`.\`groups\` FINAL`);
      expect(groupRows).toHaveLength(40);
      const recorded = new Map(groupRows.map((r) => [`${r.project_id}:${r.hashes[0]}`, Number(r.group_id)]));
      const maxRecorded = Math.max(...recorded.values());

      await exec("bash", [SERVICES, "restart", "redis"], { timeout: 120_000 });
      const probe = await connect(options);
      try {
        const fence = new RedisGroupingStateFence(probe, options.redisKeyPrefix, {
          note: "probe",
          idHeadroom: 0,
        });
        expect(await fence.isIntact()).toBe(false);
      } finally {
        probe.disconnect();
      }

      // Phase 2 arrives while the state is lost: the same fingerprints and 5 new ones.
      const phase2 = Array.from({ length: 300 }, (_, n) =>
        record(1000 + n, 1 + (n % 2), n < 250 ? `fp-${n % 40}` : `new-${n % 10}`, "prod"),
      );
      await produce(input, phase2);
      const eventsBefore = await endTotal(events);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await endTotal(events)).toBe(eventsBefore);
      expect(await allCommitted(groupingGroup, input)).toBe(false);

      const lines: string[] = [];
      const report = await runGroupsRebuild(
        { all: true },
        { out: (line) => lines.push(line), options: () => options, logger: () => logger },
        { groupId: storageGroup, inputs: [events] },
      );
      expect(report.stateWasLost).toBe(true);
      expect(report.projects.map((p) => p.groups).reduce((s, g) => s + g, 0)).toBe(40);
      expect(lines.at(-1)).toMatch(/^groups rebuild: grouping state had been lost/);

      await waitUntil("phase 2 grouped", () => allCommitted(groupingGroup, input), 60_000);
      await waitUntil("phase 2 stored", () => allCommitted(storageGroup, events), 60_000);
      expect(await endTotal(dlq)).toBe(0);
      expect(await endTotal(eventsDlq)).toBe(0);

      const inserts = await readInserts(events, options, phase1.length + phase2.length);
      const phase2Ids = new Set(phase2.map((r) => r.event_id));
      const after = inserts.filter((i) => phase2Ids.has(i.eventId));
      expect(after).toHaveLength(phase2.length);
      const newGroups = new Set<number>();
      for (const insert of after) {
        const before = recorded.get(`${insert.projectId}:${insert.primaryHash}`);
        if (before !== undefined) {
          expect(insert.groupId).toBe(before);
          expect(insert.isNew).toBe(false);
        } else {
          expect(insert.groupId).toBeGreaterThan(maxRecorded);
          newGroups.add(insert.groupId);
        }
      }
      expect(newGroups.size).toBe(10);
      // Environments were restored from the errors table: fingerprints k with k % 4 < 2 were
      // seen in prod before the restart, the others only in staging.
      const fingerprintOf = new Map(phase2.map((r, n) => [r.event_id, n < 250 ? n % 40 : -1]));
      const firstInProd = new Map<number, number>();
      for (const insert of after) {
        const k = fingerprintOf.get(insert.eventId) as number;
        if (k < 0) continue;
        if (k % 4 < 2) expect(insert.isNewGroupEnvironment).toBe(false);
        else if (insert.isNewGroupEnvironment)
          firstInProd.set(insert.groupId, (firstInProd.get(insert.groupId) ?? 0) + 1);
      }
      expect([...firstInProd.values()]).toEqual(Array.from({ length: 20 }, () => 1));
      // Counters continue from the record.
      const store = grouping.deps.store as RedisGroupStore;
      const [project, hash] = [...recorded.keys()][0]!.split(":") as [string, string];
      const groupId = recorded.get(`${project}:${hash}`) as number;
      const count = (list: ReadonlyArray<Insert>) =>
        list.filter((i) => i.groupId === groupId && String(i.projectId) === project).length;
      expect((await store.getGroup(Number(project), groupId))?.timesSeen).toBe(count(inserts));
    } finally {
      await Promise.all([grouping.stop(), storage.stop()]);
      await deletePrefix(options);
    }
  });
});
