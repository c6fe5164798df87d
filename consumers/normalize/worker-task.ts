import { setTimeout as delay } from "node:timers/promises";
import type { Options } from "../../config/options.ts";
import { InvalidMessage } from "../../pipelines/errors.ts";
import type { BrokerValue, KafkaPayload, Message } from "../../pipelines/types.ts";
import type { WorkerTask } from "../../pipelines/workers/protocol.ts";
import { AvroCodec } from "../../schemas/avro/codec.ts";
import type { EventNormalizedRecord, EventRawRecord, ProcessingError } from "../../schemas/avro/types.ts";
import { codecForTopic } from "../../schemas/codecs.ts";
import { DecodeError, EncodeError, RegistryUnavailableError } from "../../schemas/errors.ts";
import { type JsonObject, type PayloadLimits, parseEventPayload } from "../../schemas/json-payload.ts";
import { createSchemaRegistry } from "../../schemas/registry/index.ts";
import { eventIdToKey } from "../../schemas/relay/codec.ts";
import { type NormalizeConfig, type NormalizeOptions, normalizeConfigFromOptions } from "./config.ts";
import { isRejected, type NormalizedEvent, normalizeEvent, toStoredEvent } from "./normalize.ts";
import { isNormalizeDecodeReason, type NormalizeDlqReason, REJECTION_DLQ_REASON } from "./reasons.ts";

// The normalize consumer's task: one `events-raw` record (bytes) → one `events-normalized`
// record (bytes), or an InvalidMessage with a reason from reasons.ts. The chain runs it on
// the main thread (concurrency 1) or in a worker pool, where this module is also the entry:
// each worker builds its own codecs once, so only bytes cross threads and the Avro decode,
// the JSON parse, the normalization and the encode all happen in the worker.

export interface NormalizeCodecs {
  readonly raw: AvroCodec<EventRawRecord>;
  readonly normalized: AvroCodec<EventNormalizedRecord>;
}

export type CodecOptions = Pick<
  Options,
  "schemaRegistryUrl" | "kafkaClientId" | "maxPayloadBytes" | "maxJsonDepth"
>;

/**
 * The codecs of both topics as schemas/ builds them. Subjects are `events-raw-value` and
 * `events-normalized-value` whatever the topics are called (as relay-intake registers them).
 */
export async function createNormalizeCodecs(options: CodecOptions): Promise<NormalizeCodecs> {
  const registry = createSchemaRegistry(options);
  const deps = { registry, options };
  const [raw, normalized] = await Promise.all([
    codecForTopic({ name: "events-raw", codec: "avro", schema: "events-raw" }, deps),
    codecForTopic({ name: "events-normalized", codec: "avro", schema: "events-normalized" }, deps),
  ]);
  if (!(raw instanceof AvroCodec) || !(normalized instanceof AvroCodec)) {
    throw new EncodeError("avro", "unknown-schema", "events-raw and events-normalized must be Avro topics");
  }
  // Each subject holds records of its own schema only.
  return {
    raw: raw as AvroCodec<EventRawRecord>,
    normalized: normalized as AvroCodec<EventNormalizedRecord>,
  };
}

/** What a RecordNormalizer needs besides its codecs; plain data, so it can travel to a worker. */
export interface NormalizeTaskSettings {
  readonly normalize: NormalizeOptions;
  readonly payload: Pick<Options, "maxPayloadBytes" | "maxJsonDepth">;
}

export type TaskSettingsOptions = NormalizeOptions & Pick<Options, "maxPayloadBytes" | "maxJsonDepth">;

export function normalizeTaskSettings(options: TaskSettingsOptions): NormalizeTaskSettings {
  return {
    normalize: {
      maxSecsInPast: options.maxSecsInPast,
      maxSecsInFuture: options.maxSecsInFuture,
      enableTrimming: options.enableTrimming,
      normalizeUserAgent: options.normalizeUserAgent,
    },
    payload: { maxPayloadBytes: options.maxPayloadBytes, maxJsonDepth: options.maxJsonDepth },
  };
}

/**
 * A registry that does not answer is nobody's fault in the record: the decode is retried
 * with capped exponential backoff, never dead-lettered. The main thread retries until the
 * chain stops (`signal`); a worker, which nothing can stop, gives up after `maxAttempts`
 * and fails its batch, which stops the consumer with the offsets uncommitted.
 */
export interface RegistryRetry {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly maxAttempts?: number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (error: RegistryUnavailableError, attempt: number, delayMs: number) => void;
}

