// Envelopes per second the dev server's `POST /api/{id}/envelope/` accepts from 20
// concurrent keep-alive clients, against a bare node:http server in the same run that reads
// the same bodies and answers the same `{"id": ...}` without parsing, authenticating,
// encoding or producing anything (the floor node:http itself sets). The ratio (ours ÷ bare)
// is the price of the Relay work per request. Clients run in a child process so the loader
// does not share the server's event loop.
// Run: node --import tsx bench/dev-endpoint.bench.ts
// (BENCH_SECONDS: seconds of load per round, default 1; BENCH_ROUNDS: rounds per figure, default 3)
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { loadOptions } from "../config/options.ts";
import {
  BENCH_CLIENTS as CLIENTS,
  ENVELOPE_HEADERS,
  FIXTURE_EVENT_ID,
  type LoadRequest,
  type LoadResult,
  runLoader,
  startCountingEdge,
} from "./dev-load.ts";
import { benchRounds, benchSeconds, report } from "./harness.ts";

async function startBare(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = JSON.stringify({
        id: FIXTURE_EVENT_ID,
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
  const edge = await startCountingEdge(loadOptions({}, { devPort: 0 }));
  const bare = await startBare();
  const auth = ENVELOPE_HEADERS;
  const ours = edge.envelopeUrl;
  const spec = (url: string, body: Uint8Array, headers: LoadRequest["headers"], seconds: number) => ({
    url,
    body,
    headers,
    clients: CLIENTS,
    until: { seconds },
  });
  try {
    // Warm up both servers (JIT, sockets) before the timed runs.
    await runLoader(spec(ours, body, auth, 0.5));
    await runLoader(spec(bare.url, body, auth, 0.5));

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
        const bareRun = await runLoader(spec(bare.url, payload, headers, SECONDS));
        const run = await runLoader(spec(ours, payload, headers, SECONDS));
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
    console.log(`messages produced: ${edge.producer.produced}`);
  } finally {
    await edge.server.close();
    await bare.close();
  }
}

await main();
