import type { Options } from "../../config/options.ts";
import { OPTION_SPECS, OptionError } from "../../config/options.ts";
import {
  compareUtf8,
  describe,
  hashToUuid,
  isObject,
  parseIpAddress,
  parseSnubaDatetime,
  parseUuid,
  readOptionalArray,
  readOptionalBool,
  readOptionalNumber,
  readOptionalObject,
  readOptionalString,
  readOptionalUnsigned,
  unicodify,
} from "./coerce.ts";
import type { InsertBody, KafkaPosition } from "./insert-body.ts";
import { mapContexts } from "./row-contexts.ts";
import { RowMappingError } from "./row-errors.ts";
import { mapExceptions } from "./row-exceptions.ts";

// One `events` insert → one row of Snuba's errors table, following the Rust errors
// processor (formats.md §4.2–4.3). Column names, value types and nulls are Snuba's, so a
// row can be compared with Snuba's snapshots as is; the writers translate it to the
// portable ClickHouse types (IPv4 as UInt32, ...) or SQLite.

/** A row of the errors table in Snuba's JSON form. */
export interface ErrorRow {
  project_id: number;
  /** Event time, Unix seconds. */
  timestamp: number;
  /** Dashed lowercase UUID. */
  event_id: string;
  platform: string | null;
  environment: string | null;
  release: string | null;
  dist: string | null;
  ip_address_v4: string | null;
  ip_address_v6: string | null;
  user: string;
  user_id: string | null;
  user_name: string | null;
  user_email: string | null;
  sdk_name: string;
  sdk_version: string;
  http_method: string | null;
  http_referer: string | null;
  "tags.key": string[];
  "tags.value": string[];
  "flags.key": string[];
  "flags.value": string[];
  "contexts.key": string[];
  "contexts.value": string[];
  transaction_name: string;
  /** u64 as decimal text: span ids do not fit a JavaScript number. */
  span_id: string | null;
  trace_id: string | null;
  partition: number;
  offset: number;
  /** Kafka message time, Unix seconds. */
  message_timestamp: number;
  retention_days: number;
  deleted: number;
  group_id: number;
  primary_hash: string;
  /** Unix seconds, truncated. */
  received: number;
  message: string;
  title: string;
  culprit: string;
  level: string | null;
  location: string | null;
  version: string | null;
  type: string;
  "exception_stacks.type": Array<string | null>;
  "exception_stacks.value": Array<string | null>;
  "exception_stacks.mechanism_type": Array<string | null>;
  "exception_stacks.mechanism_handled": Array<number | null>;
  "exception_frames.abs_path": Array<string | null>;
  "exception_frames.colno": Array<number | null>;
  "exception_frames.filename": Array<string | null>;
  "exception_frames.function": Array<string | null>;
  "exception_frames.lineno": Array<number | null>;
  "exception_frames.in_app": Array<boolean | null>;
  "exception_frames.package": Array<string | null>;
  "exception_frames.module": Array<string | null>;
  "exception_frames.stack_level": number[];
  sdk_integrations: string[];
  "modules.name": string[];
  "modules.version": string[];
  exception_main_thread: boolean | null;
  trace_sampled: number | null;
  num_processing_errors: number;
  replay_id: string | null;
  symbolicated_in_app: number | null;
  /** Event time, epoch milliseconds (the portable stand-in for DateTime64(3)). */
  timestamp_ms: number;
  sample_weight: number | null;
  /** Unix seconds; 0 when the message carries no group_first_seen. */
  group_first_seen: number;
}

/** The processor settings of Snuba's EnvConfig that storage honours. */
export interface RowMappingConfig {
  readonly defaultRetentionDays: number;
  readonly validRetentionDays: ReadonlySet<number>;
  /** Invalid retentions at or below this become it; the others become the default. */
  readonly lowerRetentionDays: number;
  /** Projects whose exception stacks and frames are not stored. */
  readonly stacktraceBlacklist: ReadonlySet<number>;
}

export interface RowMappingOptions {
  readonly config: RowMappingConfig;
  readonly kafka: KafkaPosition;
  /** Clock for unparseable datetimes (Snuba substitutes "now"); epoch milliseconds. */
  readonly now?: () => number;
}

function integerList(name: "validRetentionDays" | "stacktraceBlacklistProjects", values: readonly string[]) {
  return values.map((value) => {
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < 0) {
      throw new OptionError(name, OPTION_SPECS[name].env, `expected non-negative integers, got ${value}`);
    }
    return number;
  });
}

export function rowMappingConfig(options: Options): RowMappingConfig {
  return {
    defaultRetentionDays: options.defaultRetentionDays,
    validRetentionDays: new Set(integerList("validRetentionDays", options.validRetentionDays)),
    lowerRetentionDays: options.lowerRetentionDays,
    stacktraceBlacklist: new Set(
      integerList("stacktraceBlacklistProjects", options.stacktraceBlacklistProjects),
    ),
  };
}

