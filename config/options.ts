// The options registry: every tunable of the pipeline is declared here once, with its
// type, default, environment variable and help text. Code reads options through
// `loadOptions()` (or an `Options` value handed in); no call site repeats a default.
// CLI flags override what the environment gives; `topology.yaml` gives per-consumer
// defaults (batch sizes, concurrency) that sit between the two.

export type OptionType = "string" | "integer" | "number" | "boolean" | "list" | "url" | "optional-string";

interface OptionSpec<T> {
  readonly type: OptionType;
  readonly env: string;
  readonly default: T;
  readonly help: string;
  readonly unit?: string;
}

function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

export const OPTION_SPECS = {
  // --- brokers and registries -------------------------------------------------------
  kafkaBrokers: option<readonly string[]>({
    type: "list",
    env: "INGEST_KAFKA_BROKERS",
    default: ["127.0.0.1:9092"],
    help: "Kafka bootstrap servers, comma separated.",
  }),
  kafkaClientId: option<string>({
    type: "string",
    env: "INGEST_KAFKA_CLIENT_ID",
    default: "ingest-pipeline",
    help: "Kafka client id prefix.",
  }),
  kafkaCompression: option<string>({
    type: "string",
    env: "INGEST_KAFKA_COMPRESSION",
    default: "lz4",
    help: "Compression codec for produced batches: none, gzip, snappy, lz4, zstd.",
  }),
  kafkaProducerLingerMs: option<number>({
    type: "integer",
    env: "INGEST_KAFKA_PRODUCER_LINGER_MS",
    default: 2,
    help: "How long the producer waits to gather concurrent records into one request.",
    unit: "ms",
  }),
  kafkaProducerMaxBatchSize: option<number>({
    type: "integer",
    env: "INGEST_KAFKA_PRODUCER_MAX_BATCH_SIZE",
    default: 1000,
    help: "Most records the producer sends in one request.",
  }),
  kafkaProducerMaxBatchBytes: option<number>({
    type: "integer",
    env: "INGEST_KAFKA_PRODUCER_MAX_BATCH_BYTES",
    default: 1_000_000,
    help: "Most uncompressed bytes per produce request; keeps record batches under the broker's max.message.bytes.",
    unit: "bytes",
  }),
  kafkaConsumerBufferBytes: option<number>({
    type: "integer",
    env: "INGEST_KAFKA_CONSUMER_BUFFER_BYTES",
    // A few hundred typical events keep the loop fed between fetches. Every byte here is held
    // once more as a decoded record (the consumers aim at 200 MB RSS), and records that wait
    // long get promoted out of V8's young generation: bench/kafka-chain measured a median
    // 0.92 of bare kafkajs at 1-2 MiB against 0.83 at 8 MiB.
    default: 2 * 1024 * 1024,
    help: "Fetched-but-unpolled bytes the Kafka consumer holds before it stops fetching.",
    unit: "bytes",
  }),
  kafkaFetchMaxWaitMs: option<number>({
    type: "integer",
    env: "INGEST_KAFKA_FETCH_MAX_WAIT_MS",
    default: 500,
    help: "Longest a fetch waits on the broker for data (also kafkajs's idle sleep while paused).",
    unit: "ms",
  }),
  kafkaSessionTimeoutMs: option<number>({
    type: "integer",
    env: "INGEST_KAFKA_SESSION_TIMEOUT_MS",
    default: 30000,
    help: "Consumer group session timeout; a member silent this long is removed.",
    unit: "ms",
  }),
  strictOffsetReset: option<boolean>({
    type: "boolean",
    env: "INGEST_STRICT_OFFSET_RESET",
    default: true,
    help: "Fail instead of silently resetting when a committed or sought offset is out of range.",
  }),
  schemaRegistryUrl: option<string | undefined>({
    type: "optional-string",
    env: "SCHEMA_REGISTRY_URL",
    default: undefined,
    help: "Confluent-compatible schema registry; unset = the embedded registry with ids from schemas/manifest.json.",
  }),
  topologyFile: option<string>({
    type: "string",
    env: "INGEST_TOPOLOGY",
    default: "topology.yaml",
    help: "Path of the topology file (topics and consumer groups).",
  }),

  // --- storage and state -------------------------------------------------------------
  clickhouseUrl: option<string>({
    type: "url",
    env: "INGEST_CLICKHOUSE_URL",
    default: "http://127.0.0.1:8123",
    help: "ClickHouse HTTP endpoint.",
  }),
  clickhouseDatabase: option<string>({
    type: "string",
    env: "INGEST_CLICKHOUSE_DATABASE",
    default: "ingest",
    help: "ClickHouse database holding the errors and groups tables.",
  }),
  clickhouseUser: option<string>({
    type: "string",
    env: "INGEST_CLICKHOUSE_USER",
    default: "default",
    help: "ClickHouse user.",
  }),
  clickhousePassword: option<string>({
    type: "string",
    env: "INGEST_CLICKHOUSE_PASSWORD",
    default: "",
    help: "ClickHouse password.",
  }),
  redisUrl: option<string>({
    type: "url",
    env: "INGEST_REDIS_URL",
    default: "redis://127.0.0.1:6379/0",
    help: "Redis for dedupe keys, attachment chunks and grouping state.",
  }),
  redisKeyPrefix: option<string>({
    type: "string",
    env: "INGEST_REDIS_KEY_PREFIX",
    default: "ingest:",
    help: "Prefix of every Redis key the pipeline writes (lets deployments or test runs share one Redis).",
  }),
  redisCommandTimeoutMs: option<number>({
    type: "integer",
    env: "INGEST_REDIS_COMMAND_TIMEOUT_MS",
    default: 10000,
    help: "A Redis command without a reply after this long fails as state_unavailable (retryable).",
    unit: "ms",
  }),
  redisMaxRetriesPerRequest: option<number>({
    type: "integer",
    env: "INGEST_REDIS_MAX_RETRIES_PER_REQUEST",
    default: 3,
    help: "Reconnect attempts a queued Redis command waits through before failing as state_unavailable.",
  }),
  groupEventMarkerTtlSeconds: option<number>({
    type: "integer",
    env: "INGEST_GROUP_EVENT_MARKER_TTL_SECONDS",
    default: 3600,
    help: "How long grouping remembers an event id, so a redelivered event does not count twice in times_seen.",
    unit: "s",
  }),
  groupingRequireRebuild: option<boolean>({
    type: "boolean",
    env: "INGEST_GROUPING_REQUIRE_REBUILD",
    default: false,
    help: "Grouping consumers always wait for `ingest groups rebuild --all` when Redis holds no grouping state, even on a fresh deployment (by default they start afresh only while the events topic has never received a record).",
  }),
  groupingIdHeadroom: option<number>({
    type: "integer",
    env: "INGEST_GROUPING_ID_HEADROOM",
    default: 1_000_000,
    help: "Group ids skipped whenever the grouping state is set up on an empty Redis: covers ids assigned just before a Redis loss whose events were not yet stored, so they are never handed out again.",
  }),
  groupingRebuildSettleTimeoutMs: option<number>({
    type: "integer",
    env: "INGEST_GROUPING_REBUILD_SETTLE_TIMEOUT_MS",
    default: 600000,
    help: "How long `ingest groups rebuild` waits for the storage consumer to drain the events topic before restoring a lost grouping state (it refuses after that).",
    unit: "ms",
  }),
  projectConfigCacheTtlMs: option<number>({
    type: "integer",
    env: "INGEST_PROJECT_CONFIG_CACHE_TTL_MS",
    default: 10000,
    help: "How long a project's settings (or its absence) read from Redis are cached in process.",
    unit: "ms",
  }),
  sqlitePath: option<string>({
    type: "string",
    env: "INGEST_SQLITE_PATH",
    default: ".cache/dev/ingest.sqlite",
    help: "SQLite file used by the embedded storage sink (ingest dev).",
  }),
  attachmentStoreDir: option<string>({
    type: "string",
    env: "INGEST_ATTACHMENT_DIR",
    default: ".cache/attachments",
    help: "Folder where joined attachment bytes are written.",
  }),
  projectsFile: option<string>({
    type: "string",
    env: "INGEST_PROJECTS",
    default: "projects.yaml",
    help: "Project keys and per-project grouping settings (dev and tests).",
  }),
  projectSource: option<string>({
    type: "string",
    env: "INGEST_PROJECT_SOURCE",
    default: "file",
    help: "Where production consumers look projects up: file (projectsFile) or redis (<prefix>project:<id> hashes).",
  }),

  // --- consumer defaults (topology.yaml and flags override) -------------------------
  maxBatchSize: option<number>({
    type: "integer",
    env: "INGEST_MAX_BATCH_SIZE",
    default: 1000,
    help: "Messages per batch for batching steps.",
  }),
  maxBatchTimeMs: option<number>({
    type: "integer",
    env: "INGEST_MAX_BATCH_TIME_MS",
    default: 1000,
    help: "Longest a batch stays open.",
    unit: "ms",
  }),
  concurrency: option<number>({
    type: "integer",
    env: "INGEST_CONCURRENCY",
    default: 1,
    help: "Worker threads for CPU steps (1 = run in the main thread).",
  }),
  maxPollIntervalMs: option<number>({
    type: "integer",
    env: "INGEST_MAX_POLL_INTERVAL_MS",
    default: 30000,
    help: "Longest gap between polls before the member is considered dead and the loop stuck.",
    unit: "ms",
  }),
  pollTimeoutMs: option<number>({
    type: "integer",
    env: "INGEST_POLL_TIMEOUT_MS",
    default: 100,
    help:
      "Longest one consumer poll waits when no record is ready. Async steps (produce acks, inserts) " +
      "move on when the loop turns, so this bounds the latency they add on an idle topic.",
    unit: "ms",
  }),
  joinTimeoutMs: option<number>({
    type: "integer",
    env: "INGEST_JOIN_TIMEOUT_MS",
    default: 10000,
    help: "How long revocation and shutdown wait for the chain to drain.",
    unit: "ms",
  }),
  commitIntervalMs: option<number>({
    type: "integer",
    env: "INGEST_COMMIT_INTERVAL_MS",
    default: 1000,
    help: "Commit offsets at most this often (forced on join).",
    unit: "ms",
  }),
  backpressurePauseAfterMs: option<number>({
    type: "integer",
    env: "INGEST_BACKPRESSURE_PAUSE_AFTER_MS",
    default: 1000,
    help: "Pause partitions after this long under continuous backpressure.",
    unit: "ms",
  }),
  autoOffsetReset: option<string>({
    type: "string",
    env: "INGEST_AUTO_OFFSET_RESET",
    default: "earliest",
    help: "Where a group without committed offsets starts: earliest, latest or error.",
  }),
  dlqMaxInvalidRatio: option<number>({
    type: "number",
    env: "INGEST_DLQ_MAX_INVALID_RATIO",
    default: 0.5,
    help: "Stop the consumer when more than this share of a partition's recent messages is invalid.",
  }),
  dlqMaxConsecutiveCount: option<number>({
    type: "integer",
    env: "INGEST_DLQ_MAX_CONSECUTIVE",
    default: 100000,
    help: "Stop the consumer after this many invalid messages in a row on one partition.",
  }),
  dlqMaxBufferedPerPartition: option<number>({
    type: "integer",
    env: "INGEST_DLQ_MAX_BUFFERED_PER_PARTITION",
    default: 10000,
    help: "Raw records kept per partition until they reach the commit step, so invalid ones can be dead-lettered.",
  }),
  healthcheckFile: option<string | undefined>({
    type: "optional-string",
    env: "INGEST_HEALTHCHECK_FILE",
    default: undefined,
    help: "File touched at most once a second while the processing loop is healthy.",
  }),
  metricsPort: option<number>({
    type: "integer",
    env: "INGEST_METRICS_PORT",
    default: 0,
    help: "Port for /metrics and /health (0 = disabled).",
  }),
  metricsHost: option<string>({
    type: "string",
    env: "INGEST_METRICS_HOST",
    default: "127.0.0.1",
    help: "Address /metrics and /health listen on (0.0.0.0 in containers, so Prometheus can scrape).",
  }),
  lagRefreshIntervalMs: option<number>({
    type: "integer",
    env: "INGEST_LAG_REFRESH_INTERVAL_MS",
    default: 10000,
    help: "How often a Kafka consumer refreshes ingest_consumer_lag_messages from committed vs end offsets (0 = never).",
    unit: "ms",
  }),
  groupInstanceId: option<string | undefined>({
    type: "optional-string",
    env: "INGEST_GROUP_INSTANCE_ID",
    default: undefined,
    help: "Static group membership id (KIP-345); accepted but not supported by kafkajs 2.2.4, which logs a warning.",
  }),
  logLevel: option<string>({
    type: "string",
    env: "INGEST_LOG_LEVEL",
    default: "info",
    help: "pino log level: trace, debug, info, warn, error, fatal, silent.",
  }),

  // --- relay-intake -------------------------------------------------------------------
  dedupeWindowSeconds: option<number>({
    type: "integer",
    env: "INGEST_DEDUPE_WINDOW_SECONDS",
    default: 86400,
    help: "How long an (project, event id) pair is remembered for deduplication.",
    unit: "s",
  }),
  maxPayloadBytes: option<number>({
    type: "integer",
    env: "INGEST_MAX_PAYLOAD_BYTES",
    default: 1_048_576,
    help: "Largest event payload accepted; larger ones are dead-lettered.",
    unit: "bytes",
  }),
  maxJsonDepth: option<number>({
    type: "integer",
    env: "INGEST_MAX_JSON_DEPTH",
    default: 128,
    help: "Deepest nesting accepted in an event payload.",
  }),
  attachmentChunkTtlSeconds: option<number>({
    type: "integer",
    env: "INGEST_ATTACHMENT_CHUNK_TTL_SECONDS",
    default: 3600,
    help: "Lifetime of attachment chunks waiting for their attachment or event message.",
    unit: "s",
  }),
  maxAttachmentBytes: option<number>({
    type: "integer",
    env: "INGEST_MAX_ATTACHMENT_BYTES",
    default: 100 * 1024 * 1024,
    help: "Largest attachment accepted (Relay's max_attachment_size); a message announcing more is dead-lettered.",
    unit: "bytes",
  }),
  maxAttachmentChunks: option<number>({
    type: "integer",
    env: "INGEST_MAX_ATTACHMENT_CHUNKS",
    default: 1000,
    help: "Most chunks one attachment may announce; bounds the Redis reads one message can cause.",
  }),
  stateRetryInitialMs: option<number>({
    type: "integer",
    env: "INGEST_STATE_RETRY_INITIAL_MS",
    default: 100,
    help: "First backoff after Redis was unavailable to relay-intake or grouping (the batch is retried, never dead-lettered).",
    unit: "ms",
  }),
  stateRetryMaxMs: option<number>({
    type: "integer",
    env: "INGEST_STATE_RETRY_MAX_MS",
    default: 5000,
    help: "Backoff cap while Redis stays unavailable to relay-intake or grouping.",
    unit: "ms",
  }),

  // --- normalize -----------------------------------------------------------------------
  maxSecsInPast: option<number>({
    type: "integer",
    env: "INGEST_MAX_SECS_IN_PAST",
    default: 2_592_000,
    help: "Events older than this (by timestamp) get their timestamp replaced by received time.",
    unit: "s",
  }),
  maxSecsInFuture: option<number>({
    type: "integer",
    env: "INGEST_MAX_SECS_IN_FUTURE",
    default: 60,
    help: "Events further in the future than this get their timestamp replaced by received time.",
    unit: "s",
  }),
  enableTrimming: option<boolean>({
    type: "boolean",
    env: "INGEST_ENABLE_TRIMMING",
    default: true,
    help: "Trim events to Relay's size limits, recording _meta remarks.",
  }),
  normalizeUserAgent: option<boolean>({
    type: "boolean",
    env: "INGEST_NORMALIZE_USER_AGENT",
    default: true,
    help: "Derive browser, os and device contexts from the request's User-Agent (as Sentry does).",
  }),

  // --- storage -------------------------------------------------------------------------
  storageMaxBatchBytes: option<number>({
    type: "integer",
    env: "INGEST_STORAGE_MAX_BATCH_BYTES",
    // Payload bytes; the decoded rows and the insert body of a batch take several times that.
    default: 4 * 1024 * 1024,
    help: "Bytes per ClickHouse insert.",
    unit: "bytes",
  }),
  storageRetryInitialMs: option<number>({
    type: "integer",
    env: "INGEST_STORAGE_RETRY_INITIAL_MS",
    default: 100,
    help: "First backoff after a failed insert.",
    unit: "ms",
  }),
  storageRetryMaxMs: option<number>({
    type: "integer",
    env: "INGEST_STORAGE_RETRY_MAX_MS",
    default: 10000,
    help: "Backoff cap for failed inserts.",
    unit: "ms",
  }),
  defaultRetentionDays: option<number>({
    type: "integer",
    env: "INGEST_DEFAULT_RETENTION_DAYS",
    default: 90,
    help: "Retention for events whose message carries none.",
    unit: "days",
  }),
  validRetentionDays: option<readonly string[]>({
    type: "list",
    env: "INGEST_VALID_RETENTION_DAYS",
    default: ["30", "60", "90"],
    help: "Retentions stored as sent; others are clamped (Snuba's valid_retention_days).",
    unit: "days",
  }),
  lowerRetentionDays: option<number>({
    type: "integer",
    env: "INGEST_LOWER_RETENTION_DAYS",
    default: 30,
    help: "An invalid retention at or below this becomes it; above, the default retention.",
    unit: "days",
  }),
  stacktraceBlacklistProjects: option<readonly string[]>({
    type: "list",
    env: "INGEST_STACKTRACE_BLACKLIST_PROJECTS",
    default: [],
    help: "Project ids whose exception stacks and frames are not stored.",
  }),
  storageRetryMaxAttempts: option<number>({
    type: "integer",
    env: "INGEST_STORAGE_RETRY_MAX_ATTEMPTS",
    default: 20,
    help: "Attempts of one insert while ClickHouse is unreachable or overloaded before the sink gives up (0 = forever).",
  }),
  storageAutoMigrate: option<boolean>({
    type: "boolean",
    env: "INGEST_STORAGE_AUTO_MIGRATE",
    default: false,
    help: "Apply pending ClickHouse migrations when the storage consumer starts (--auto-migrate).",
  }),

  // --- dev ------------------------------------------------------------------------------
  devHost: option<string>({
    type: "string",
    env: "INGEST_DEV_HOST",
    default: "127.0.0.1",
    help: "Address the dev server listens on.",
  }),
  devPort: option<number>({
    type: "integer",
    env: "INGEST_DEV_PORT",
    default: 8000,
    help: "Port of the dev server (envelope endpoint, issues API, metrics).",
  }),
  devMaxBodyBytes: option<number>({
    type: "integer",
    env: "INGEST_DEV_MAX_BODY_BYTES",
    default: 20 * 1024 * 1024,
    help: "Largest request body the dev server reads, as sent (compressed); larger requests get 413.",
    unit: "bytes",
  }),
  devMaxBatchTimeMs: option<number>({
    type: "integer",
    env: "INGEST_DEV_MAX_BATCH_TIME_MS",
    default: 100,
    help: "Longest a batch stays open in `ingest dev`'s consumers (replaces topology.yaml's, which suit throughput, not a laptop's wait for an issue).",
    unit: "ms",
  }),
  devMaxEnvelopeBytes: option<number>({
    type: "integer",
    env: "INGEST_DEV_MAX_ENVELOPE_BYTES",
    default: 100 * 1024 * 1024,
    help: "Largest request body after decompression (Relay's max_envelope_size); decompression stops there with 413.",
    unit: "bytes",
  }),

  // --- replay and dump -------------------------------------------------------------------
  replayDrainTimeoutMs: option<number>({
    type: "integer",
    env: "INGEST_REPLAY_DRAIN_TIMEOUT_MS",
    default: 300_000,
    help: "How long `ingest replay --into dev` waits for the dev pipeline to process what it fed in.",
    unit: "ms",
  }),
  replayLogLevel: option<string>({
    type: "string",
    env: "INGEST_REPLAY_LOG_LEVEL",
    default: "warn",
    help: "pino log level of `ingest dump` and `ingest replay` (their progress bar and summary are the output; --log-level overrides).",
  }),
  replayMaxBacklog: option<number>({
    type: "integer",
    env: "INGEST_REPLAY_MAX_BACKLOG",
    default: 5000,
    help: "`ingest replay --into dev` stops feeding while the dev pipeline has this many messages not yet processed.",
  }),
} as const;

