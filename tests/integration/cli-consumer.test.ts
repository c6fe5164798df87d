import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClickHouseClient, createClient } from "@clickhouse/client";
import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOptions } from "../../config/options.ts";
import { CONSUMER_NAMES, consumerDefinition } from "../../consumers/registry.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";
import { type KafkaPayload, Partition } from "../../pipelines/types.ts";
import { KafkaAdmin } from "../../producers/kafka-admin.ts";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import { requireClickHouse, requireKafka, requireRedis, uniqueName } from "../helpers/services.ts";
import {
  freePort,
  IngestProcess,
  ingest,
  ROOT,
  sleep,
  type UniqueTopology,
  waitUntil,
  writeUniqueTopology,
} from "./cli-support.ts";

// `ingest consumer run NAME` as a container runs it: the real binary, its flags, its health
// file, its /metrics and /health, stopped with SIGTERM. Every consumer this build has is
// started and stopped; the storage consumer also takes a steady stream of events from
// Sentry's fixtures (and some garbage for its DLQ) and is stopped in the middle of it,
// which must lose nothing and leave committed exactly what it stored.

requireKafka();
requireClickHouse();
requireRedis();

const RUNNABLE = CONSUMER_NAMES.filter((name) => consumerDefinition(name) !== undefined);
const NOT_YET = CONSUMER_NAMES.filter((name) => consumerDefinition(name) === undefined);

const dir = mkdtempSync(join(tmpdir(), "ingest-cli-consumer-"));
const prefix = uniqueName("clicons");
const database = prefix;
const options = loadOptions();
const ENV: Record<string, string> = {
  INGEST_CLICKHOUSE_DATABASE: database,
  INGEST_STORAGE_AUTO_MIGRATE: "true",
  INGEST_REDIS_KEY_PREFIX: `${prefix}:`,
  INGEST_ATTACHMENT_DIR: join(dir, "attachments"),
  INGEST_KAFKA_FETCH_MAX_WAIT_MS: "100",
  INGEST_LAG_REFRESH_INTERVAL_MS: "300",
};

let topology: UniqueTopology;
let admin: KafkaAdmin;
let producers: KafkaProducerFactory;
let clickhouse: ClickHouseClient;

beforeAll(async () => {
  topology = writeUniqueTopology(join(dir, "topology.yaml"), prefix);
  const applied = await ingest(["topology", "apply", "--yes", "--topology", topology.file]);
  expect(applied.code, applied.stderr).toBe(0);
  admin = KafkaAdmin.create(createKafkaClient(kafkaClientConfig(options), silentLogger()));
  producers = createKafkaProducerFactory(options, { logger: silentLogger(), metrics: createMetrics() });
  clickhouse = createClient({
    url: options.clickhouseUrl,
    username: options.clickhouseUser,
    password: options.clickhousePassword,
  });
});

