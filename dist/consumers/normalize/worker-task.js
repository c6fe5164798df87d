// consumers/normalize/worker-task.ts
import { setTimeout as delay } from "node:timers/promises";
import { InvalidMessage } from "../../pipelines/errors.js";
import { AvroCodec } from "../../schemas/avro/codec.js";
import { codecForTopic } from "../../schemas/codecs.js";
import { DecodeError, EncodeError, RegistryUnavailableError } from "../../schemas/errors.js";
import { parseEventPayload } from "../../schemas/json-payload.js";
import { createSchemaRegistry } from "../../schemas/registry/index.js";
import { eventIdToKey } from "../../schemas/relay/codec.js";
import { normalizeConfigFromOptions } from "./config.js";
import { isRejected, normalizeEvent, toStoredEvent } from "./normalize.js";
import { isNormalizeDecodeReason, REJECTION_DLQ_REASON } from "./reasons.js";
async function createNormalizeCodecs(options) {
  const registry = createSchemaRegistry(options);
  const deps = { registry, options };
  const [raw, normalized] = await Promise.all([
    codecForTopic({ name: "events-raw", codec: "avro", schema: "events-raw" }, deps),
    codecForTopic({ name: "events-normalized", codec: "avro", schema: "events-normalized" }, deps)
  ]);
  if (!(raw instanceof AvroCodec) || !(normalized instanceof AvroCodec)) {
    throw new EncodeError("avro", "unknown-schema", "events-raw and events-normalized must be Avro topics");
  }
  return {
    raw,
    normalized
  };
}
function normalizeTaskSettings(options) {
  return {
    normalize: {
      maxSecsInPast: options.maxSecsInPast,
      maxSecsInFuture: options.maxSecsInFuture,
      enableTrimming: options.enableTrimming,
      normalizeUserAgent: options.normalizeUserAgent
    },
    payload: { maxPayloadBytes: options.maxPayloadBytes, maxJsonDepth: options.maxJsonDepth }
  };
}
var REGISTRY_RETRY = { initialMs: 100, maxMs: 5e3 };
var WORKER_REGISTRY_ATTEMPTS = 12;
var EVENT_ID = /^[0-9a-f]{32}$/;
var RecordNormalizer = class {
  constructor(codecs, settings, retry = REGISTRY_RETRY) {
    this.codecs = codecs;
    this.settings = settings;
    this.retry = retry;
    this.limits = { maxBytes: settings.payload.maxPayloadBytes, maxDepth: settings.payload.maxJsonDepth };
  }
  codecs;
  settings;
  retry;
  limits;
  /** Throws InvalidMessage for a record that can never be normalized. */
  async normalize(value) {
    const raw = await this.decode(value);
    if (!EVENT_ID.test(raw.event_id)) {
      throw invalid(
        value,
        "invalid-value",
        `event_id ${JSON.stringify(raw.event_id.slice(0, 64))} is not 32 lowercase hex`
      );
    }
    let event;
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
      headers: value.payload.headers
    };
  }
  /** The StoreNormalizer settings for one record: options plus what the record says. */
  configFor(raw) {
    return normalizeConfigFromOptions(this.settings.normalize, {
      receivedAt: raw.received,
      clientIp: raw.remote_addr ?? void 0,
      client: raw.client ?? void 0,
      projectId: raw.project_id,
      // Relay would draw a random id for an event without a valid one; the record's id
      // (already checked against the payload by relay-intake) keeps the output deterministic.
      fallbackEventId: raw.event_id
    });
  }
  async decode(value) {
    const { initialMs, maxMs, maxAttempts, signal, onRetry } = this.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.codecs.raw.decodeAsync(value.payload.value);
      } catch (error) {
        if (error instanceof DecodeError) throw asInvalid(value, error);
        if (!(error instanceof RegistryUnavailableError)) throw error;
        if (signal?.aborted || maxAttempts !== void 0 && attempt >= maxAttempts) throw error;
        const delayMs = Math.min(initialMs * 2 ** (attempt - 1), maxMs);
        onRetry?.(error, attempt, delayMs);
        await delay(delayMs, void 0, signal ? { signal } : {});
      }
    }
  }
};
function invalid(value, reason, detail) {
  return new InvalidMessage(value.partition, value.offset, reason, detail);
}
function asInvalid(value, error) {
  if (!(error instanceof DecodeError) || !isNormalizeDecodeReason(error.reason)) return error;
  const detail = error.path ? `${error.path}: ${error.detail}` : error.detail;
  return new InvalidMessage(value.partition, value.offset, error.reason, detail, { cause: error });
}
function normalizedRecord(raw, result) {
  const errors = raw.processing_errors.length === 0 ? result.errors : [...result.errors, ...raw.processing_errors.map(errorEntry)];
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
    payload: JSON.stringify(stored)
  };
}
function stringField(value) {
  return typeof value === "string" ? value : void 0;
}
function numberField(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : void 0;
}
function errorEntry(error) {
  const entry = { type: error.type };
  if (error.name !== null) entry.name = error.name;
  if (error.detail === null) return entry;
  const detail = parseDetail(error.detail);
  if (detail === void 0) {
    entry.detail = error.detail;
    return entry;
  }
  for (const [key, field] of Object.entries(detail)) {
    if (key !== "type" && key !== "name")
      Object.defineProperty(entry, key, {
        value: field,
        enumerable: true,
        writable: true,
        configurable: true
      });
  }
  return entry;
}
function parseDetail(text) {
  if (!text.startsWith("{")) return void 0;
  try {
    const parsed = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : void 0;
  } catch (error) {
    if (error instanceof SyntaxError) return void 0;
    throw error;
  }
}
function processingError(entry) {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return [];
  const { type, name, ...rest } = entry;
  return [
    {
      type: typeof type === "string" ? type : "unknown_error",
      name: typeof name === "string" ? name : null,
      detail: Object.keys(rest).length === 0 ? null : JSON.stringify(rest)
    }
  ];
}
var SETTINGS_PARAM = "settings";
var WORKER_EXPORT = "normalizeInWorker";
function normalizeWorkerTask(settings, options) {
  const url = new URL(import.meta.url);
  url.search = "";
  url.searchParams.set(SETTINGS_PARAM, JSON.stringify({ ...settings, kafkaClientId: options.kafkaClientId }));
  return { module: url.href, exportName: WORKER_EXPORT };
}
var workerNormalizer;
async function createWorkerNormalizer() {
  const text = new URL(import.meta.url).searchParams.get(SETTINGS_PARAM);
  if (text === null)
    throw new TypeError(`${WORKER_EXPORT} runs only as a worker task built by normalizeWorkerTask`);
  const settings = JSON.parse(text);
  const codecs = await createNormalizeCodecs({
    schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL || void 0,
    kafkaClientId: settings.kafkaClientId,
    ...settings.payload
  });
  return new RecordNormalizer(codecs, settings, { ...REGISTRY_RETRY, maxAttempts: WORKER_REGISTRY_ATTEMPTS });
}
async function normalizeInWorker(message) {
  const value = message.value;
  if (value.kind !== "broker") throw new TypeError("the normalize task reads broker records only");
  workerNormalizer ??= createWorkerNormalizer().catch((error) => {
    workerNormalizer = void 0;
    throw error;
  });
  return (await workerNormalizer).normalize(value);
}
export {
  REGISTRY_RETRY,
  RecordNormalizer,
  createNormalizeCodecs,
  normalizeInWorker,
  normalizeTaskSettings,
  normalizeWorkerTask,
  normalizedRecord
};
//# sourceMappingURL=worker-task.js.map