type Specs = typeof OPTION_SPECS;
export type OptionName = keyof Specs;
export type Options = { readonly [K in OptionName]: Specs[K]["default"] };

export class OptionError extends Error {
  constructor(
    readonly option: OptionName,
    readonly env: string,
    message: string,
  ) {
    super(`${env}: ${message}`);
    this.name = "OptionError";
  }
}

function parseValue(name: OptionName, spec: OptionSpec<unknown>, raw: string): unknown {
  switch (spec.type) {
    case "string":
    case "optional-string":
      return raw;
    case "url":
      try {
        new URL(raw);
      } catch {
        throw new OptionError(name, spec.env, `expected a URL, got ${JSON.stringify(raw)}`);
      }
      return raw;
    case "integer": {
      const value = Number(raw);
      if (!Number.isSafeInteger(value)) {
        throw new OptionError(name, spec.env, `expected an integer, got ${JSON.stringify(raw)}`);
      }
      return value;
    }
    case "number": {
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        throw new OptionError(name, spec.env, `expected a number, got ${JSON.stringify(raw)}`);
      }
      return value;
    }
    case "boolean": {
      const lowered = raw.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(lowered)) return true;
      if (["0", "false", "no", "off"].includes(lowered)) return false;
      throw new OptionError(name, spec.env, `expected a boolean, got ${JSON.stringify(raw)}`);
    }
    case "list":
      return raw
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part.length > 0);
  }
}

