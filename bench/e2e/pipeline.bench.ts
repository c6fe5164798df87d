// The whole pipeline as production runs it: real Kafka, Redis and ClickHouse, the four
// consumers as separate `ingest consumer run` processes, fed Relay-shaped ingest-events
// messages (grouping fixture events and generated ones, 1–10 KB, 20 projects, 2 % retries).
//
//   1. floor: the JSON parse+stringify work of the four stages over the same events, in one
//      plain loop in this process (no Kafka, no Redis, no ClickHouse, no framework).
//   2. full speed: BENCH_E2E_EVENTS events produced as fast as the broker takes them;
//      sustained events/s = unique events / (first produce → last row queryable).
//   3. latency: a fixed rate of 50 % of that for BENCH_E2E_LATENCY_SECONDS; per event, the
//      time from produce to its row answering a SELECT (polled every 100 ms).
//   RSS and CPU per consumer from /proc, lag per group every second; per stage, from each
//   consumer's own /metrics, the mean latency, batch and insert time of the latency phase.
//
// BENCH_E2E_BATCH_TIME_MS=relay-intake=100,grouping=100 overrides topology.yaml's batch time
// for those consumers in the run's copy; BENCH_E2E_NODE_OPTIONS gives the consumers
// NODE_OPTIONS (heap flags): both compare a setting against the defaults in one command.
//
// BENCH_E2E_PROFILE=<consumer> runs that consumer under --cpu-prof and prints its hottest
// functions (self time) at the end; the profile file stays in BENCH_E2E_PROFILE_DIR.
// Run: npm run bench -- e2e/pipeline   (needs `bash scripts/services.sh up`)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { decodeRelayMessage } from "../../schemas/relay/codec.ts";
import { EventGenerator, type ValidMessage } from "../../tests/e2e/support/generator.ts";
import { Stream } from "../../tests/e2e/support/load.ts";
import { CONSUMERS, type ConsumerName, Pipeline } from "../../tests/e2e/support/pipeline.ts";
import { sleep } from "../../tests/e2e/support/supervisor.ts";
import { measure, report } from "../harness.ts";

const BENCH = "e2e-pipeline";
const CLOSE_TIMEOUT_MS = 90_000;
const EVENTS = Number(process.env.BENCH_E2E_EVENTS ?? 30_000);
const LATENCY_SECONDS = Number(process.env.BENCH_E2E_LATENCY_SECONDS ?? 30);
const PROFILE = process.env.BENCH_E2E_PROFILE as ConsumerName | undefined;
const PROFILE_DIR = process.env.BENCH_E2E_PROFILE_DIR ?? join(process.cwd(), ".cache/profiles");
/** `relay-intake=100,grouping=100`: maxBatchTimeMs per consumer over topology.yaml's, to compare settings. */
const BATCH_TIME_OVERRIDES = parseOverrides(process.env.BENCH_E2E_BATCH_TIME_MS ?? "");
/** NODE_OPTIONS for the four consumers (heap flags, say), to compare against the defaults. */
const CONSUMER_NODE_OPTIONS = process.env.BENCH_E2E_NODE_OPTIONS;
const PROJECTS = Array.from({ length: 20 }, (_, i) => 5_100_001 + i);
const TARGET_P99_MS = 2000;
const TARGET_RSS_MB = 200;

if (PROFILE !== undefined && !(CONSUMERS as ReadonlyArray<string>).includes(PROFILE)) {
  throw new Error(`BENCH_E2E_PROFILE must be one of ${CONSUMERS.join(", ")}`);
}

function parseOverrides(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of text.split(",").filter((part) => part !== "")) {
    const [name, value] = entry.split("=");
    if (name === undefined || !(CONSUMERS as ReadonlyArray<string>).includes(name) || !(Number(value) > 0)) {
      throw new Error(`BENCH_E2E_BATCH_TIME_MS: expected consumer=ms, got ${JSON.stringify(entry)}`);
    }
    out.set(name, Number(value));
  }
  return out;
}

/** Rewrites the run's topology file with BENCH_E2E_BATCH_TIME_MS applied. */
function applyBatchTimeOverrides(file: string): void {
  if (BATCH_TIME_OVERRIDES.size === 0) return;
  const doc = parse(readFileSync(file, "utf8")) as { consumers: Record<string, { maxBatchTimeMs?: number }> };
  for (const [name, ms] of BATCH_TIME_OVERRIDES) {
    const consumer = doc.consumers[name];
    if (consumer === undefined) throw new Error(`no consumer ${name} in ${file}`);
    consumer.maxBatchTimeMs = ms;
  }
  writeFileSync(file, stringify(doc));
}

