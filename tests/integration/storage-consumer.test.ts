import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ClickHouseClient } from "@clickhouse/client";
import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOptions, type Options } from "../../config/options.ts";
import type { ConsumerContext, ConsumerSettings } from "../../consumers/definition.ts";
import { KafkaConsumer, kafkaConsumerConfig } from "../../consumers/kafka-consumer.ts";
import type { StorageDeps } from "../../consumers/storage/build-strategy.ts";
import { createStorageClickHouseClient, queryRows } from "../../consumers/storage/clickhouse-client.ts";
import { storageConsumer } from "../../consumers/storage/definition.ts";
import type { ErrorRow } from "../../consumers/storage/error-row.ts";
import type { GroupRow } from "../../consumers/storage/group-row.ts";
import type { StorageSink, WriteResult } from "../../consumers/storage/sink.ts";
import { type Logger, silentLogger } from "../../observability/logger.ts";
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
import { requireClickHouse, requireKafka, uniqueName } from "../helpers/services.ts";
import { KafkaTestTopics } from "./support/kafka.ts";

// The storage consumer end to end on the real Kafka and ClickHouse of scripts/services.sh:
// `events` messages built from Sentry's fixture inserts with fresh event ids, consumed by
// the production chain into a ClickHouse database of this run (migrated by --auto-migrate
// and dropped afterwards). One test stops ClickHouse for 20 s, which other helpers' runs
// notice briefly; it always starts it again.

const database = uniqueName("storage_consumer_it");
const logger = silentLogger();
const baseOptions: Options = loadOptions(process.env, {
  clickhouseDatabase: database,
  storageAutoMigrate: true,
  kafkaFetchMaxWaitMs: 100,
  autoOffsetReset: "earliest",
  joinTimeoutMs: 10_000,
});
const FIXTURES = join(import.meta.dirname, "../fixtures/storage/events");
const SERVICES = join(import.meta.dirname, "../../scripts/services.sh");
const exec = promisify(execFile);

let topics: KafkaTestTopics;
let producers: KafkaProducerFactory;
let clickhouse: ClickHouseClient;

type Tuple = [number, string, Record<string, unknown>, unknown];

