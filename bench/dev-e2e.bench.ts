// Events per second `ingest dev` takes from HTTP all the way into SQLite: envelopes posted by
// 20 keep-alive clients (a child process, like SDKs in other processes) to the dev intake,
// through relay-intake, normalize, grouping and storage on the in-memory broker, until the
// last event is committed by the storage consumer. The baseline is the dev intake alone in
// the same run (the same envelopes, acknowledged by a producer that only counts): the
// ratio is how much of the HTTP edge's rate the four chains behind it keep.
// Run: node --import tsx bench/dev-e2e.bench.ts
// (BENCH_DEV_EVENTS: events per round, default 3000; BENCH_ROUNDS: rounds, default 3)

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevPipeline } from "../cli/dev-pipeline.ts";
import { loadOptions } from "../config/options.ts";
import { listIssues } from "../consumers/storage/queries.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import {
  BENCH_CLIENTS as CLIENTS,
  ENVELOPE_HEADERS,
  FIXTURE_EVENT_ID,
  type LoadRequest,
  runLoader,
  startCountingEdge,
} from "./dev-load.ts";
import { benchRounds, report } from "./harness.ts";

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
  const body = readFileSync(new URL("../tests/fixtures/dev/node-error.envelope", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "dev-e2e-bench-"));
  const options = loadOptions({}, { devPort: 0, sqlitePath: join(dir, "ingest.sqlite"), logLevel: "silent" });
  // Each request a new event (a fresh id), so none is dropped as a duplicate.
  const spec = (url: string, requests: number): LoadRequest => ({
    url,
    body,
    headers: ENVELOPE_HEADERS,
    clients: CLIENTS,
    until: { requests },
    eventIdToReplace: FIXTURE_EVENT_ID,
  });

  const edge = await startCountingEdge(options);
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
  const edgeUrl = edge.envelopeUrl;

  try {
    // Warm-up: JIT, sockets, SQLite pages.
    await runLoader(spec(edgeUrl, 500));
    await runLoader(spec(pipelineUrl, 500));
    await pipeline.waitUntilDrained(120_000);

    console.log(
      `${CLIENTS} keep-alive clients, best of ${ROUNDS} rounds of ${EVENTS} @sentry/node error envelopes`,
    );
    let bestEdge = 0;
    let bestEndToEnd = 0;
    let bestDrainMs = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round += 1) {
      const edgeRun = await runLoader(spec(edgeUrl, EVENTS));
      if (edgeRun.failed > 0) throw new Error(`edge: ${edgeRun.failed} requests failed`);
      bestEdge = Math.max(bestEdge, edgeRun.ok / edgeRun.seconds);

      const before = await storedEvents();
      const started = performance.now();
      const run = await runLoader(spec(pipelineUrl, EVENTS));
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
    await edge.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
