// observability/http.ts
import { createServer } from "node:http";
async function startMetricsServer(options) {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { "content-type": "application/json" }).end('{"detail":"method not allowed"}');
      return;
    }
    if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": options.registry.contentType }).end(text),
        (error) => response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ detail: error instanceof Error ? error.message : String(error) }))
      );
      return;
    }
    if (path === "/health") {
      const state = options.health();
      response.writeHead(state.healthy ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: state.healthy ? "ok" : "unhealthy", detail: state.detail }));
      return;
    }
    response.writeHead(404, { "content-type": "application/json" }).end('{"detail":"not found"}');
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}
export {
  startMetricsServer
};
//# sourceMappingURL=http.js.map
