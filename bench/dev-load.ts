// What the dev-server benches share: a load generator run in a child process (its own event
// loop and heap, like SDK clients in other processes), a producer that only counts, and the
// dev intake wired to it (the HTTP edge alone, the baseline of both benches).
// The child's entry is dev-load-child.ts.

import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import type { Options } from "../config/options.ts";
import { parseProjects } from "../config/projects.ts";
import type { IssuesQuery } from "../dev/issues-api.ts";
import { type DevServer, startDevServer } from "../dev/server.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { type BrokerValue, type KafkaPayload, partition } from "../pipelines/types.ts";
import type { Destination, Producer } from "../producers/types.ts";

export const BENCH_CLIENTS = 20;
export const BENCH_PUBLIC_KEY = "e12d836b15bb49d7bbf99e64295d995b";
/** The event id of tests/fixtures/dev/node-error.envelope. */
export const FIXTURE_EVENT_ID = "5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6";

export const ENVELOPE_HEADERS: Readonly<Record<string, string>> = {
  "x-sentry-auth": `Sentry sentry_key=${BENCH_PUBLIC_KEY}, sentry_version=7`,
  "content-type": "application/x-sentry-envelope",
};

export interface LoadRequest {
  readonly url: string;
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly clients: number;
  /** A fixed number of requests (shared by the clients), or as many as fit in the time. */
  readonly until: { readonly requests: number } | { readonly seconds: number };
  /** Replaced in the body by a fresh id per request, so each request is a new event. */
  readonly eventIdToReplace?: string;
}

export interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** `clients` loops, each posting back to back on a keep-alive socket (runs in the child). */
export async function load(spec: LoadRequest): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.clients });
  const fixed = Buffer.from(spec.body);
  const template = spec.eventIdToReplace === undefined ? undefined : fixed.toString("utf8");
  const nextBody = (): Buffer =>
    template === undefined || spec.eventIdToReplace === undefined
      ? fixed
      : Buffer.from(template.replaceAll(spec.eventIdToReplace, randomUUID().replaceAll("-", "")));
  const latencies: number[] = [];
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const post = (body: Buffer) =>
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
  const until = spec.until;
  const deadline = "seconds" in until ? started + until.seconds * 1000 : Number.POSITIVE_INFINITY;
  const more = () => ("requests" in until ? sent < until.requests : performance.now() < deadline);
  await Promise.all(
    Array.from({ length: spec.clients }, async () => {
      while (more()) {
        sent += 1;
        const t0 = performance.now();
        const status = await post(nextBody());
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

/** Runs `load` in a child process started with the tsx loader. */
export function runLoader(spec: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL("./dev-load-child.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
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

/** Acknowledges at once and keeps only a count: what is measured is the edge, not a broker. */
export class CountingProducer implements Producer {
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

const NO_ISSUES: IssuesQuery = {
  listIssues: async () => ({ items: [], nextCursor: null }),
  getIssue: async () => undefined,
  listEvents: async () => ({ items: [], nextCursor: null }),
};

/** The dev intake for project 1 (key BENCH_PUBLIC_KEY) over a CountingProducer. */
export async function startCountingEdge(options: Options): Promise<{
  readonly server: DevServer;
  readonly producer: CountingProducer;
  readonly envelopeUrl: string;
}> {
  const producer = new CountingProducer();
  const server = await startDevServer({
    producer,
    projects: parseProjects(
      `version: 1\nprojects:\n  - id: 1\n    organizationId: 1\n    slug: bench\n    publicKeys: [${BENCH_PUBLIC_KEY}]\n`,
      "bench-projects.yaml",
    ),
    issues: NO_ISSUES,
    metrics: createMetrics(),
    logger: silentLogger(),
    options,
  });
  return { server, producer, envelopeUrl: `${server.url}/api/1/envelope/` };
}
