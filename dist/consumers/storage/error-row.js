// consumers/storage/error-row.ts
import { OPTION_SPECS, OptionError } from "../../config/options.js";
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
  unicodify
} from "./coerce.js";
import { mapContexts } from "./row-contexts.js";
import { RowMappingError } from "./row-errors.js";
import { mapExceptions } from "./row-exceptions.js";
function integerList(name, values) {
  return values.map((value) => {
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < 0) {
      throw new OptionError(name, OPTION_SPECS[name].env, `expected non-negative integers, got ${value}`);
    }
    return number;
  });
}
function rowMappingConfig(options) {
  return {
    defaultRetentionDays: options.defaultRetentionDays,
    validRetentionDays: new Set(integerList("validRetentionDays", options.validRetentionDays)),
    lowerRetentionDays: options.lowerRetentionDays,
    stacktraceBlacklist: new Set(
      integerList("stacktraceBlacklistProjects", options.stacktraceBlacklistProjects)
    )
  };
}
function enforceRetention(value, config) {
  const days = value ?? config.defaultRetentionDays;
  if (config.validRetentionDays.has(days)) return days;
  return days <= config.lowerRetentionDays ? config.lowerRetentionDays : config.defaultRetentionDays;
}
var U16_MAX = 65535;
var U32_MAX = 4294967295;
function requireField(body, field) {
  const value = body[field];
  if (value === void 0 || value === null) throw new RowMappingError("missing_field", field, "required");
  return value;
}
function requireString(body, field) {
  const value = requireField(body, field);
  if (typeof value !== "string") {
    throw new RowMappingError("invalid_field", field, `expected a string, got ${describe(value)}`);
  }
  return value;
}
function requireUnsigned(body, field) {
  const value = requireField(body, field);
  return readOptionalUnsigned(value, field, Number.MAX_SAFE_INTEGER);
}
function readDatetimeMs(value, field, now) {
  if (value === void 0 || value === null) return 0;
  if (typeof value !== "string") {
    throw new RowMappingError("invalid_field", field, `expected a datetime string, got ${describe(value)}`);
  }
  return parseSnubaDatetime(value) ?? now();
}
function mapTags(tagsValue) {
  const pairs = [];
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
  const tags = {
    keys: [],
    values: [],
    environment: null,
    level: null,
    transaction: null,
    release: null,
    dist: null,
    user: null,
    replayId: null
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
function mapModules(modulesValue) {
  const modules = readOptionalObject(modulesValue, "data.modules");
  const names = Object.keys(modules).sort(compareUtf8);
  const versions = names.map((name) => readOptionalString(modules[name], `data.modules.${name}`) ?? "");
  return { names, versions };
}
function mapReferer(headersValue) {
  const headers = readOptionalArray(headersValue, "data.request.headers") ?? [];
  for (const [index, header] of headers.entries()) {
    if (!Array.isArray(header) || header.length !== 2 || typeof header[0] !== "string") {
      throw new RowMappingError(
        "invalid_field",
        `data.request.headers.${index}`,
        "expected a [name, value] pair"
      );
    }
    if (header[0] === "Referer" || header[0] === "Referrer") return unicodify(header[1]);
  }
  return null;
}
function saturatingU32(value) {
  if (!(value > 0)) return 0;
  return Math.min(Math.trunc(value), U32_MAX);
}
function mapInsertToRow(body, options) {
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
  const integrations = (readOptionalArray(sdk.integrations, "data.sdk.integrations") ?? []).map(unicodify).filter((integration) => integration !== null);
  const errors = readOptionalArray(data.errors, "data.errors");
  const sampleRate = readOptionalNumber(data.sample_rate, "data.sample_rate");
  const symbolicated = readOptionalBool(data.symbolicated_in_app, "data.symbolicated_in_app");
  return {
    project_id: projectId,
    timestamp: Math.floor(datetimeMs / 1e3),
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
    message_timestamp: Math.floor(options.kafka.timestampMs / 1e3),
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
    group_first_seen: Math.floor(groupFirstSeenMs / 1e3)
  };
}
export {
  enforceRetention,
  mapInsertToRow,
  rowMappingConfig
};
//# sourceMappingURL=error-row.js.map
