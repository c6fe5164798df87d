// Events per second `ingest dev` takes from HTTP all the way into SQLite: envelopes posted by
// 20 keep-alive clients (a child process, like SDKs in other processes) to the dev intake,
// through relay-intake, normalize, grouping and storage on the in-memory broker, until the
// last event is committed by the storage consumer. The baseline is the dev intake alone in
// the same run (the same envelopes, acknowledged by a producer that only counts): the
// ratio is how much of the HTTP edge's rate the four chains behind it keep.
// Run: node --import tsx bench/dev-e2e.bench.ts
// (BENCH_DEV_EVENTS: events per round, default 3000; BENCH_ROUNDS: rounds, default 3)

import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevPipeline } from "../cli/dev-pipeline.ts";
import { loadOptions } from "../config/options.ts";
import { parseProjects } from "../config/projects.ts";
import { listIssues } from "../consumers/storage/queries.ts";
import type { IssuesQuery } from "../dev/issues-api.ts";
import { startDevServer } from "../dev/server.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { type BrokerValue, type KafkaPayload, partition } from "../pipelines/types.ts";
import type { Destination, Producer } from "../producers/types.ts";
import { benchRounds, report } from "./harness.ts";

const CLIENTS = 20;
const KEY = "e12d836b15bb49d7bbf99e64295d995b";
const LOADER_ENV = "DEV_E2E_BENCH_LOADER";
const FIXTURE_EVENT_ID = "5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6";

interface LoadRequest {
  readonly url: string;
  /** The @sentry/node envelope; each request gets its own event id. */
  readonly template: string;
  readonly events: number;
  readonly clients: number;
}

interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
}

/** The loader: `clients` loops posting envelopes until `events` were sent. */
async function load(spec: LoadRequest): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.clients });
  const headers = {
    "x-sentry-auth": `Sentry sentry_key=${KEY}, sentry_version=7`,
    "content-type": "application/x-sentry-envelope",
  };
  let next = 0;
  let ok = 0;
  let failed = 0;
  const post = (body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        spec.url,
        { method: "POST", agent, headers: { ...headers, "content-length": body.length } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: spec.clients }, async () => {
      while (next < spec.events) {
        next += 1;
        const id = randomUUID().replaceAll("-", "");
        const status = await post(Buffer.from(spec.template.replaceAll(FIXTURE_EVENT_ID, id)));
        if (status === 200) ok += 1;
        else failed += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { ok, failed, seconds };
}

function runLoader(spec: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, [LOADER_ENV]: "1" },
    });
    child.once("message", (result) => {
      resolve(result as LoadResult);
      child.disconnect();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`loader exited with ${code}`));
    });
    child.send(spec);
  });
}

/** Acknowledges at once and only counts: the baseline measures the HTTP edge alone. */
class CountingProducer implements Producer {
  produced = 0;
  async produce(destination: Destination, payload: KafkaPayload): Promise<BrokerValue<KafkaPayload>> {
    this.produced += 1;
    const topic = typeof destination === "string" ? destination : destination.topic;
    return {
      kind: "broker",
      payload,
      partition: partition(topic, 0),
      offset: this.produced,
      timestamp: Date.now(),
    };
  }
  async close(): Promise<void> {}
}

function eventsFromEnv(): number {
  const raw = process.env.BENCH_DEV_EVENTS;
  const value = raw === undefined || raw === "" ? 3000 : Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`BENCH_DEV_EVENTS must be a positive integer, got ${raw}`);
  return value;
}

async function main(): Promise<void> {
  const EVENTS = eventsFromEnv();
  const ROUNDS = benchRounds();
  const template = readFileSync(
    new URL("../tests/fixtures/dev/node-error.envelope", import.meta.url),
    "utf8",
  );
  const dir = mkdtempSync(join(tmpdir(), "dev-e2e-bench-"));
  const options = loadOptions({}, { devPort: 0, sqlitePath: join(dir, "ingest.sqlite"), logLevel: "silent" });

  const counting = new CountingProducer();
  const noIssues: IssuesQuery = {
    listIssues: async () => ({ items: [], nextCursor: null }),
    getIssue: async () => undefined,
    listEvents: async () => ({ items: [], nextCursor: null }),
  };
  const edge = await startDevServer({
    producer: counting,
    projects: parseProjects(
      `version: 1\nprojects:\n  - id: 1\n    organizationId: 1\n    slug: bench\n    publicKeys: [${KEY}]\n`,
      "bench-projects.yaml",
    ),
    issues: noIssues,
    metrics: createMetrics(),
    logger: silentLogger(),
    options,
  });
  const pipeline = await startDevPipeline(options, { logger: silentLogger(), metrics: createMetrics() });
  const storedEvents = async () => {
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await listIssues(pipeline.storage, { projectId: 1, limit: 100, cursor });
      total += page.items.reduce((sum, issue) => sum + Number(issue.count), 0);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return total;
  };
  const pipelineUrl = `${pipeline.server.url}/api/1/envelope/`;
  const edgeUrl = `${edge.url}/api/1/envelope/`;

  try {
    // Warm-up: JIT, sockets, SQLite pages.
    await runLoader({ url: edgeUrl, template, events: 500, clients: CLIENTS });
    await runLoader({ url: pipelineUrl, template, events: 500, clients: CLIENTS });
    await pipeline.waitUntilDrained(120_000);

    console.log(
      `${CLIENTS} keep-alive clients, best of ${ROUNDS} rounds of ${EVENTS} @sentry/node error envelopes`,
    );
    let bestEdge = 0;
    let bestEndToEnd = 0;
    let bestDrainMs = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round += 1) {
      const edgeRun = await runLoader({ url: edgeUrl, template, events: EVENTS, clients: CLIENTS });
      if (edgeRun.failed > 0) throw new Error(`edge: ${edgeRun.failed} requests failed`);
      bestEdge = Math.max(bestEdge, edgeRun.ok / edgeRun.seconds);

      const before = await storedEvents();
      const started = performance.now();
      const run = await runLoader({ url: pipelineUrl, template, events: EVENTS, clients: CLIENTS });
      const accepted = performance.now();
      await pipeline.waitUntilDrained(300_000);
      const seconds = (performance.now() - started) / 1000;
      if (run.failed > 0) throw new Error(`pipeline: ${run.failed} requests failed`);
      const stored = (await storedEvents()) - before;
      if (stored !== EVENTS) throw new Error(`expected ${EVENTS} new stored events, found ${stored}`);
      bestEndToEnd = Math.max(bestEndToEnd, EVENTS / seconds);
      bestDrainMs = Math.min(bestDrainMs, performance.now() - accepted);
    }
    report({
      bench: "dev-e2e",
      metric: "events_per_second",
      value: bestEndToEnd,
      unit: "events/s",
      baseline: bestEdge,
      note: `HTTP -> relay-intake -> normalize -> grouping -> SQLite; baseline: the dev intake alone`,
    });
    report({
      bench: "dev-e2e",
      metric: "drain_after_last_accept_ms",
      value: bestDrainMs,
      unit: "ms",
      note: "from the last accepted envelope until the last event is stored and committed",
    });
  } finally {
    await pipeline.close();
    await edge.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env[LOADER_ENV] === "1") {
  process.once("message", (spec) => {
    void load(spec as LoadRequest).then((result) => process.send?.(result));
  });
} else {
  await main();
}