afterAll(async () => {
  await producers?.close();
  if (admin) {
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics(topology.topics.filter((topic) => existing.has(topic)));
    await admin.close();
  }
  if (clickhouse) {
    await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await clickhouse.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Prometheus text → sample name with labels → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

/** The sum of a family's samples whose name and labels match. */
function total(scrape: Map<string, number>, sample: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of scrape) {
    const name = key.split("{")[0];
    if (name !== sample) continue;
    if (Object.entries(labels).every(([label, want]) => key.includes(`${label}="${want}"`))) sum += value;
  }
  return sum;
}

async function scrape(port: number): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return samples(await response.text());
}

describe.each(RUNNABLE)("ingest consumer run %s", (name) => {
  it("starts with every flag applied, keeps its health file and endpoints, and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const healthFile = join(dir, `${name}-health.txt`);
    const group = `${prefix}-flags-${name}`;
    const run = new IngestProcess(
      [
        "consumer",
        "run",
        name,
        "--topology",
        topology.file,
        "--consumer-group",
        group,
        "--max-batch-size",
        "7",
        "--max-batch-time-ms",
        "300",
        "--concurrency",
        "1",
        "--auto-offset-reset",
        "latest",
        "--no-strict-offset-reset",
        "--healthcheck-file",
        healthFile,
        "--disable-dlq",
        "--max-poll-interval-ms",
        "20000",
        "--group-instance-id",
        `${name}-0`,
        "--metrics-port",
        String(port),
        "--log-level",
        "info",
      ],
      ENV,
    );
    try {
      const started = await run.waitForLog("consumer.started");
      expect(started).toMatchObject({
        consumer: name,
        groupId: group,
        maxBatchSize: 7,
        maxBatchTimeMs: 300,
        concurrency: 1,
        autoOffsetReset: "latest",
        strictOffsetReset: false,
        dlqEnabled: false,
        dlq: {},
        maxPollIntervalMs: 20000,
        groupInstanceId: `${name}-0`,
        healthcheckFile: healthFile,
        metrics: `127.0.0.1:${port}`,
        backend: "kafka",
        mode: "production",
      });
      expect(run.logs().filter((line) => line.msg === "consumer.started")).toHaveLength(1);
      expect(run.logs().find((line) => line.msg === "kafka.static_membership_unsupported")).toMatchObject({
        level: 40,
        groupInstanceId: `${name}-0`,
      });
      await run.waitForLog("partitions.assigned");

      expect(existsSync(healthFile)).toBe(true);
      unlinkSync(healthFile);
      await waitUntil("the health file to come back", () => existsSync(healthFile), 3000);

      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const metrics = await scrape(port);
      expect(total(metrics, "ingest_rebalances_total", { consumer: name, kind: "assign" })).toBeGreaterThan(
        0,
      );
      expect(total(metrics, "ingest_healthcheck_touches_total", { consumer: name })).toBeGreaterThan(0);
    } finally {
      expect(await run.stop("SIGTERM")).toBe(0);
    }
    const stopped = run.logs().find((line) => line.msg === "processor.stopped");
    expect(stopped).toMatchObject({ terminated: false });
    expect(run.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(["consumer.shutdown_signal", "partitions.revoked", "consumer.stopped"]),
    );
    // It left the group instead of waiting to be timed out of it.
    expect((await admin.describeGroup(group)).members).toEqual([]);
  });
});

