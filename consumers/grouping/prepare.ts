import { InvalidMessage } from "../../pipelines/errors.ts";
import type { Message } from "../../pipelines/types.ts";
import type { EventNormalizedRecord } from "../../schemas/avro/types.ts";
import { DecodeError } from "../../schemas/errors.ts";
import {
  type JsonObject,
  type JsonValue,
  type PayloadLimits,
  parseEventPayload,
} from "../../schemas/json-payload.ts";
import { computeGroupingForEvent, type FingerprintInfo, type GroupingResult } from "./compute.ts";
import { compileGroupingConfig } from "./config.ts";
import { type GroupingEvent, readGroupingEvent } from "./event-view.ts";
import { DEFAULT_FINGERPRINT_VARIABLE, resolveFingerprint } from "./fingerprinting.ts";
import { storedEventData } from "./frame-writeback.ts";
import type { GroupingSettings } from "./project-config.ts";
import { decodeDlqReason, GroupingRuleError } from "./reasons.ts";
import { saveEventTags } from "./save-event-tags.ts";
import { searchMessage } from "./search-message.ts";

// The CPU part of save_event for one event, before its group is known: parse the normalized
// payload, compute the grouping hashes (Sentry's `_calculate_event_grouping`: client or
// server fingerprint, then the variants' hashes), and make the changes save_event makes to
// the event data that Snuba later reads (tags, fingerprint, hashes, grouping config, the
// search message, the frames as stack-trace normalization left them, and the keys Sentry
// prunes from the eventstream copy). Pure: the chain runs it with RunTask, or in worker
// threads (RunTaskInWorkers) when concurrency > 1, so its input and output are plain,
// structured-clonable values.

/** A decoded `events-normalized` record whose project exists, with what grouping needs. */
export interface ResolvedEvent {
  readonly record: EventNormalizedRecord;
  readonly project: GroupingSettings;
  readonly limits: PayloadLimits;
}

/** One event ready for group assignment: the eventstream body without the group fields. */
export interface PreparedEvent {
  readonly projectId: number;
  readonly organizationId: number;
  readonly eventId: string;
  readonly platform: string | null;
  /** Event time, Unix seconds with fraction (`data.timestamp`). */
  readonly timestamp: number;
  /** `data.received`, Unix seconds with fraction; the `Received-Timestamp` header. */
  readonly received: number;
  readonly retentionDays: number | null;
  /** `data.environment`, "" when the event has none (Sentry's nameless environment). */
  readonly environment: string;
  /** Grouping hashes in priority order, no duplicates, at least one. */
  readonly hashes: string[];
  readonly title: string;
  readonly culprit: string;
  readonly level: string;
  /** Sentry's search message (the body's `message`). */
  readonly message: string;
  /** The event after save_event's changes (the body's `data`). */
  readonly data: JsonObject;
}

/** Keys Sentry removes from the event before it goes to the eventstream (EVENTSTREAM_PRUNED_KEYS). */
const EVENTSTREAM_PRUNED_KEYS = ["debug_meta", "_meta"] as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Sentry's `get_grouping_config_dict_for_event_data`: the event's config id if it has one. */
function groupingConfigId(data: JsonObject, project: GroupingSettings): string {
  const stored = data.grouping_config;
  const id = isObject(stored) ? stored.id : undefined;
  return typeof id === "string" && id !== "" ? id : project.groupingConfig;
}

interface Grouped {
  readonly result: GroupingResult;
  readonly view: GroupingEvent;
  /** The event with its frames as Sentry's stack-trace normalization stores them. */
  readonly data: JsonObject;
}

function group(data: JsonObject, project: GroupingSettings): Grouped {
  const compiled = compileGroupingConfig({
    groupingConfig: groupingConfigId(data, project),
    stackTraceRules: project.stackTraceRules,
    fingerprintRules: project.fingerprintRules,
  });
  try {
    const view = readGroupingEvent(data);
    const result = computeGroupingForEvent(view, compiled);
    return { result, view, data: storedEventData(data, view, compiled.stacktraceRules) };
  } catch (error) {
    // A pathological event (nesting deeper than the stack, a string past V8's limit).
    if (error instanceof RangeError) throw new GroupingRuleError("grouping-failed", error.message);
    throw error;
  }
}

/** Sentry's `expand_title_template`: `{{ var }}` resolved like fingerprint variables. */
function expandTitle(template: string, view: GroupingEvent): string {
  return template.replace(/\{\{\s*(\S+)\s*\}\}/g, (match) => resolveFingerprint([match], view)[0] ?? match);
}

