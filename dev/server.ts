import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { Options } from "../config/options.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Producer } from "../producers/types.ts";
import { authorize, credentialsFromRequest, type ProjectKeys, reconcileDsn } from "./auth.ts";
import { type BodyLimits, discardBody, RequestAborted, readBody } from "./body.ts";
import { parseEnvelope } from "./envelope.ts";
import { CORS_HEADERS, clientAddress, isLoopback, sendJson, sendProblem } from "./http.ts";
import {
  type IntakeContext,
  type IntakePlan,
  planEnvelope,
  planStore,
  producePlan,
  RELAY_TOPICS,
  type RelayTopics,
} from "./intake.ts";
import {
  type ApiResponse,
  type IssuesQuery,
  listIssueEventsResponse,
  listIssuesResponse,
} from "./issues-api.ts";
import { HttpProblem } from "./problems.ts";

// The edge of `ingest dev`: a Relay-compatible intake on 127.0.0.1 that turns what Sentry
// SDKs send into the msgpack messages Relay would put on Kafka, plus the issues API,
// /metrics and /health. Built on node:http: six routes do not need a framework, and the
// body handling (streamed caps, decompression) wants the raw request stream anyway.
//
// Routes:
//   POST /api/{project_id}/envelope/                     Sentry envelopes
//   POST /api/{project_id}/store/                        legacy single-event JSON
//   OPTIONS on both                                      CORS preflight (as Relay)
//   GET  /api/0/projects/{project_id}/issues/            issues, newest activity first
//   GET  /api/0/projects/{project_id}/issues/{group_id}/events/
//   GET  /metrics, GET /health
// The API takes no token: it answers loopback clients only (the server binds 127.0.0.1 by
// default; bound elsewhere, other clients get 401). The server never answers 429.

export interface DevServerDependencies {
  readonly producer: Producer;
  readonly projects: ProjectKeys;
  readonly issues: IssuesQuery;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly options: Options;
  /** Defaults to Relay's topic names. */
  readonly topics?: RelayTopics;
}

export interface DevServer {
  /** `http://host:port` (the actual port when `devPort` is 0). */
  readonly url: string;
  /** The DSN SDKs use for a project: `http://<public key>@host:port/<project id>`. */
  dsn(projectId: number): string;
  close(): Promise<void>;
}

/** How long `close()` lets in-flight requests finish before cutting their connections. */
const CLOSE_GRACE_MS = 2000;

type Endpoint = "envelope" | "store" | "issues" | "issue_events" | "metrics" | "health" | "other";

interface Route {
  readonly endpoint: Endpoint;
  readonly projectId?: string;
  readonly groupId?: string;
}

const ROUTES: ReadonlyArray<readonly [RegExp, Endpoint]> = [
  [/^\/api\/([^/]+)\/envelope\/?$/, "envelope"],
  [/^\/api\/([^/]+)\/store\/?$/, "store"],
  [/^\/api\/0\/projects\/([^/]+)\/issues\/?$/, "issues"],
  [/^\/api\/0\/projects\/([^/]+)\/issues\/([^/]+)\/events\/?$/, "issue_events"],
  [/^\/metrics\/?$/, "metrics"],
  [/^\/health\/?$/, "health"],
];

function matchRoute(pathname: string): Route {
  for (const [pattern, endpoint] of ROUTES) {
    const match = pattern.exec(pathname);
    if (match) {
      return {
        endpoint,
        ...(match[1] !== undefined ? { projectId: match[1] } : {}),
        ...(match[2] !== undefined ? { groupId: match[2] } : {}),
      };
    }
  }
  return { endpoint: "other" };
}

function numericId(raw: string | undefined, what: string): number {
  const value = raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new HttpProblem("bad_project", `invalid ${what}`);
  return value;
}

const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The request URL as the client addressed it, so `Link` URLs point where it connected; a
 * Host header that is not a plain host[:port] falls back to the server's own address.
 */
function requestUrl(request: IncomingMessage, ownHost: string): URL {
  const host = request.headers.host;
  const base = host !== undefined && HOST_HEADER.test(host) ? host : ownHost;
  const path = (request.url ?? "/").startsWith("/") ? (request.url ?? "/") : "/";
  return new URL(path, `http://${base}`);
}

const ALLOWED_METHODS: Readonly<Record<Endpoint, ReadonlyArray<string>>> = {
  envelope: ["POST", "OPTIONS"],
  store: ["POST", "OPTIONS"],
  issues: ["GET", "OPTIONS"],
  issue_events: ["GET", "OPTIONS"],
  metrics: ["GET"],
  health: ["GET"],
  other: [],
};