describe.each(NOT_YET)("ingest consumer run %s (no implementation in this build yet)", (name) => {
  it("exits 2 with the reason", async () => {
    const result = await ingest(["consumer", "run", name, "--topology", topology.file], ENV);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^ingest: consumer "${name}" is declared in the topology but this build has no implementation`,
      ),
    );
  });
});

// --- the storage consumer under a steady stream ------------------------------------------

type Tuple = [number, string, Record<string, unknown>, unknown];
const FIXTURES = join(ROOT, "tests/fixtures/storage/events");
const TEMPLATES: Tuple[] = ["errors1", "null-tag-keys", "null-values", "sdk-info-java"].map(
  (file) => parseLossless(readFileSync(join(FIXTURES, `${file}.json`), "utf8")) as Tuple,
);
const PROJECTS = [9_000_001, 9_000_002, 9_000_003];

/** Sentry's eventstream insert of fixture `i`, with a fresh event id and a recent timestamp. */
function eventsMessage(i: number): { payload: KafkaPayload; eventId: string } {
  const [version, operation, body, state] = TEMPLATES[i % TEMPLATES.length] as Tuple;
  const eventId = randomUUID().replaceAll("-", "");
  const projectId = PROJECTS[i % PROJECTS.length] as number;
  const datetime = new Date(Date.now() - 60_000).toISOString().replace("Z", "000Z");
  const message: Tuple = [
    version,
    operation,
    {
      ...body,
      event_id: eventId,
      project_id: projectId,
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
      headers: [],
    },
  };
}

interface Produced {
  readonly eventId: string | null;
  readonly partition: number;
  readonly offset: number;
}

/** Produces until stopped: batches of events, every 25th message garbage the DLQ must take. */
function steadyStream(topic: string): { readonly produced: Produced[]; stop(): Promise<void> } {
  const producer = producers(`cli-consumer-it-${topic}`);
  const produced: Produced[] = [];
  let running = true;
  let i = 0;
  const loop = (async () => {
    while (running) {
      const writes: Promise<void>[] = [];
      for (let k = 0; k < 10; k++, i++) {
        const invalid = i % 25 === 24;
        const { payload, eventId } = invalid
          ? { payload: { key: null, value: Buffer.from(`not json ${i}`), headers: [] }, eventId: null }
          : eventsMessage(i);
        writes.push(
          producer.produce(topic, payload).then((record) => {
            produced.push({ eventId, partition: record.partition.index, offset: record.offset });
          }),
        );
      }
      await Promise.all(writes);
      await sleep(40);
    }
  })();
  return {
    produced,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function storedEventIds(query: string): Promise<string[]> {
  const result = await clickhouse.query({
    query: `${query} WHERE project_id IN (${PROJECTS.join(",")})`,
    format: "JSONEachRow",
  });
  const rows = await result.json<{ event_id: string }>();
  return rows.map((row) => row.event_id.replaceAll("-", ""));
}

describe("ingest consumer run storage under a steady stream", () => {
  it("exposes every metric family, and on SIGTERM stores and commits exactly what it processed", async () => {
    const port = await freePort();
    const healthFile = join(dir, "storage-stream-health.txt");
    const group = topology.group("storage");
    const input = topology.topic("events");
    const args = [
      "consumer",
      "run",
      "storage",
      "--topology",
      topology.file,
      "--max-batch-size",
      "10",
      "--max-batch-time-ms",
      "200",
      "--healthcheck-file",
      healthFile,
      "--metrics-port",
      String(port),
    ];
    // Small batches against one insert at a time keep the chain under backpressure, and a
    // short pause threshold turns that into paused partitions, so those families move too.
    const env = { ...ENV, INGEST_BACKPRESSURE_PAUSE_AFTER_MS: "20" };
    const run = new IngestProcess(args, env);
    const stream = steadyStream(input);
    const seen = new Map<string, number>();
    const watch = (scrape: Map<string, number>, family: string, labels: Record<string, string> = {}) => {
      const key = `${family}${JSON.stringify(labels)}`;
      seen.set(key, Math.max(seen.get(key) ?? 0, total(scrape, family, labels)));
    };
    const FAMILIES: Array<[string, Record<string, string>]> = [
      ["ingest_messages_consumed_total", { consumer: "storage", topic: input }],
      ["ingest_messages_produced_total", { consumer: "storage-dlq", topic: topology.topic("events-dlq") }],
      ["ingest_messages_dead_lettered_total", { consumer: "storage", topic: input, reason: "invalid-json" }],
      ["ingest_processing_time_seconds_count", { consumer: "storage" }],
      ["ingest_batch_size_messages_count", { consumer: "storage" }],
      ["ingest_batch_time_seconds_count", { consumer: "storage" }],
      ["ingest_commit_latency_seconds_count", { consumer: "storage" }],
      ["ingest_backpressure_seconds_total", { consumer: "storage" }],
      ["ingest_paused_partitions_count", { consumer: "storage" }],
      ["ingest_consumer_lag_messages", { consumer: "storage", topic: input }],
      ["ingest_rebalances_total", { consumer: "storage", kind: "assign" }],
      ["ingest_storage_inserts_total", { consumer: "storage", table: "errors", outcome: "ok" }],
    ];
    let exitCode: number | null;
    try {
      await run.waitForLog("partitions.assigned");
      const healthSeen = new Set<number>();
      const deadline = Date.now() + 60_000;
      while (
        [...FAMILIES].some(([family, labels]) => (seen.get(`${family}${JSON.stringify(labels)}`) ?? 0) === 0)
      ) {
        if (Date.now() > deadline) break;
        const current = await scrape(port);
        for (const [family, labels] of FAMILIES) watch(current, family, labels);
        healthSeen.add(statSync(healthFile).mtimeMs);
        await sleep(150);
      }
      for (const [family, labels] of FAMILIES) {
        expect(
          seen.get(`${family}${JSON.stringify(labels)}`),
          `${family} ${JSON.stringify(labels)}`,
        ).toBeGreaterThan(0);
      }
      // Touched while running, at most once a second.
      expect(healthSeen.size).toBeGreaterThan(1);
      const touches = total(await scrape(port), "ingest_healthcheck_touches_total", { consumer: "storage" });
      const startedAt = Date.parse(String((await run.waitForLog("consumer.started")).time));
      expect(touches).toBeLessThanOrEqual((Date.now() - startedAt) / 1000 + 2);
    } finally {
      // Stopped in the middle of the stream: messages keep arriving while it drains.
      exitCode = await run.stop("SIGTERM");
      await sleep(500);
      await stream.stop();
    }
    expect(exitCode, run.stderr).toBe(0);
    const infos = run
      .logs()
      .filter((line) => line.level === 30)
      .map((line) => line.msg);
    // Lifecycle lines only: nothing per message or per batch at info.
    expect(infos.length, infos.join("\n")).toBeLessThan(40);

    const committed = await admin.committedOffsets(group, [input]);
    const processed = stream.produced.filter(
      (r) => r.offset < (committed.get(Partition.of(input, r.partition)) ?? 0),
    );
    const stored = await storedEventIds(`SELECT event_id FROM ${database}.errors`);
    const expected = processed.flatMap((r) => (r.eventId === null ? [] : [r.eventId]));
    // Everything below the committed offsets is stored, and nothing above them: the drain
    // on SIGTERM wrote its last batches and then committed them.
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.sort()).toEqual(expected.sort());
    expect(processed.length).toBeGreaterThan(0);
    expect(processed.length).toBeLessThan(stream.produced.length);

    const invalidBelow = processed.filter((r) => r.eventId === null).length;
    const dlqEnd = [...(await admin.endOffsets(topology.topic("events-dlq"))).values()].reduce(
      (a, b) => a + b,
      0,
    );
    expect(dlqEnd).toBeGreaterThanOrEqual(invalidBelow);

    // A second run picks up exactly where the first stopped: every event once, no lag left.
    const second = new IngestProcess(args, env);
    try {
      const valid = stream.produced.filter((r) => r.eventId !== null).length;
      let storedNow = 0;
      await waitUntil(
        "every event stored",
        async () => {
          storedNow = (await storedEventIds(`SELECT event_id FROM ${database}.errors`)).length;
          return storedNow >= valid;
        },
        90_000,
      ).catch((error: Error) => {
        const problems = second.logs().filter((line) => Number(line.level) >= 40);
        throw new Error(
          `${error.message}: ${storedNow} of ${valid} stored; warnings:\n${JSON.stringify(problems.slice(-10), null, 1)}\n${second.stderr}`,
        );
      });
      await waitUntil(
        "the group to commit everything",
        async () => {
          const lag = await ingest(["lag", "--group", group, "--topology", topology.file, "--json"]);
          expect(lag.code, lag.stderr).toBe(0);
          const rows = (
            JSON.parse(lag.stdout) as Array<{
              partitions: Array<{ lag: number; committed: number | null; end: number }>;
            }>
          )[0];
          return (
            rows !== undefined &&
            rows.partitions.length === 3 &&
            rows.partitions.every((p) => p.lag === 0 && p.committed === p.end)
          );
        },
        30_000,
      );
      const all = await storedEventIds(`SELECT event_id FROM ${database}.errors`);
      expect(all.length).toBe(valid);
      expect(new Set(all).size).toBe(valid);
    } finally {
      expect(await second.stop("SIGTERM")).toBe(0);
    }
  });

  it("terminates without draining on a second signal, exiting 1", async () => {
    const group = `${prefix}-terminate`;
    const run = new IngestProcess(
      [
        "consumer",
        "run",
        "storage",
        "--topology",
        topology.file,
        "--consumer-group",
        group,
        "--auto-offset-reset",
        "earliest",
      ],
      ENV,
    );
    await run.waitForLog("partitions.assigned");
    const asked = Date.now();
    // Two different signals: two of the same kind, sent at once, may arrive as one.
    run.child.kill("SIGINT");
    run.child.kill("SIGTERM");
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(run.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(["consumer.shutdown_signal", "consumer.terminate_signal"]),
    );
    expect(run.logs().find((line) => line.msg === "processor.stopped")).toMatchObject({ terminated: true });
  });
});