function fingerprintInfoJson(info: FingerprintInfo): JsonObject {
  const out: JsonObject = {};
  if (info.client_fingerprint !== undefined) out.client_fingerprint = [...info.client_fingerprint];
  const rule = info.matched_rule;
  if (rule !== undefined) {
    out.matched_rule = {
      text: rule.text,
      matchers: rule.matchers.map(([key, pattern]) => [key, pattern]),
      fingerprint: [...rule.fingerprint],
      attributes: { ...rule.attributes },
      ...(rule.is_builtin ? { is_builtin: true } : {}),
    };
  }
  return out;
}

/** What `_calculate_event_grouping` and `apply_server_fingerprinting` write into the event. */
function applyGrouping(data: JsonObject, result: GroupingResult, view: GroupingEvent): string[] {
  const clientFingerprint = data.fingerprint;
  data.fingerprint =
    Array.isArray(clientFingerprint) && clientFingerprint.length > 0
      ? clientFingerprint
      : [DEFAULT_FINGERPRINT_VARIABLE];
  const info = result.fingerprintInfo;
  const rule = info?.matched_rule;
  if (rule !== undefined) {
    data.fingerprint = [...rule.fingerprint];
    const title = rule.attributes.title;
    if (title !== undefined) {
      // A rule's title names the issue: the event's title and its metadata's follow it.
      data.title = expandTitle(title, view);
      if (isObject(data.metadata)) data.metadata.title = data.title;
    }
  }
  if (info !== undefined && (info.client_fingerprint !== undefined || rule !== undefined)) {
    data._fingerprint_info = fingerprintInfoJson(info);
  }
  // Sentry's `_hashes_from_sorted_grouping_variants` drops repeated hashes.
  const hashes = [...new Set(result.hashes)];
  data.hashes = hashes;
  if (!isObject(data.grouping_config)) data.grouping_config = { id: result.config };
  return hashes;
}

function checkIdentity(record: EventNormalizedRecord, data: JsonObject): void {
  if (!Number.isFinite(record.timestamp)) {
    throw new GroupingRuleError("invalid-timestamp", `timestamp ${record.timestamp} is not a finite number`);
  }
  const payloadId = data.event_id;
  if (payloadId === undefined || payloadId === null) {
    data.event_id = record.event_id;
  } else if (
    typeof payloadId !== "string" ||
    payloadId.replaceAll("-", "").toLowerCase() !== record.event_id
  ) {
    throw new GroupingRuleError(
      "event-id-mismatch",
      `payload event_id ${JSON.stringify(payloadId)} is not the record's ${record.event_id}`,
    );
  }
}

/**
 * Groups one event and applies save_event's changes to its data. Throws `DecodeError` for
 * a payload that is not a JSON object within the limits and `GroupingRuleError` for an
 * event this consumer refuses; both are the event's fault.
 */
export function prepareEvent(input: ResolvedEvent): PreparedEvent {
  const { record, project, limits } = input;
  const payload = parseEventPayload(Buffer.from(record.payload, "utf8"), limits);
  checkIdentity(record, payload);
  payload.tags = saveEventTags(payload);
  const { result, view, data } = group(payload, project);
  const hashes = applyGrouping(data, result, view);
  if (hashes.length === 0) throw new GroupingRuleError("grouping-failed", "grouping produced no hash");
  for (const key of EVENTSTREAM_PRUNED_KEYS) delete data[key];
  // Snuba requires `received`; the record carries it even when the payload lost it.
  if (typeof data.received !== "number") data.received = record.received;
  return {
    projectId: record.project_id,
    organizationId: project.organizationId,
    eventId: record.event_id,
    platform: text(data.platform) ?? record.platform,
    timestamp: record.timestamp,
    received: data.received as number,
    retentionDays: record.retention_days,
    environment: text(data.environment) ?? "",
    hashes,
    title: text(data.title) ?? "",
    culprit: text(data.culprit) ?? "",
    level: text(data.level) ?? record.level,
    message: searchMessage(data),
    data,
  };
}

/**
 * The step function (RunTask, or a worker thread of RunTaskInWorkers): `prepareEvent` with
 * the event's faults turned into an InvalidMessage naming the record.
 */
export function prepareMessage(message: Message<ResolvedEvent>): PreparedEvent {
  try {
    return prepareEvent(message.payload);
  } catch (error) {
    if (!(error instanceof DecodeError || error instanceof GroupingRuleError)) throw error;
    const value = message.value;
    if (value.kind !== "broker") throw error;
    const reason = error instanceof DecodeError ? decodeDlqReason(error.reason, "json") : error.reason;
    throw new InvalidMessage(value.partition, value.offset, reason, error.detail, { cause: error });
  }
}