/** Sentry's inserts, parsed once, losslessly: their `100.0` floats must reach the consumer as written. */
const TEMPLATES: Tuple[] = [
  "errors1",
  "null-tag-keys",
  "null-values",
  "sdk-info-java",
  "weird-transaction-source",
]
  .concat(["error-with-null-threads"])
  .map((name) => {
    return parseLossless(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as Tuple;
  });

/** The i-th `events` message of a run: a fixture (every 20th the 8 KB one) with a fresh event id. */
function eventsMessage(
  i: number,
  projects: ReadonlyArray<number>,
): { payload: KafkaPayload; eventId: string } {
  const [version, operation, body, state] = TEMPLATES[i % 20 === 0 ? 5 : i % 5] as Tuple;
  const eventId = randomUUID().replaceAll("-", "");
  const projectId = projects[i % projects.length] as number;
  const groupId = 1 + (i % 40);
  const datetime = new Date(Date.now() - (i % 3600) * 1000).toISOString().replace("Z", "000Z");
  const message: Tuple = [
    version,
    operation,
    {
      ...body,
      event_id: eventId,
      project_id: projectId,
      group_id: groupId,
      group_ids: [groupId],
      primary_hash: groupId.toString(16).padStart(32, "0"),
      datetime,
      data: { ...(body.data as Record<string, unknown>), event_id: eventId },
    },
    state,
  ];
  return {
    eventId,
    payload: {
      key: Buffer.from(String(projectId)),
      value: Buffer.from(stringifyLossless(message) ?? ""),
      headers: [
        ["Received-Timestamp", Buffer.from(String(Date.now() / 1000))],
        ["queue", Buffer.from("post_process_errors")],
        ["operation", Buffer.from("insert")],
        ["version", Buffer.from("2")],
      ],
    },
  };
}

async function produce(
  topic: string,
  from: number,
  count: number,
  projects: ReadonlyArray<number>,
): Promise<void> {
  const producer = producers(`storage-it-${topic}`);
  const CHUNK = 5000;
  for (let start = from; start < from + count; start += CHUNK) {
    const end = Math.min(from + count, start + CHUNK);
    const writes: Promise<unknown>[] = [];
    for (let i = start; i < end; i++)
      writes.push(producer.produce(topic, eventsMessage(i, projects).payload));
    await Promise.all(writes);
  }
}

function projectsOf(first: number): number[] {
  return Array.from({ length: 9 }, (_, k) => first + k);
}

async function count(projects: ReadonlyArray<number>, final: boolean): Promise<number> {
  const rows = await queryRows<{ n: string }>(
    clickhouse,
    `SELECT count() AS n FROM \`${database}\`.errors ${final ? "FINAL" : ""} WHERE project_id IN (${projects.join(",")})`,
  );
  return Number(rows[0]?.n ?? 0);
}

async function storedRows(metrics: Metrics): Promise<number> {
  const metric = await metrics.storageRows.get();
  return metric.values.filter((v) => v.labels.table === "errors").reduce((sum, v) => sum + v.value, 0);
}

async function gaugeTotal(metrics: Metrics, name: "pausedPartitions"): Promise<number> {
  const metric = await metrics[name].get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Running {
  readonly metrics: Metrics;
  readonly done: Promise<void>;
  readonly startedAt: number;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** The storage consumer as `ingest consumer run storage` wires it. */
async function startStorage(
  topic: string,
  dlqTopic: string,
  groupId: string,
  options: Options,
  setup: { readonly wrapSink?: (sink: StorageSink) => StorageSink; readonly logger?: Logger } = {},
): Promise<Running> {
  const { wrapSink = (sink: StorageSink) => sink, logger = silentLogger() } = setup;
  const metrics = createMetrics();
  const settings: ConsumerSettings = {
    name: "storage",
    groupId,
    inputs: [topic],
    outputs: [],
    dlq: new Map([[topic, dlqTopic]]),
    maxBatchSize: 10_000,
    maxBatchTimeMs: 1000,
    concurrency: 1,
  };
  const context: ConsumerContext = { settings, options, producerFactory: producers, metrics, logger };
  const resources = await storageConsumer.openResources(context, "production");
  const deps: StorageDeps = { sink: wrapSink(resources.deps.sink) };
  const processor = new StreamProcessor(
    {
      consumer: new KafkaConsumer(kafkaConsumerConfig(options, groupId), {
        client: kafkaClientConfig(options),
        logger,
      }),
      factory: storageConsumer.buildStrategy(context, deps),
      metrics,
      logger,
      dlq: new DeadLetterQueue(
        producers("storage-it-dlq"),
        deadLetterConfig(options, { topic: dlqTopic, consumer: "storage" }),
        metrics,
        logger,
      ),
    },
    streamProcessorConfig(options, { name: "storage", topic }),
  );
  const startedAt = performance.now();
  const done = processor.run().finally(() => resources.close());
  done.catch(() => {});
  return {
    metrics,
    done,
    startedAt,
    async stop() {
      processor.signalShutdown();
      await done;
    },
    async kill() {
      processor.signalShutdown();
      processor.signalShutdown();
      await done;
    },
  };
}

async function allCommitted(groupId: string, topic: string): Promise<boolean> {
  const [committed, end] = await Promise.all([
    topics.admin.committedOffsets(groupId, [topic]),
    topics.admin.endOffsets(topic),
  ]);
  return [...end].every(([p, offset]) => committed.get(p) === offset);
}

async function committedTotal(groupId: string, topic: string): Promise<number> {
  const committed = await topics.admin.committedOffsets(groupId, [topic]);
  return [...committed.values()].reduce((sum, offset) => sum + Math.max(0, offset), 0);
}

async function services(command: "up" | "down"): Promise<void> {
  await exec("bash", [SERVICES, command, "clickhouse"], { timeout: 180_000 });
}

requireKafka();
requireClickHouse();

beforeAll(async () => {
  topics = new KafkaTestTopics(logger);
  producers = createKafkaProducerFactory(baseOptions, { logger });
  clickhouse = createStorageClickHouseClient(baseOptions);
});

afterAll(async () => {
  await producers?.close();
  await topics?.cleanup();
  await clickhouse?.command({ query: `DROP DATABASE IF EXISTS \`${database}\`` });
  await clickhouse?.close();
});

describe("storage consumer on Kafka and ClickHouse", () => {
  it("stores 100k events exactly once and commits past them", { timeout: 300_000 }, async () => {
    const N = 100_000;
    const projects = projectsOf(910_000);
    const topic = await topics.create("events-it", 3);
    const dlqTopic = await topics.create("events-dlq-it", 1);
    const group = uniqueName("storage-it");
    const producedAt = performance.now();
    await produce(topic, 0, N, projects);
    const produceMs = performance.now() - producedAt;

    const consumer = await startStorage(topic, dlqTopic, group, baseOptions);
    let firstRowAt = 0;
    await waitUntil(
      "every row stored",
      async () => {
        const stored = await storedRows(consumer.metrics);
        if (stored > 0 && firstRowAt === 0) firstRowAt = performance.now();
        return stored >= N;
      },
      240_000,
    );
    const storedAt = performance.now();
    await waitUntil("offsets committed", () => allCommitted(group, topic), 30_000);
    await consumer.stop();

    expect(await count(projects, true)).toBe(N);
    expect(await storedRows(consumer.metrics)).toBe(N);
    const endToEnd = N / ((storedAt - consumer.startedAt) / 1000);
    const steady = N / ((storedAt - firstRowAt) / 1000);
    console.info(
      JSON.stringify({
        bench: "storage-consumer-it",
        metric: "rows_per_second_end_to_end",
        value: Math.round(endToEnd),
        unit: "rows/s",
      }),
    );
    console.info(
      JSON.stringify({
        bench: "storage-consumer-it",
        metric: "rows_per_second_first_to_last_insert",
        value: Math.round(steady),
        unit: "rows/s",
      }),
    );
    console.info(
      JSON.stringify({
        bench: "storage-consumer-it",
        metric: "produce_seconds",
        value: produceMs / 1000,
        unit: "s",
      }),
    );
  });

  it("loses nothing and stores nothing twice when ClickHouse stops for 20 s mid-stream", {
    timeout: 300_000,
  }, async () => {
    const N = 40_000;
    const projects = projectsOf(920_000);
    const topic = await topics.create("events-outage-it", 3);
    const dlqTopic = await topics.create("events-dlq-outage-it", 1);
    const group = uniqueName("storage-outage-it");
    // The sink gives up after a few attempts, so the chain's own retry rounds carry the outage.
    const options = loadOptions(process.env, {
      ...baseOptions,
      storageRetryInitialMs: 200,
      storageRetryMaxMs: 2000,
      storageRetryMaxAttempts: 4,
    });
    await produce(topic, 0, N / 2, projects);
    const events: string[] = [];
    const errorLog = pino({ level: "error" }, { write: (line: string) => events.push(JSON.parse(line).msg) });
    const consumer = await startStorage(topic, dlqTopic, group, options, { logger: errorLog });
    await waitUntil("first half stored", async () => (await storedRows(consumer.metrics)) >= N / 4, 120_000);

    await services("down");
    try {
      const downAt = Date.now();
      await produce(topic, N / 2, N / 2, projects);
      await waitUntil(
        "partitions paused",
        async () => (await gaugeTotal(consumer.metrics, "pausedPartitions")) > 0,
        20_000,
      );
      // Let the commit of any batch acknowledged just before the stop go out first.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const committedDuringOutage = await committedTotal(group, topic);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - downAt))));
      expect(await committedTotal(group, topic)).toBe(committedDuringOutage);
      expect(committedDuringOutage).toBeLessThan(N);
    } finally {
      await services("up");
    }
    const upAt = performance.now();

    await waitUntil("offsets committed after the outage", () => allCommitted(group, topic), 180_000);
    const recoveredMs = performance.now() - upAt;
    await consumer.stop();
    await expect(consumer.done).resolves.toBeUndefined();
    expect(await count(projects, true)).toBe(N);
    const retries = await consumer.metrics.storageInserts.get();
    expect(
      retries.values.filter((v) => v.labels.outcome === "retry").reduce((s, v) => s + v.value, 0),
    ).toBeGreaterThan(0);
    // The sink gave up more than once during the outage; the chain kept the batch and retried.
    const rounds = events.filter((event) => event === "storage.unavailable").length;
    expect(rounds).toBeGreaterThanOrEqual(2);
    expect(events).not.toContain("processor.crashed");
    console.info(
      JSON.stringify({ outage: { events: N, sinkGaveUp: rounds, recoveredSeconds: recoveredMs / 1000 } }),
    );
  });

  it("re-inserts the batch of a consumer killed between insert and commit and still counts each event once", {
    timeout: 300_000,
  }, async () => {
    const N = 30_000;
    const projects = projectsOf(930_000);
    const topic = await topics.create("events-kill-it", 3);
    const dlqTopic = await topics.create("events-dlq-kill-it", 1);
    const group = uniqueName("storage-kill-it");
    await produce(topic, 0, N, projects);

    // The second batch's errors insert succeeds, then its groups upsert never answers: the
    // process is killed in that window, with rows stored and their offsets uncommitted.
    let inserts = 0;
    let secondInsertDone = false;
    const first = await startStorage(topic, dlqTopic, group, baseOptions, {
      wrapSink: (sink) => ({
        kind: sink.kind,
        insertErrors: async (rows: ReadonlyArray<ErrorRow>) => {
          const result = await sink.insertErrors(rows);
          inserts++;
          if (inserts === 2) secondInsertDone = true;
          return result;
        },
        upsertGroups: (rows: ReadonlyArray<GroupRow>) =>
          inserts >= 2 ? new Promise<WriteResult>(() => {}) : sink.upsertGroups(rows),
        readIssues: (query) => sink.readIssues(query),
        readEvents: (query) => sink.readEvents(query),
        close: () => sink.close(),
      }),
    });
    await waitUntil("a second batch inserted", async () => secondInsertDone, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await first.kill();
    const storedBeforeKill = await count(projects, false);
    const committedBeforeKill = await committedTotal(group, topic);
    expect(storedBeforeKill).toBeGreaterThan(committedBeforeKill);
    console.info(JSON.stringify({ killed: { storedBeforeKill, committedBeforeKill, total: N } }));

    const second = await startStorage(topic, dlqTopic, group, baseOptions);
    await waitUntil("offsets committed after the restart", () => allCommitted(group, topic), 180_000);
    await second.stop();
    // The restart wrote everything from the committed offsets on, the uncommitted batch again.
    expect(await storedRows(second.metrics)).toBe(N - committedBeforeKill);
    expect(await count(projects, true)).toBe(N);
  });
});
