import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

/** What `/health` reports: 200 while healthy, 503 with the reason otherwise. */
export type HealthProbe = () => { readonly healthy: boolean; readonly detail?: string };

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `GET /metrics` (Prometheus text format) and `GET /health` on 127.0.0.1 by default. The
 * server is separate from the processing loop so a scrape never waits on it.
 */
export async function startMetricsServer(options: {
  readonly registry: Registry;
  readonly port: number;
  readonly host?: string;
  readonly health: HealthProbe;
}): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { "content-type": "application/json" }).end('{"detail":"method not allowed"}');
      return;
    }
    if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": options.registry.contentType }).end(text),
        (error: unknown) =>
          response
            .writeHead(500, { "content-type": "application/json" })
            .end(JSON.stringify({ detail: error instanceof Error ? error.message : String(error) })),
      );
      return;
    }
    if (path === "/health") {
      const state = options.health();
      response
        .writeHead(state.healthy ? 200 : 503, { "content-type": "application/json" })
        .end(JSON.stringify({ status: state.healthy ? "ok" : "unhealthy", detail: state.detail }));
      return;
    }
    response.writeHead(404, { "content-type": "application/json" }).end('{"detail":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
