import { randomUUID } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { describe, expect, it } from "vitest";
import { type KafkaPayload, Partition } from "../../pipelines/types.ts";
import { requireClickHouse, requireKafka } from "../helpers/services.ts";
import { consumerSuite, scrape, total } from "./cli-consumer-support.ts";
import { freePort, IngestProcess, ingest, ROOT, sleep, waitUntil } from "./cli-support.ts";

// The storage consumer as `ingest consumer run storage` under a steady stream of events
// from Sentry's fixtures (and some garbage for its DLQ), stopped with SIGTERM in the middle
// of it: it must lose nothing and leave committed exactly what it stored. Meanwhile every
// metric family operators watch must show up with non-zero samples.

requireKafka();
requireClickHouse();

const suite = consumerSuite("clistream");

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
  const producer = suite.producers(`cli-consumer-it-${topic}`);
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
  const result = await suite.clickhouse.query({
    query: `${query} WHERE project_id IN (${PROJECTS.join(",")})`,
    format: "JSONEachRow",
  });
  const rows = await result.json<{ event_id: string }>();
  return rows.map((row) => row.event_id.replaceAll("-", ""));
}

describe("ingest consumer run storage under a steady stream", () => {
  it("exposes every metric family, and on SIGTERM stores and commits exactly what it processed", async () => {
    const port = await freePort();
    const healthFile = join(suite.dir, "storage-stream-health.txt");
    const group = suite.topology.group("storage");
    const input = suite.topology.topic("events");
    const args = [
      "consumer",
      "run",
      "storage",
      "--topology",
      suite.topology.file,
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
    const env = { ...suite.env, INGEST_BACKPRESSURE_PAUSE_AFTER_MS: "20" };
    const run = new IngestProcess(args, env);
    const stream = steadyStream(input);
    const seen = new Map<string, number>();
    const watch = (scrape: Map<string, number>, family: string, labels: Record<string, string> = {}) => {
      const key = `${family}${JSON.stringify(labels)}`;
      seen.set(key, Math.max(seen.get(key) ?? 0, total(scrape, family, labels)));
    };
    const FAMILIES: Array<[string, Record<string, string>]> = [
      ["ingest_messages_consumed_total", { consumer: "storage", topic: input }],
      [
        "ingest_messages_produced_total",
        { consumer: "storage-dlq", topic: suite.topology.topic("events-dlq") },
      ],
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

    const committed = await suite.admin.committedOffsets(group, [input]);
    const processed = stream.produced.filter(
      (r) => r.offset < (committed.get(Partition.of(input, r.partition)) ?? 0),
    );
    const stored = await storedEventIds(`SELECT event_id FROM ${suite.database}.errors`);
    const expected = processed.flatMap((r) => (r.eventId === null ? [] : [r.eventId]));
    // Everything below the committed offsets is stored, and nothing above them: the drain
    // on SIGTERM wrote its last batches and then committed them.
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.sort()).toEqual(expected.sort());
    expect(processed.length).toBeGreaterThan(0);
    expect(processed.length).toBeLessThan(stream.produced.length);

    const invalidBelow = processed.filter((r) => r.eventId === null).length;
    const dlqEnd = [...(await suite.admin.endOffsets(suite.topology.topic("events-dlq"))).values()].reduce(
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
          storedNow = (await storedEventIds(`SELECT event_id FROM ${suite.database}.errors`)).length;
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
          const lag = await ingest(["lag", "--group", group, "--topology", suite.topology.file, "--json"]);
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
      const all = await storedEventIds(`SELECT event_id FROM ${suite.database}.errors`);
      expect(all.length).toBe(valid);
      expect(new Set(all).size).toBe(valid);
    } finally {
      expect(await second.stop("SIGTERM")).toBe(0);
    }
  });

  it("terminates without draining on a second signal, exiting 1", async () => {
    const group = `${suite.prefix}-terminate`;
    const run = new IngestProcess(
      [
        "consumer",
        "run",
        "storage",
        "--topology",
        suite.topology.file,
        "--consumer-group",
        group,
        "--auto-offset-reset",
        "earliest",
      ],
      suite.env,
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
