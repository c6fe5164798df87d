import { Redis } from "ioredis";
import type { Logger } from "../observability/logger.ts";
import type { Options } from "./options.ts";

// One way to build a Redis client, and one way to tell "Redis is away, try again" from
// "Redis said no". Relay-intake and grouping both keep state in Redis; neither may import
// the other, so the client and the error classes live here.

export type RedisClientOptions = Pick<
  Options,
  "redisUrl" | "redisCommandTimeoutMs" | "redisMaxRetriesPerRequest" | "redisKeyPrefix"
>;

/**
 * Auto-pipelining queues every command of one event-loop tick into one round trip
 * (35-50% more throughput per ioredis' authors; specs/conventions.md §1e), which is what
 * per-message awaits inside a batch need. `maxRetriesPerRequest` is low so that, with
 * Redis down, a step fails within a few reconnect attempts (~1 s) and the processor
 * retries the message, instead of the command sitting in the offline queue for the
 * ioredis default of 20 attempts while the poll loop stalls.
 */
export function createRedisClient(
  options: RedisClientOptions,
  extra: { readonly connectionName?: string; readonly logger?: Logger } = {},
): Redis {
  const client = new Redis(options.redisUrl, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: options.redisMaxRetriesPerRequest,
    commandTimeout: options.redisCommandTimeoutMs,
    connectTimeout: Math.min(options.redisCommandTimeoutMs, 5000),
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    ...(extra.connectionName ? { connectionName: extra.connectionName } : {}),
  });
  // Without a listener ioredis prints every reconnect failure to the console.
  const logger = extra.logger;
  client.on("error", (error: Error) => {
    logger?.warn({ err: error, redisUrl: redactUrl(options.redisUrl) }, "redis.connection_error");
  });
  return client;
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

/** Closed reason codes of state errors (DLQ header / metric label). */
export type StateErrorReason = "state_unavailable" | "state_error";

/**
 * Redis could not be reached or is temporarily refusing work (loading, busy, failover).
 * Retryable: the message was not processed and must be offered again, never dead-lettered.
 */
export class StateUnavailableError extends Error {
  readonly reason: StateErrorReason = "state_unavailable";
  readonly retryable = true;
  constructor(
    readonly store: string,
    readonly operation: string,
    options: { cause: unknown },
  ) {
    super(`${store}.${operation}: Redis unavailable: ${describe(options.cause)}`, options);
    this.name = "StateUnavailableError";
  }
}

/** Redis answered with an error that retrying will not fix (wrong type, script bug). */
export class StateStoreError extends Error {
  readonly reason: StateErrorReason = "state_error";
  readonly retryable = false;
  constructor(
    readonly store: string,
    readonly operation: string,
    options: { cause: unknown },
  ) {
    super(`${store}.${operation}: ${describe(options.cause)}`, options);
    this.name = "StateStoreError";
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Reply prefixes Redis uses for "not now": replica loading its dataset, a script
// running too long, cluster/failover transitions, a read-only replica after failover.
const TRANSIENT_REPLIES = [
  "LOADING",
  "BUSY",
  "TRYAGAIN",
  "CLUSTERDOWN",
  "MASTERDOWN",
  "READONLY",
  "NOREPLICAS",
];
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);
// Messages ioredis rejects commands with when the socket is gone or silent.
const CONNECTION_MESSAGES = ["Connection is closed.", "Command timed out", "Stream isn't writeable"];

/**
 * Converts what ioredis rejects with into a state error; anything that is not a Redis
 * or connection error (a bug in our code) is returned unchanged so it surfaces as itself.
 */
export function classifyRedisError(error: unknown, store: string, operation: string): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === "ReplyError") {
    const transient = TRANSIENT_REPLIES.some((prefix) => error.message.startsWith(prefix));
    return transient
      ? new StateUnavailableError(store, operation, { cause: error })
      : new StateStoreError(store, operation, { cause: error });
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (
    error.name === "MaxRetriesPerRequestError" ||
    error.name === "AbortError" ||
    (code !== undefined && CONNECTION_CODES.has(code)) ||
    CONNECTION_MESSAGES.some((m) => error.message.startsWith(m))
  ) {
    return new StateUnavailableError(store, operation, { cause: error });
  }
  return error;
}

/** Runs one Redis interaction, converting its failure with `classifyRedisError`. */
export async function redisCall<T>(store: string, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classifyRedisError(error, store, operation);
  }
}

/**
 * Results of `pipeline.exec()`: ioredis reports per-command failures inside the tuples
 * rather than rejecting, so the first failure is rethrown (classified) here. Callers only
 * pipeline commands that are safe to repeat, so failing the whole batch is correct.
 */
export function pipelineResults(
  results: ReadonlyArray<[Error | null, unknown]> | null,
  expected: number,
  store: string,
  operation: string,
): unknown[] {
  if (results === null || results.length !== expected) {
    throw new StateUnavailableError(store, operation, {
      cause: new Error(`pipeline returned ${results?.length ?? "no"} results for ${expected} commands`),
    });
  }
  const out: unknown[] = [];
  for (const [error, value] of results) {
    if (error) throw classifyRedisError(error, store, operation);
    out.push(value);
  }
  return out;
}

/** Commands per explicit pipeline: Redis buffers every reply until the pipeline ends. */
export const PIPELINE_CHUNK = 1000;

/**
 * A project id as it appears in a key. Ids come from messages; rejecting anything but a
 * plain non-negative integer means no crafted id can reach another project's keys.
 */
export function projectKeyPart(projectId: number): string {
  if (!Number.isSafeInteger(projectId) || projectId < 0) {
    throw new RangeError(`project id must be a non-negative integer, got ${String(projectId)}`);
  }
  return String(projectId);
}

/**
 * A free-form id (event id, attachment id, hash) as a key segment. Encoding `:` (and
 * anything unusual) keeps `a:b` + `c` and `a` + `b:c` apart; hex ids pass unchanged.
 */
export function keySegment(value: string): string {
  return encodeURIComponent(value);
}
