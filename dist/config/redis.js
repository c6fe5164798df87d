// config/redis.ts
import { Redis } from "ioredis";
function createRedisClient(options, extra = {}) {
  const client = new Redis(options.redisUrl, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: options.redisMaxRetriesPerRequest,
    commandTimeout: options.redisCommandTimeoutMs,
    connectTimeout: Math.min(options.redisCommandTimeoutMs, 5e3),
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2e3),
    ...extra.connectionName ? { connectionName: extra.connectionName } : {}
  });
  const logger = extra.logger;
  client.on("error", (error) => {
    logger?.warn({ err: error, redisUrl: redactUrl(options.redisUrl) }, "redis.connection_error");
  });
  return client;
}
function redactUrl(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
var StateUnavailableError = class extends Error {
  constructor(store, operation, options) {
    super(`${store}.${operation}: Redis unavailable: ${describe(options.cause)}`, options);
    this.store = store;
    this.operation = operation;
    this.name = "StateUnavailableError";
  }
  store;
  operation;
  reason = "state_unavailable";
  retryable = true;
};
var StateStoreError = class extends Error {
  constructor(store, operation, options) {
    super(`${store}.${operation}: ${describe(options.cause)}`, options);
    this.store = store;
    this.operation = operation;
    this.name = "StateStoreError";
  }
  store;
  operation;
  reason = "state_error";
  retryable = false;
};
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}
var TRANSIENT_REPLIES = [
  "LOADING",
  "BUSY",
  "TRYAGAIN",
  "CLUSTERDOWN",
  "MASTERDOWN",
  "READONLY",
  "NOREPLICAS"
];
var CONNECTION_CODES = /* @__PURE__ */ new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH"
]);
var CONNECTION_MESSAGES = ["Connection is closed.", "Command timed out", "Stream isn't writeable"];
function classifyRedisError(error, store, operation) {
  if (!(error instanceof Error)) return error;
  if (error.name === "ReplyError") {
    const transient = TRANSIENT_REPLIES.some((prefix) => error.message.startsWith(prefix));
    return transient ? new StateUnavailableError(store, operation, { cause: error }) : new StateStoreError(store, operation, { cause: error });
  }
  const code = error.code;
  if (error.name === "MaxRetriesPerRequestError" || error.name === "AbortError" || code !== void 0 && CONNECTION_CODES.has(code) || CONNECTION_MESSAGES.some((m) => error.message.startsWith(m))) {
    return new StateUnavailableError(store, operation, { cause: error });
  }
  return error;
}
async function redisCall(store, operation, run) {
  try {
    return await run();
  } catch (error) {
    throw classifyRedisError(error, store, operation);
  }
}
function pipelineResults(results, expected, store, operation) {
  if (results === null || results.length !== expected) {
    throw new StateUnavailableError(store, operation, {
      cause: new Error(`pipeline returned ${results?.length ?? "no"} results for ${expected} commands`)
    });
  }
  const out = [];
  for (const [error, value] of results) {
    if (error) throw classifyRedisError(error, store, operation);
    out.push(value);
  }
  return out;
}
var PIPELINE_CHUNK = 1e3;
function projectKeyPart(projectId) {
  if (!Number.isSafeInteger(projectId) || projectId < 0) {
    throw new RangeError(`project id must be a non-negative integer, got ${String(projectId)}`);
  }
  return String(projectId);
}
function keySegment(value) {
  return encodeURIComponent(value);
}
export {
  PIPELINE_CHUNK,
  StateStoreError,
  StateUnavailableError,
  classifyRedisError,
  createRedisClient,
  keySegment,
  pipelineResults,
  projectKeyPart,
  redisCall
};
//# sourceMappingURL=redis.js.map