/** The wait between registry attempts; the registry client retries a request itself first. */
export const REGISTRY_RETRY = { initialMs: 100, maxMs: 5000 } as const;
/** About half a minute of attempts at the capped delay before a worker gives up. */
const WORKER_REGISTRY_ATTEMPTS = 12;

const EVENT_ID = /^[0-9a-f]{32}$/;

export class RecordNormalizer {
  private readonly limits: PayloadLimits;

  constructor(
    private readonly codecs: NormalizeCodecs,
    private readonly settings: NormalizeTaskSettings,
    private readonly retry: RegistryRetry = REGISTRY_RETRY,
  ) {
    this.limits = { maxBytes: settings.payload.maxPayloadBytes, maxDepth: settings.payload.maxJsonDepth };
  }

  /** Throws InvalidMessage for a record that can never be normalized. */
  async normalize(value: BrokerValue<KafkaPayload>): Promise<KafkaPayload> {
    const raw = await this.decode(value);
    if (!EVENT_ID.test(raw.event_id)) {
      throw invalid(
        value,
        "invalid-value",
        `event_id ${JSON.stringify(raw.event_id.slice(0, 64))} is not 32 lowercase hex`,
      );
    }
    let event: JsonObject;
    try {
      event = parseEventPayload(Buffer.from(raw.payload, "utf8"), this.limits);
    } catch (error) {
      throw asInvalid(value, error);
    }
    const result = normalizeEvent(event, this.configFor(raw));
    if (isRejected(result)) {
      throw invalid(value, REJECTION_DLQ_REASON[result.rejected.reason], result.rejected.message);
    }
    return {
      key: eventIdToKey(raw.event_id),
      value: this.codecs.normalized.encode(normalizedRecord(raw, result)),
      headers: value.payload.headers,
    };
  }

  /** The StoreNormalizer settings for one record: options plus what the record says. */
  configFor(raw: EventRawRecord): NormalizeConfig {
    return normalizeConfigFromOptions(this.settings.normalize, {
      receivedAt: raw.received,
      clientIp: raw.remote_addr ?? undefined,
      client: raw.client ?? undefined,
      projectId: raw.project_id,
      // Relay would draw a random id for an event without a valid one; the record's id
      // (already checked against the payload by relay-intake) keeps the output deterministic.
      fallbackEventId: raw.event_id,
    });
  }

  private async decode(value: BrokerValue<KafkaPayload>): Promise<EventRawRecord> {
    const { initialMs, maxMs, maxAttempts, signal, onRetry } = this.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.codecs.raw.decodeAsync(value.payload.value);
      } catch (error) {
        if (error instanceof DecodeError) throw asInvalid(value, error);
        if (!(error instanceof RegistryUnavailableError)) throw error;
        if (signal?.aborted || (maxAttempts !== undefined && attempt >= maxAttempts)) throw error;
        const delayMs = Math.min(initialMs * 2 ** (attempt - 1), maxMs);
        onRetry?.(error, attempt, delayMs);
        await delay(delayMs, undefined, signal ? { signal } : {});
      }
    }
  }
}

function invalid(
  value: BrokerValue<KafkaPayload>,
  reason: NormalizeDlqReason,
  detail: string,
): InvalidMessage {
  return new InvalidMessage(value.partition, value.offset, reason, detail);
}

/** A DecodeError of a code this consumer expects becomes an InvalidMessage; anything else is ours. */
function asInvalid(value: BrokerValue<KafkaPayload>, error: unknown): unknown {
  if (!(error instanceof DecodeError) || !isNormalizeDecodeReason(error.reason)) return error;
  const detail = error.path ? `${error.path}: ${error.detail}` : error.detail;
  return new InvalidMessage(value.partition, value.offset, error.reason, detail, { cause: error });
}

// --- the output record ---------------------------------------------------------------------------

/**
 * The `events-normalized` record: the raw record's envelope, the typed fields grouping and
 * storage route on (read from the normalized event, with Relay's defaults), and the stored
 * event JSON. Problems an earlier stage found (`processing_errors` of events-raw) join the
 * event's `errors`, where Sentry shows processing problems; the output's
 * `processing_errors` lists every entry of that `errors`, typed, so no reader has to parse
 * the payload to count or route on them.
 */