/** The four stages' JSON work on one message, nothing else. */
function floorPass(value: Buffer): string {
  const relay = decodeRelayMessage(value);
  if (relay.type !== "event") throw new Error("the floor runs on event messages");
  // relay-intake: parse the payload, write the event body into events-raw.
  const raw = JSON.stringify(JSON.parse(relay.payload.toString("utf8")));
  // normalize: parse, write the normalized body.
  const normalized = JSON.stringify(JSON.parse(raw));
  // grouping: parse, write Sentry's eventstream message.
  const eventstream = JSON.stringify([2, "insert", { data: JSON.parse(normalized) }, {}]);
  // storage: parse the message, write the row.
  return JSON.stringify((JSON.parse(eventstream) as unknown[])[2]);
}

function percentile(sorted: ReadonlyArray<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface UsagePeak {
  /** RSS at the first sample: the consumer started, partitions assigned, nothing consumed. */
  rssStartBytes: number;
  rssBytes: number;
  cpuStart: number;
  cpuEnd: number;
}

/** Samples RSS and CPU of every consumer process every second. */
function sampleUsage(pipeline: Pipeline): { peaks: Map<string, UsagePeak>; stop(): void } {
  const peaks = new Map<string, UsagePeak>();
  const tick = () => {
    for (const process of pipeline.supervisor.processes.values()) {
      const usage = process.usage();
      if (usage === undefined) continue;
      const peak = peaks.get(process.name);
      if (peak === undefined) {
        peaks.set(process.name, {
          rssStartBytes: usage.rssBytes,
          rssBytes: usage.rssBytes,
          cpuStart: usage.cpuSeconds,
          cpuEnd: usage.cpuSeconds,
        });
      } else {
        peak.rssBytes = Math.max(peak.rssBytes, usage.rssBytes);
        peak.cpuEnd = usage.cpuSeconds;
      }
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return {
    peaks,
    stop() {
      tick();
      clearInterval(timer);
    },
  };
}

async function fullSpeed(pipeline: Pipeline): Promise<{ rate: number; unique: number; ms: number }> {
  const generator = new EventGenerator({ projectIds: PROJECTS, seed: 11 });
  const stream = new Stream(pipeline, generator, { count: EVENTS });
  await stream.done;
  const unique = new Set(stream.sent.map((entry) => entry.message.eventId)).size;
  const produceMs = stream.finishedAt - stream.startedAt;
  console.log(`${BENCH}: produced ${stream.sent.length} messages (${unique} events) in ${produceMs} ms`);
  for (;;) {
    const rows = await pipeline.storedRows();
    if (rows >= unique) break;
    await sleep(100);
  }
  const ms = Date.now() - stream.startedAt;
  return { rate: unique / (ms / 1000), unique, ms };
}

/** 32 hex digits → the UUID literal ClickHouse compares `event_id` with. */
function uuidLiteral(id: string): string {
  return `toUUID('${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}')`;
}

/**
 * Which of `ids` have a row. Compares the UUID column itself (no per-row string
 * conversion), so one poll stays cheap for ClickHouse, which shares the cores with the
 * pipeline, and the polling adds little beyond its 100 ms interval.
 */
async function visible(pipeline: Pipeline, ids: ReadonlyArray<string>): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await pipeline.query<{ id: string }>(
    `SELECT replaceAll(toString(event_id), '-', '') AS id FROM ${pipeline.database}.errors WHERE event_id IN (${ids.map(uuidLiteral).join(",")})`,
  );
  return new Set(rows.map((row) => row.id));
}

async function latency(pipeline: Pipeline, rate: number): Promise<number[]> {
  const generator = new EventGenerator({ projectIds: PROJECTS, seed: 12, duplicateRatio: 0 });
  const count = Math.round(rate * LATENCY_SECONDS);
  const stream = new Stream(pipeline, generator, { count, rate });
  const seen = new Set<string>();
  const latencies: number[] = [];
  let streaming = true;
  void stream.done.then(() => {
    streaming = false;
  });
  const deadline = () => Date.now() + 120_000;
  let giveUp = deadline();
  while (streaming || seen.size < stream.sent.length) {
    const pending = stream.sent.filter((entry) => !seen.has(entry.message.eventId));
    for (let i = 0; i < pending.length; i += 2000) {
      const slice = pending.slice(i, i + 2000);
      const found = await visible(
        pipeline,
        slice.map((entry) => entry.message.eventId),
      );
      const now = Date.now();
      for (const entry of slice) {
        if (!found.has(entry.message.eventId)) continue;
        seen.add(entry.message.eventId);
        latencies.push(now - entry.at);
      }
    }
    if (streaming) giveUp = deadline();
    if (Date.now() > giveUp)
      throw new Error(`latency phase: ${stream.sent.length - seen.size} events never arrived`);
    await sleep(100);
  }
  return latencies.sort((a, b) => a - b);
}

/** A free TCP port on the loopback interface, for one consumer's /metrics. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** One consumer's Prometheus metrics, each name summed over its label sets. */
async function scrape(port: number): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics on ${port}: ${response.status}`);
  const sums = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const name = line.slice(0, line.search(/[{ ]/));
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return sums;
}

/** Mean of a histogram between two scrapes, in ms; NaN when nothing was observed. */
function meanMs(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  name: string,
): number {
  const count = (after.get(`${name}_count`) ?? 0) - (before.get(`${name}_count`) ?? 0);
  const sum = (after.get(`${name}_sum`) ?? 0) - (before.get(`${name}_sum`) ?? 0);
  return count > 0 ? (1000 * sum) / count : Number.NaN;
}

async function scrapeAll(
  ports: ReadonlyMap<ConsumerName, number>,
): Promise<Map<ConsumerName, Map<string, number>>> {
  const out = new Map<ConsumerName, Map<string, number>>();
  for (const [consumer, port] of ports) out.set(consumer, await scrape(port));
  return out;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time per function of one .cpuprofile, without the idle samples. */
function selfTimes(file: string): { busyUs: number; self: Map<string, number> } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === "(idle)") return;
    const delta = profile.timeDeltas[i] ?? 0;
    busyUs += delta;
    const { functionName, url } = node.callFrame;
    // tsx transpiles without line mapping, so the file names the place, not the line.
    const key = `${functionName || "(anonymous)"} ${url.replace(/^file:\/\/.*?\/main\//, "")}`;
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  return { busyUs, self };
}

/**
 * The hottest functions by self time: of the profiles in `dir` (one per thread), the
 * busiest, which is the consumer's main thread.
 */
function hottest(dir: string, top = 15): string[] {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith(".cpuprofile"))
    .map((file) => ({ file, ...selfTimes(join(dir, file)) }))
    .sort((a, b) => b.busyUs - a.busyUs);
  const busiest = files[0];
  if (busiest === undefined) return [`no profile in ${dir}`];
  return [
    `profile ${join(dir, busiest.file)}: ${(busiest.busyUs / 1e6).toFixed(1)} CPU s sampled`,
    ...[...busiest.self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => `${((100 * us) / busiest.busyUs).toFixed(1).padStart(5)} %  ${key}`),
  ];
}

async function main(): Promise<void> {
  const floorEvents: ValidMessage[] = [];
  const floorGenerator = new EventGenerator({ projectIds: PROJECTS, seed: 11 });
  for (let i = 0; i < 2000; i++) floorEvents.push(floorGenerator.next());
  const floor = measure((i) => floorPass(floorEvents[i % floorEvents.length]?.payload.value as Buffer));
  console.log(
    `${BENCH}: floor ${Math.round(floor.opsPerSecond)} events/s (four stages' JSON work, one loop)`,
  );

  if (PROFILE !== undefined) mkdirSync(PROFILE_DIR, { recursive: true });
  const pipeline = new Pipeline({
    prefix: `bench_e2e_${Date.now().toString(36)}`,
    projectIds: PROJECTS,
    env: {
      INGEST_LAG_REFRESH_INTERVAL_MS: "0",
      ...(CONSUMER_NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: CONSUMER_NODE_OPTIONS }),
    },
  });
  applyBatchTimeOverrides(pipeline.topology.file);
  // Each consumer serves /metrics on its own port, so the latency phase can be split into
  // the time each stage adds (its consumer latency, batch and insert histograms).
  const metricsPorts = new Map<ConsumerName, number>();
  for (const consumer of CONSUMERS) {
    const port = await freePort();
    metricsPorts.set(consumer, port);
    const nodeArgs = consumer === PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
    pipeline.supervisor.add(consumer, consumer, [], { INGEST_METRICS_PORT: String(port) }, nodeArgs);
  }
  try {
    await pipeline.start();
    const usage = sampleUsage(pipeline);
    pipeline.startLagSampling(1000);
    const sustained = await fullSpeed(pipeline);
    const fullSpeedLag = pipeline.maxLag();
    const metricsBefore = await scrapeAll(metricsPorts);
    const latencies = await latency(pipeline, sustained.rate / 2);
    const metricsAfter = await scrapeAll(metricsPorts);
    usage.stop();
    pipeline.stopLagSampling();

    report({
      bench: BENCH,
      metric: "sustained_throughput",
      value: sustained.rate,
      unit: "events/s",
      baseline: floor.opsPerSecond,
      note: `${sustained.unique} events, ingest-events → rows queryable in ${sustained.ms} ms; baseline: the JSON floor; target ratio ≥ 0.5`,
    });
    report({
      bench: BENCH,
      metric: "latency_p50",
      value: percentile(latencies, 50),
      unit: "ms",
      baseline: TARGET_P99_MS,
      note: `${latencies.length} events at ${Math.round(sustained.rate / 2)} events/s (50 % of sustained); baseline: the 2 s target`,
    });
    report({
      bench: BENCH,
      metric: "latency_p99",
      value: percentile(latencies, 99),
      unit: "ms",
      baseline: TARGET_P99_MS,
      note: "baseline: the 2 s p99 target (1 s batch time); polling adds up to 100 ms",
    });
    const events = sustained.unique + latencies.length;
    for (const consumer of CONSUMERS) {
      const peak = usage.peaks.get(consumer);
      if (peak === undefined) continue;
      report({
        bench: BENCH,
        metric: `rss_peak_${consumer}`,
        value: peak.rssBytes / (1024 * 1024),
        unit: "MB",
        baseline: TARGET_RSS_MB,
        note: "baseline: the 200 MB target",
      });
      report({
        bench: BENCH,
        metric: `rss_start_${consumer}`,
        value: peak.rssStartBytes / (1024 * 1024),
        unit: "MB",
        baseline: TARGET_RSS_MB,
        note: "started and assigned, nothing consumed yet: the runtime's own share",
      });
      report({
        bench: BENCH,
        metric: `cpu_per_event_${consumer}`,
        value: ((peak.cpuEnd - peak.cpuStart) * 1e6) / events,
        unit: "us/event",
        baseline: 1e6 / floor.opsPerSecond,
        note: `${(peak.cpuEnd - peak.cpuStart).toFixed(1)} CPU s over ${events} events; baseline: the floor's time per event (all four stages)`,
      });
      report({
        bench: BENCH,
        metric: `max_lag_${consumer}`,
        value: fullSpeedLag[consumer] ?? 0,
        unit: "messages",
        note: "highest lag sampled (1 s) during the full-speed phase",
      });
    }
    // Where the latency goes, per stage, over the latency phase (means; the consumer
    // latency is sampled once a second at the commit step).
    for (const consumer of CONSUMERS) {
      const before = metricsBefore.get(consumer) ?? new Map<string, number>();
      const after = metricsAfter.get(consumer) ?? new Map<string, number>();
      report({
        bench: BENCH,
        metric: `stage_latency_mean_${consumer}`,
        value: meanMs(before, after, "ingest_consumer_latency_seconds"),
        unit: "ms",
        note: "upstream produce (broker timestamp) → this stage's output acknowledged / rows inserted",
      });
      const batchMs = meanMs(before, after, "ingest_batch_time_seconds");
      if (Number.isFinite(batchMs)) {
        report({
          bench: BENCH,
          metric: `batch_open_mean_${consumer}`,
          value: batchMs,
          unit: "ms",
          note: "first message in → batch flushed",
        });
      }
    }
    // What holds the memory at the end of the run (prom-client's process metrics).
    for (const consumer of CONSUMERS) {
      const after = metricsAfter.get(consumer) ?? new Map<string, number>();
      const mb = (name: string) =>
        ((after.get(`ingest_process_${name}`) ?? Number.NaN) / (1024 * 1024)).toFixed(0);
      console.log(
        `${BENCH}: memory of ${consumer} at the end: rss ${mb("process_resident_memory_bytes")} MB, V8 heap ${mb("nodejs_heap_size_total_bytes")} MB (${mb("nodejs_heap_size_used_bytes")} MB used), external ${mb("nodejs_external_memory_bytes")} MB`,
      );
    }
    const storageMetrics = [metricsBefore.get("storage"), metricsAfter.get("storage")] as const;
    report({
      bench: BENCH,
      metric: "storage_insert_mean",
      value: meanMs(
        storageMetrics[0] ?? new Map(),
        storageMetrics[1] ?? new Map(),
        "ingest_storage_insert_time_seconds",
      ),
      unit: "ms",
      note: "one ClickHouse insert, latency phase",
    });
    const timeline = pipeline.lagSamples
      .filter((_, i) => i % 5 === 0)
      .map((sample) => CONSUMERS.map((consumer) => sample.lag[consumer] ?? 0).join("/"));
    console.log(`${BENCH}: lag every 5 s (${CONSUMERS.join("/")}): ${timeline.join("  ")}`);
  } finally {
    // Cleanup (stopping four processes, deleting topics, dropping the database) must not
    // hold the figures hostage: one run stalled here until an outer timeout killed it.
    const closed = await Promise.race([
      pipeline.close().then(() => true),
      new Promise<false>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS, false).unref()),
    ]);
    if (!closed)
      console.error(`${BENCH}: cleanup did not finish within ${CLOSE_TIMEOUT_MS} ms; exiting anyway`);
  }
  if (PROFILE !== undefined) for (const line of hottest(PROFILE_DIR)) console.log(`${BENCH}: ${line}`);
}

await main();
// kafkajs and the ClickHouse client can keep sockets (and so the process) alive after
// their close calls; the figures are printed, so the bench ends here.
process.exit(process.exitCode ?? 0);
