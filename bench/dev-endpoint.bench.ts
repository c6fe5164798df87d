// Envelopes per second the dev server's `POST /api/{id}/envelope/` accepts from 20
// concurrent keep-alive clients, against a bare node:http server in the same run that reads
// the same bodies and answers the same `{"id": ...}` without parsing, authenticating,
// encoding or producing anything (the floor node:http itself sets). The ratio (ours ÷ bare)
// is the price of the Relay work per request. Clients run in a child process so the loader
// does not share the server's event loop.
// Run: node --import tsx bench/dev-endpoint.bench.ts
// (BENCH_SECONDS: seconds of load per round, default 1; BENCH_ROUNDS: rounds per figure, default 3)
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { loadOptions } from "../config/options.ts";
import { parseProjects } from "../config/projects.ts";
import type { IssuesQuery } from "../dev/issues-api.ts";
import { startDevServer } from "../dev/server.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { type BrokerValue, type KafkaPayload, partition } from "../pipelines/types.ts";
import type { Destination, Producer } from "../producers/types.ts";
import { benchRounds, benchSeconds, report } from "./harness.ts";

const CLIENTS = 20;
const KEY = "e12d836b15bb49d7bbf99e64295d995b";
const LOADER_ENV = "DEV_ENDPOINT_BENCH_LOADER";

interface LoadRequest {
  readonly url: string;
  readonly body: Uint8Array;
  readonly headers: Record<string, string>;
  readonly seconds: number;
  readonly clients: number;
}

interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The loader: `clients` loops, each posting the body back to back on a keep-alive socket. */
async function load(spec: LoadRequest): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.clients });
  const body = Buffer.from(spec.body);
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const post = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        spec.url,
        { method: "POST", agent, headers: { ...spec.headers, "content-length": body.length } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const started = performance.now();
  const deadline = started + spec.seconds * 1000;
  await Promise.all(
    Array.from({ length: spec.clients }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const status = await post();
        latencies.push(performance.now() - t0);
        if (status === 200) ok += 1;
        else failed += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { ok, failed, seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

function runLoader(spec: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // The loader is this same file in a child process (its own event loop and heap, like a
    // real SDK client), started with the tsx loader.
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, [LOADER_ENV]: "1" },
      serialization: "advanced",
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

/** Acknowledges at once and keeps only a count: the bench measures the edge, not a broker. */
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

async function startBare(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = JSON.stringify({
        id: "5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6",
        bytes: Buffer.concat(chunks).length,
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/1/envelope/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const SECONDS = benchSeconds();
  const ROUNDS = benchRounds();
  const body = readFileSync(new URL("../tests/fixtures/dev/node-error.envelope", import.meta.url));
  const withAttachment = readFileSync(
    new URL("../tests/fixtures/dev/python-error-with-attachment.envelope", import.meta.url),
  );
  const producer = new CountingProducer();
  const noIssues: IssuesQuery = {
    listIssues: async () => ({ items: [], nextCursor: null }),
    getIssue: async () => undefined,
    listEvents: async () => ({ items: [], nextCursor: null }),
  };
  const server = await startDevServer({
    producer,
    projects: parseProjects(
      `version: 1\nprojects:\n  - id: 1\n    organizationId: 1\n    slug: bench\n    publicKeys: [${KEY}]\n`,
      "bench-projects.yaml",
    ),
    issues: noIssues,
    metrics: createMetrics(),
    logger: silentLogger(),
    options: loadOptions({}, { devPort: 0 }),
  });
  const bare = await startBare();
  const auth = {
    "x-sentry-auth": `Sentry sentry_key=${KEY}, sentry_version=7`,
    "content-type": "application/x-sentry-envelope",
  };
  const ours = `${server.url}/api/1/envelope/`;
  try {
    // Warm up both servers (JIT, sockets) before the timed runs.
    await runLoader({ url: ours, body, headers: auth, seconds: 0.5, clients: CLIENTS });
    await runLoader({ url: bare.url, body, headers: auth, seconds: 0.5, clients: CLIENTS });

    // The machine is shared: each scenario runs ROUNDS times alternating with the bare
    // server, and each side keeps its best round, so a noisy neighbour hits both alike.
    const scenarios = [
      ["envelopes_per_second", body, auth],
      ["gzip_envelopes_per_second", gzipSync(body), { ...auth, "content-encoding": "gzip" }],
      ["attachment_envelopes_per_second", withAttachment, auth],
    ] as const;
    console.log(
      `${CLIENTS} keep-alive clients, best of ${ROUNDS} x ${SECONDS}s per figure; bodies: ${body.length}-byte @sentry/node error, ${withAttachment.length}-byte error + attachment`,
    );
    for (const [metric, payload, headers] of scenarios) {
      let best: LoadResult | undefined;
      let bestBare: LoadResult | undefined;
      for (let round = 0; round < ROUNDS; round += 1) {
        const bareRun = await runLoader({
          url: bare.url,
          body: payload,
          headers,
          seconds: SECONDS,
          clients: CLIENTS,
        });
        const run = await runLoader({
          url: ours,
          body: payload,
          headers,
          seconds: SECONDS,
          clients: CLIENTS,
        });
        for (const [name, r] of [
          ["bare", bareRun],
          [metric, run],
        ] as const) {
          if (r.failed > 0 || r.ok === 0)
            throw new Error(`${name}: ${r.failed} requests failed, ${r.ok} succeeded`);
        }
        if (!best || run.ok / run.seconds > best.ok / best.seconds) best = run;
        if (!bestBare || bareRun.ok / bareRun.seconds > bestBare.ok / bestBare.seconds) bestBare = bareRun;
      }
      report({
        bench: "dev-endpoint",
        metric,
        note: `${CLIENTS} clients, ${payload.length}-byte body, bare node:http as baseline`,
        value: best!.ok / best!.seconds,
        unit: "envelopes/s",
        baseline: bestBare!.ok / bestBare!.seconds,
      });
      if (metric === "envelopes_per_second") {
        report({
          bench: "dev-endpoint",
          metric: "p99_latency_ms",
          value: best!.p99Ms,
          unit: "ms",
          baseline: bestBare!.p99Ms,
        });
      }
    }
    console.log(`messages produced: ${producer.produced}`);
  } finally {
    await server.close();
    await bare.close();
  }
}

if (process.env[LOADER_ENV] === "1") {
  process.once("message", (spec) => {
    void load(spec as LoadRequest).then((result) => process.send?.(result));
  });
} else {
  await main();
}