export function normalizedRecord(raw: EventRawRecord, result: NormalizedEvent): EventNormalizedRecord {
  const errors =
    raw.processing_errors.length === 0
      ? result.errors
      : [...result.errors, ...raw.processing_errors.map(errorEntry)];
  const stored = toStoredEvent(errors === result.errors ? result : { ...result, errors });
  const event = result.event;
  const received = numberField(event.received) ?? raw.received;
  return {
    kind: raw.kind,
    event_id: raw.event_id,
    project_id: raw.project_id,
    organization_id: raw.organization_id,
    source_topic: raw.source_topic,
    start_time: raw.start_time,
    received,
    ingested_at_ms: raw.ingested_at_ms,
    remote_addr: raw.remote_addr,
    client: raw.client,
    platform: stringField(event.platform) ?? "other",
    type: stringField(event.type) ?? "default",
    level: stringField(event.level) ?? "error",
    timestamp: numberField(event.timestamp) ?? received,
    release: stringField(event.release) ?? null,
    environment: stringField(event.environment) ?? null,
    // Retention is the organization's setting; no stage before grouping knows it, and
    // null lets storage apply its default (option defaultRetentionDays).
    retention_days: null,
    attachments: raw.attachments,
    processing_errors: errors.flatMap(processingError),
    payload: JSON.stringify(stored),
  };
}

function stringField(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function numberField(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A pipeline stage's error as a Sentry `errors` entry: `{type, name, ...detail}`. */
function errorEntry(error: ProcessingError): JsonObject {
  const entry: JsonObject = { type: error.type };
  if (error.name !== null) entry.name = error.name;
  if (error.detail === null) return entry;
  const detail = parseDetail(error.detail);
  if (detail === undefined) {
    entry.detail = error.detail;
    return entry;
  }
  for (const [key, field] of Object.entries(detail)) {
    // Own data properties only: a `__proto__` key must not reach the prototype.
    if (key !== "type" && key !== "name")
      Object.defineProperty(entry, key, {
        value: field,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return entry;
}

/** `detail` is free text or a JSON object (relay-intake writes the latter). */
function parseDetail(text: string): JsonObject | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as JsonObject)
      : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** An `errors` entry in typed form; detail is the compact JSON of its other keys. */
function processingError(entry: unknown): ProcessingError[] {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return [];
  const { type, name, ...rest } = entry as Record<string, unknown>;
  return [
    {
      type: typeof type === "string" ? type : "unknown_error",
      name: typeof name === "string" ? name : null,
      detail: Object.keys(rest).length === 0 ? null : JSON.stringify(rest),
    },
  ];
}

// --- the worker entry ---------------------------------------------------------------------------

const SETTINGS_PARAM = "settings";
const WORKER_EXPORT = "normalizeInWorker";

/**
 * Worker threads receive only a module and an export name. The settings ride in the
 * module's query string: each distinct query is its own module instance in a worker, with
 * its own codecs. The registry URL is deliberately not among them (it may carry
 * credentials, and the module name appears in error messages): workers read
 * SCHEMA_REGISTRY_URL from their environment, which they inherit from this process.
 */
export function normalizeWorkerTask(
  settings: NormalizeTaskSettings,
  options: Pick<Options, "kafkaClientId">,
): WorkerTask {
  const url = new URL(import.meta.url);
  url.search = "";
  url.searchParams.set(SETTINGS_PARAM, JSON.stringify({ ...settings, kafkaClientId: options.kafkaClientId }));
  return { module: url.href, exportName: WORKER_EXPORT };
}

interface WorkerSettings extends NormalizeTaskSettings {
  readonly kafkaClientId: string;
}

let workerNormalizer: Promise<RecordNormalizer> | undefined;

async function createWorkerNormalizer(): Promise<RecordNormalizer> {
  const text = new URL(import.meta.url).searchParams.get(SETTINGS_PARAM);
  if (text === null)
    throw new TypeError(`${WORKER_EXPORT} runs only as a worker task built by normalizeWorkerTask`);
  const settings = JSON.parse(text) as WorkerSettings;
  const codecs = await createNormalizeCodecs({
    schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL || undefined,
    kafkaClientId: settings.kafkaClientId,
    ...settings.payload,
  });
  return new RecordNormalizer(codecs, settings, { ...REGISTRY_RETRY, maxAttempts: WORKER_REGISTRY_ATTEMPTS });
}

/** RunTaskInWorkers' entry: the record's bytes in, the output record's bytes out. */
export async function normalizeInWorker(message: Message<KafkaPayload>): Promise<KafkaPayload> {
  const value = message.value;
  if (value.kind !== "broker") throw new TypeError("the normalize task reads broker records only");
  // A failed start (registry down) is not cached: the next batch tries again.
  workerNormalizer ??= createWorkerNormalizer().catch((error: unknown) => {
    workerNormalizer = undefined;
    throw error;
  });
  return (await workerNormalizer).normalize(value);
}