export function startDevServer(deps: DevServerDependencies): Promise<DevServer> {
  const { producer, projects, issues, metrics, logger, options } = deps;
  const topics = deps.topics ?? RELAY_TOPICS;
  // Set once listening; used when a request's Host header cannot be trusted.
  let ownHost = options.devHost;
  const limits: BodyLimits = {
    maxBodyBytes: options.devMaxBodyBytes,
    maxDecodedBytes: options.devMaxEnvelopeBytes,
  };

  function intakeContext(request: IncomingMessage, projectId: number, receivedAt: number): IntakeContext {
    return {
      projectId,
      startTime: Math.max(0, Math.floor(receivedAt / 1000)),
      remoteAddr: clientAddress(request.socket),
      topics,
      maxEventBytes: options.maxPayloadBytes,
    };
  }

  async function produce(plan: IntakePlan, projectId: number): Promise<void> {
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
      "dev.envelope_accepted",
    );
  }

  async function ingest(
    request: IncomingMessage,
    response: ServerResponse,
    route: Route,
    url: URL,
  ): Promise<void> {
    const receivedAt = Date.now();
    const projectId = numericId(route.projectId, "project id");
    const requestCredentials = credentialsFromRequest(request.headers, url.searchParams);
    // Refuse known-bad credentials before reading a byte of the body.
    if (requestCredentials) authorize(requestCredentials, projectId, projects);
    else if (route.endpoint === "store")
      throw new HttpProblem("missing_auth", "missing authorization information");

    const body = await readBody(request, limits);
    const context = intakeContext(request, projectId, receivedAt);
    let plan: IntakePlan;
    if (route.endpoint === "envelope") {
      const envelope = parseEnvelope(body);
      const credentials = reconcileDsn(requestCredentials, envelope.headers.dsn, projectId);
      if (!requestCredentials) authorize(credentials, projectId, projects);
      plan = planEnvelope(envelope, context);
    } else {
      plan = planStore(body, context);
    }
    await produce(plan, projectId);
    sendJson(response, 200, plan.eventId === undefined ? {} : { id: plan.eventId });
  }

  async function api(request: IncomingMessage, route: Route, url: URL): Promise<ApiResponse> {
    if (!isLoopback(clientAddress(request.socket))) {
      throw new HttpProblem("api_unauthenticated", "Authentication credentials were not provided.");
    }
    const projectId = numericId(route.projectId, "project id");
    const apiRequest = { project: projects.get(projectId), projectId, url };
    if (route.endpoint === "issues") return listIssuesResponse(issues, apiRequest);
    const groupId =
      route.groupId !== undefined && /^\d{1,15}$/.test(route.groupId) ? Number(route.groupId) : 0;
    return listIssueEventsResponse(issues, apiRequest, groupId);
  }

  async function dispatch(request: IncomingMessage, response: ServerResponse, route: Route): Promise<void> {
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

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
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
      let problem: HttpProblem;
      if (error instanceof HttpProblem) {
        problem = error;
        logger.info(
          { endpoint: route.endpoint, reason: problem.reason, detail: problem.message },
          "dev.request_rejected",
        );
      } else {
        // Every request must get an answer and the server must keep serving: an unexpected
        // error is a bug, logged with its stack and answered 500.
        logger.error({ err: error, endpoint: route.endpoint }, "dev.request_failed");
        problem = new HttpProblem("internal", "internal server error", { cause: error });
      }
      metrics.devRequestsRejected.inc({ endpoint: route.endpoint, reason: problem.reason });
      discardBody(request, limits.maxBodyBytes);
      sendProblem(response, problem);
    } finally {
      const status = response.headersSent ? String(response.statusCode) : "none";
      metrics.devRequests.inc({ endpoint: route.endpoint, status });
      metrics.devRequestTime.observe({ endpoint: route.endpoint }, (performance.now() - started) / 1000);
    }
  }

  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  // `Expect: 100-continue` (curl, large uploads): refuse an oversized body before the client
  // sends it; everything else continues as usual.
  server.on("checkContinue", (request: IncomingMessage, response: ServerResponse) => {
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      metrics.devRequestsRejected.inc({
        endpoint: matchRoute((request.url ?? "/").split("?")[0] ?? "/").endpoint,
        reason: "too_large",
      });
      response.setHeader("connection", "close");
      sendProblem(
        response,
        new HttpProblem("too_large", `request body exceeds the limit of ${limits.maxBodyBytes} bytes`),
      );
      return;
    }
    response.writeContinue();
    void handle(request, response);
  });

  return new Promise<DevServer>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.devPort, options.devHost, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      ownHost = `${host}:${address.port}`;
      resolve({
        url,
        dsn(projectId: number): string {
          const key = projects.get(projectId)?.publicKeys[0];
          if (key === undefined) throw new RangeError(`no project ${projectId} with a public key`);
          return `http://${key}@${host}:${address.port}/${projectId}`;
        },
        close(): Promise<void> {
          return new Promise<void>((done, fail) => {
            const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
            force.unref();
            server.close((error) => {
              clearTimeout(force);
              if (error) fail(error);
              else done();
            });
            server.closeIdleConnections();
          });
        },
      });
    });
  });
}