/**
 * Resolves every option from its environment variable or its default, then applies
 * `overrides` (CLI flags, topology values). Unknown or malformed values throw
 * `OptionError` naming the variable.
 */
export function loadOptions(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<Options> = {},
): Options {
  const resolved: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(OPTION_SPECS) as [OptionName, OptionSpec<unknown>][]) {
    const raw = env[spec.env];
    resolved[name] = raw === undefined || raw === "" ? spec.default : parseValue(name, spec, raw);
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value !== undefined) resolved[name] = value;
  }
  return Object.freeze(resolved) as Options;
}

/** The README's options table, exactly as README.md carries it (a unit test compares). */
export function optionsMarkdownTable(): string {
  const escapePipes = (text: string): string => text.replaceAll("|", "\\|");
  const lines = ["| option | environment variable | default | meaning |", "|---|---|---|---|"];
  for (const row of describeOptions()) {
    const fallback = row.default === "" ? "" : `\`${escapePipes(row.default)}\``;
    lines.push(`| ${row.name} | \`${row.env}\` | ${fallback} | ${escapePipes(row.help)} |`);
  }
  return `${lines.join("\n")}\n`;
}

/** Rows for the README's options table and `ingest options`. */
export function describeOptions(): ReadonlyArray<{
  name: OptionName;
  env: string;
  type: OptionType;
  default: string;
  help: string;
}> {
  return (Object.entries(OPTION_SPECS) as [OptionName, OptionSpec<unknown>][]).map(([name, spec]) => ({
    name,
    env: spec.env,
    type: spec.type,
    default: spec.default === undefined ? "" : JSON.stringify(spec.default),
    help: spec.unit ? `${spec.help} (${spec.unit})` : spec.help,
  }));
}
