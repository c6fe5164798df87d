// dev/server.ts
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { authorize, credentialsFromRequest, reconcileDsn } from "./auth.js";
import { discardBody, RequestAborted, readBody } from "./body.js";
import { parseEnvelope } from "./envelope.js";
import { CORS_HEADERS, clientAddress, isLoopback, sendJson, sendProblem } from "./http.js";
import {
  planEnvelope,
  planStore,
  producePlan,
  RELAY_TOPICS
} from "./intake.js";
import {
  listIssueEventsResponse,
  listIssuesResponse
} from "./issues-api.js";
import { HttpProblem } from "./problems.js";
var CLOSE_GRACE_MS = 2e3;
var ROUTES = [
  [/^\/api\/([^/]+)\/envelope\/?$/, "envelope"],
  [/^\/api\/([^/]+)\/store\/?$/, "store"],
  [/^\/api\/0\/projects\/([^/]+)\/issues\/?$/, "issues"],
  [/^\/api\/0\/projects\/([^/]+)\/issues\/([^/]+)\/events\/?$/, "issue_events"],
  [/^\/metrics\/?$/, "metrics"],
  [/^\/health\/?$/, "health"]
];
function matchRoute(pathname) {
  for (const [pattern, endpoint] of ROUTES) {
    const match = pattern.exec(pathname);
    if (match) {
      return {
        endpoint,
        ...match[1] !== void 0 ? { projectId: match[1] } : {},
        ...match[2] !== void 0 ? { groupId: match[2] } : {}
      };
    }
  }
  return { endpoint: "other" };
}
function numericId(raw, what) {
  const value = raw !== void 0 && /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new HttpProblem("bad_project", `invalid ${what}`);
  return value;
}
var HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
function requestUrl(request, ownHost) {
  const host = request.headers.host;
  const base = host !== void 0 && HOST_HEADER.test(host) ? host : ownHost;
  const path = (request.url ?? "/").startsWith("/") ? request.url ?? "/" : "/";
  return new URL(path, `http://${base}`);
}
var ALLOWED_METHODS = {
  envelope: ["POST", "OPTIONS"],
  store: ["POST", "OPTIONS"],
  issues: ["GET", "OPTIONS"],
  issue_events: ["GET", "OPTIONS"],
  metrics: ["GET"],
  health: ["GET"],
  other: []
};
function startDevServer(deps) {
  const { producer, projects, issues, metrics, logger, options } = deps;
  const topics = deps.topics ?? RELAY_TOPICS;
  let ownHost = options.devHost;
  const limits = {
    maxBodyBytes: options.devMaxBodyBytes,
    maxDecodedBytes: options.devMaxEnvelopeBytes
  };
  function intakeContext(request, projectId, receivedAt) {
    return {
      projectId,
      startTime: Math.max(0, Math.floor(receivedAt / 1e3)),
      remoteAddr: clientAddress(request.socket),
      topics,
      maxEventBytes: options.maxPayloadBytes
    };
  }
  async function produce(plan, projectId) {
    try {
      await producePlan(producer, plan);
    } catch (error) {
      logger.error({ err: error, projectId, eventId: plan.eventId }, "dev.produce_failed");
      throw new HttpProblem("produce_failed", "the broker did not accept the event", { cause: error });
    }
    for (const [itemType, count] of plan.produced)
      metrics.devEnvelopeItems.inc({ item_type: itemType, outcome: "produced" }, count);
    for (const [itemType, count] of plan.dropped)
      metrics.devEnvelopeItems.inc({ item_type: itemType, outcome: "dropped" }, count);
    logger.debug(
      { projectId, eventId: plan.eventId, messages: plan.messages.length },
      "dev.envelope_accepted"
    );
  }
  async function ingest(request, response, route, url) {
    const receivedAt = Date.now();
    const projectId = numericId(route.projectId, "project id");
    const requestCredentials = credentialsFromRequest(request.headers, url.searchParams);
    if (requestCredentials) authorize(requestCredentials, projectId, projects);
    else if (route.endpoint === "store")
      throw new HttpProblem("missing_auth", "missing authorization information");
    const body = await readBody(request, limits);
    const context = intakeContext(request, projectId, receivedAt);
    let plan;
    if (route.endpoint === "envelope") {
      const envelope = parseEnvelope(body);
      const credentials = reconcileDsn(requestCredentials, envelope.headers.dsn, projectId);
      if (!requestCredentials) authorize(credentials, projectId, projects);
      plan = planEnvelope(envelope, context);
    } else {
      plan = planStore(body, context);
    }
    await produce(plan, projectId);
    sendJson(response, 200, plan.eventId === void 0 ? {} : { id: plan.eventId });
  }
  async function api(request, route, url) {
    if (!isLoopback(clientAddress(request.socket))) {
      throw new HttpProblem("api_unauthenticated", "Authentication credentials were not provided.");
    }
    const projectId = numericId(route.projectId, "project id");
    const apiRequest = { project: projects.get(projectId), projectId, url };
    if (route.endpoint === "issues") return listIssuesResponse(issues, apiRequest);
    const groupId = route.groupId !== void 0 && /^\d{1,15}$/.test(route.groupId) ? Number(route.groupId) : 0;
    return listIssueEventsResponse(issues, apiRequest, groupId);
  }
  async function dispatch(request, response, route) {
    const method = request.method ?? "GET";
    if (route.endpoint === "other") throw new HttpProblem("not_found", "not found");
    if (!ALLOWED_METHODS[route.endpoint].includes(method)) {
      throw new HttpProblem("method_not_allowed", `method ${method} is not allowed here`);
    }
    if (method === "OPTIONS") {
      response.writeHead(200, { ...CORS_HEADERS, "content-length": 0 });
      response.end();
      return;
    }
    const url = requestUrl(request, ownHost);
    switch (route.endpoint) {
      case "envelope":
      case "store":
        return ingest(request, response, route, url);
      case "issues":
      case "issue_events": {
        const answer = await api(request, route, url);
        sendJson(response, answer.status, answer.body, answer.headers);
        return;
      }
      case "metrics": {
        const text = await metrics.registry.metrics();
        response.writeHead(200, { "content-type": metrics.registry.contentType });
        response.end(text);
        return;
      }
      case "health":
        sendJson(response, 200, { status: "ok" });
        return;
    }
  }
  async function handle(request, response) {
    const started = performance.now();
    const route = matchRoute((request.url ?? "/").split("?")[0] ?? "/");
    try {
      await dispatch(request, response, route);
    } catch (error) {
      if (error instanceof RequestAborted) {
        logger.debug({ endpoint: route.endpoint }, "dev.request_aborted");
        metrics.devRequestsRejected.inc({ endpoint: route.endpoint, reason: "aborted" });
        return;
      }
      let problem;
      if (error instanceof HttpProblem) {
        problem = error;
        logger.info(
          { endpoint: route.endpoint, reason: problem.reason, detail: problem.message },
          "dev.request_rejected"
        );
      } else {
        logger.error({ err: error, endpoint: route.endpoint }, "dev.request_failed");
        problem = new HttpProblem("internal", "internal server error", { cause: error });
      }
      metrics.devRequestsRejected.inc({ endpoint: route.endpoint, reason: problem.reason });
      discardBody(request, limits.maxBodyBytes);
      sendProblem(response, problem);
    } finally {
      const status = response.headersSent ? String(response.statusCode) : "none";
      metrics.devRequests.inc({ endpoint: route.endpoint, status });
      metrics.devRequestTime.observe({ endpoint: route.endpoint }, (performance.now() - started) / 1e3);
    }
  }
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.on("checkContinue", (request, response) => {
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      metrics.devRequestsRejected.inc({
        endpoint: matchRoute((request.url ?? "/").split("?")[0] ?? "/").endpoint,
        reason: "too_large"
      });
      response.setHeader("connection", "close");
      sendProblem(
        response,
        new HttpProblem("too_large", `request body exceeds the limit of ${limits.maxBodyBytes} bytes`)
      );
      return;
    }
    response.writeContinue();
    void handle(request, response);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.devPort, options.devHost, () => {
      server.off("error", reject);
      const address = server.address();
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      ownHost = `${host}:${address.port}`;
      resolve({
        url,
        dsn(projectId) {
          const key = projects.get(projectId)?.publicKeys[0];
          if (key === void 0) throw new RangeError(`no project ${projectId} with a public key`);
          return `http://${key}@${host}:${address.port}/${projectId}`;
        },
        close() {
          return new Promise((done, fail) => {
            const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
            force.unref();
            server.close((error) => {
              clearTimeout(force);
              if (error) fail(error);
              else done();
            });
            server.closeIdleConnections();
          });
        }
      });
    });
  });
}
export {
  startDevServer
};
//# sourceMappingURL=server.js.map