/** Snuba's `enforce_retention`. */
export function enforceRetention(value: number | null, config: RowMappingConfig): number {
  const days = value ?? config.defaultRetentionDays;
  if (config.validRetentionDays.has(days)) return days;
  return days <= config.lowerRetentionDays ? config.lowerRetentionDays : config.defaultRetentionDays;
}

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

function requireField(body: InsertBody, field: string): unknown {
  const value = body[field];
  if (value === undefined || value === null) throw new RowMappingError("missing_field", field, "required");
  return value;
}

function requireString(body: InsertBody, field: string): string {
  const value = requireField(body, field);
  if (typeof value !== "string") {
    throw new RowMappingError("invalid_field", field, `expected a string, got ${describe(value)}`);
  }
  return value;
}

function requireUnsigned(body: InsertBody, field: string): number {
  const value = requireField(body, field);
  return readOptionalUnsigned(value, field, Number.MAX_SAFE_INTEGER) as number;
}

/** `ensure_valid_datetime`: absent → 0, unparseable → now; epoch milliseconds. */
function readDatetimeMs(value: unknown, field: string, now: () => number): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "string") {
    throw new RowMappingError("invalid_field", field, `expected a datetime string, got ${describe(value)}`);
  }
  return parseSnubaDatetime(value) ?? now();
}

interface PromotedTags {
  keys: string[];
  values: string[];
  environment: string | null;
  level: string | null;
  transaction: string | null;
  release: string | null;
  dist: string | null;
  user: string | null;
  replayId: string | null;
}

/** Tags sorted by (key, value) bytes; null keys/values dropped; promoted columns picked out. */
function mapTags(tagsValue: unknown): PromotedTags {
  const pairs: Array<[string, string]> = [];
  (readOptionalArray(tagsValue, "data.tags") ?? []).forEach((entry, index) => {
    if (entry === null) return;
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new RowMappingError("invalid_field", `data.tags.${index}`, "expected a [key, value] pair");
    }
    const key = unicodify(entry[0]);
    const value = unicodify(entry[1]);
    if (key !== null && value !== null) pairs.push([key, value]);
  });
  pairs.sort((a, b) => compareUtf8(a[0], b[0]) || compareUtf8(a[1], b[1]));

  const tags: PromotedTags = {
    keys: [],
    values: [],
    environment: null,
    level: null,
    transaction: null,
    release: null,
    dist: null,
    user: null,
    replayId: null,
  };
  for (const [key, value] of pairs) {
    if (key === "environment") tags.environment = value;
    else if (key === "level") tags.level = value;
    else if (key === "transaction") tags.transaction = value;
    else if (key === "sentry:release") tags.release = value;
    else if (key === "sentry:dist") tags.dist = value;
    else if (key === "sentry:user") tags.user = value;
    else if (key === "replayId") tags.replayId = parseUuid(value);
    tags.keys.push(key);
    tags.values.push(value);
  }
  return tags;
}

function mapModules(modulesValue: unknown): { names: string[]; versions: string[] } {
  const modules = readOptionalObject(modulesValue, "data.modules");
  const names = Object.keys(modules).sort(compareUtf8);
  const versions = names.map((name) => readOptionalString(modules[name], `data.modules.${name}`) ?? "");
  return { names, versions };
}

/** The first header named exactly `Referer` or `Referrer` (case-sensitive, as in Snuba). */
function mapReferer(headersValue: unknown): string | null {
  const headers = readOptionalArray(headersValue, "data.request.headers") ?? [];
  for (const [index, header] of headers.entries()) {
    if (!Array.isArray(header) || header.length !== 2 || typeof header[0] !== "string") {
      throw new RowMappingError(
        "invalid_field",
        `data.request.headers.${index}`,
        "expected a [name, value] pair",
      );
    }
    if (header[0] === "Referer" || header[0] === "Referrer") return unicodify(header[1]);
  }
  return null;
}

/** `value as u32` in Rust: saturating, NaN → 0. */
function saturatingU32(value: number): number {
  if (!(value > 0)) return 0;
  return Math.min(Math.trunc(value), U32_MAX);
}

/**
 * Maps the body of an `events` insert to its errors row. Throws `RowMappingError` for
 * messages Snuba's processor also rejects (missing ids, wrong JSON types, transactions).
 */
export function mapInsertToRow(body: InsertBody, options: RowMappingOptions): ErrorRow {
  const now = options.now ?? Date.now;
  if (!isObject(body)) throw new RowMappingError("invalid_field", "body", "expected an object");
  const data = readOptionalObject(requireField(body, "data"), "data");
  if (unicodify(data.type) === "transaction") {
    throw new RowMappingError("transaction_event", "data.type", "transactions are not stored as errors");
  }

  const eventIdText = requireString(body, "event_id");
  const eventId = parseUuid(eventIdText);
  if (eventId === null) throw new RowMappingError("invalid_field", "event_id", `not a UUID: ${eventIdText}`);
  const projectId = requireUnsigned(body, "project_id");
  const groupId = requireUnsigned(body, "group_id");
  const primaryHash = requireString(body, "primary_hash");
  const message = requireString(body, "message");
  const retention = readOptionalUnsigned(body.retention_days, "retention_days", U16_MAX);
  const datetimeMs = readDatetimeMs(body.datetime, "datetime", now);
  const groupFirstSeenMs = readDatetimeMs(body.group_first_seen, "group_first_seen", now);

  const tags = mapTags(data.tags);
  const user = readOptionalObject(data.user ?? data["sentry.interfaces.User"], "data.user");
  const contexts = mapContexts(data.contexts, user.geo);
  const exceptions = mapExceptions(data, options.config.stacktraceBlacklist.has(projectId));
  const request = readOptionalObject(data.request, "data.request");
  const sdk = readOptionalObject(data.sdk, "data.sdk");
  const modules = mapModules(data.modules);
  const ip = parseIpAddress(readOptionalString(user.ip_address, "data.user.ip_address") ?? "");
  const integrations = (readOptionalArray(sdk.integrations, "data.sdk.integrations") ?? [])
    .map(unicodify)
    .filter((integration): integration is string => integration !== null);
  const errors = readOptionalArray(data.errors, "data.errors");
  const sampleRate = readOptionalNumber(data.sample_rate, "data.sample_rate");
  const symbolicated = readOptionalBool(data.symbolicated_in_app, "data.symbolicated_in_app");

  return {
    project_id: projectId,
    timestamp: Math.floor(datetimeMs / 1000),
    event_id: eventId,
    platform: readOptionalString(body.platform, "platform"),
    environment: tags.environment,
    release: tags.release,
    dist: tags.dist,
    ip_address_v4: ip.v4,
    ip_address_v6: ip.v6,
    user: tags.user ?? "",
    user_id: unicodify(user.id),
    user_name: unicodify(user.username),
    user_email: unicodify(user.email),
    sdk_name: unicodify(sdk.name) ?? "",
    sdk_version: unicodify(sdk.version) ?? "",
    http_method: unicodify(request.method),
    http_referer: mapReferer(request.headers),
    "tags.key": tags.keys,
    "tags.value": tags.values,
    "flags.key": contexts.flagKeys,
    "flags.value": contexts.flagValues,
    "contexts.key": contexts.keys,
    "contexts.value": contexts.values,
    transaction_name: tags.transaction ?? "",
    span_id: contexts.spanId,
    trace_id: contexts.traceId,
    partition: options.kafka.partition,
    offset: options.kafka.offset,
    message_timestamp: Math.floor(options.kafka.timestampMs / 1000),
    retention_days: enforceRetention(retention, options.config),
    deleted: 0,
    group_id: groupId,
    primary_hash: hashToUuid(primaryHash),
    received: saturatingU32(readOptionalNumber(data.received, "data.received") ?? 0),
    message,
    title: unicodify(data.title) ?? "",
    culprit: unicodify(data.culprit) ?? "",
    level: tags.level,
    location: readOptionalString(data.location, "data.location"),
    version: readOptionalString(data.version, "data.version"),
    type: unicodify(data.type) ?? "",
    "exception_stacks.type": exceptions.stackTypes,
    "exception_stacks.value": exceptions.stackValues,
    "exception_stacks.mechanism_type": exceptions.stackMechanismTypes,
    "exception_stacks.mechanism_handled": exceptions.stackMechanismHandled,
    "exception_frames.abs_path": exceptions.frameAbsPaths,
    "exception_frames.colno": exceptions.frameColnos,
    "exception_frames.filename": exceptions.frameFilenames,
    "exception_frames.function": exceptions.frameFunctions,
    "exception_frames.lineno": exceptions.frameLinenos,
    "exception_frames.in_app": exceptions.frameInApp,
    "exception_frames.package": exceptions.framePackages,
    "exception_frames.module": exceptions.frameModules,
    "exception_frames.stack_level": exceptions.frameStackLevels,
    sdk_integrations: integrations,
    "modules.name": modules.names,
    "modules.version": modules.versions,
    exception_main_thread: exceptions.mainThread,
    trace_sampled: contexts.traceSampled,
    num_processing_errors: errors?.length ?? 0,
    replay_id: contexts.replayId ?? tags.replayId,
    symbolicated_in_app: symbolicated === null ? null : Number(symbolicated),
    timestamp_ms: datetimeMs,
    sample_weight: sampleRate ? 1 / sampleRate : null,
    group_first_seen: Math.floor(groupFirstSeenMs / 1000),
  };
}
