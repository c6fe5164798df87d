// consumers/grouping/prepare.ts
import { InvalidMessage } from "../../pipelines/errors.js";
import { DecodeError } from "../../schemas/errors.js";
import {
  parseEventPayload
} from "../../schemas/json-payload.js";
import { computeGroupingForEvent } from "./compute.js";
import { compileGroupingConfig } from "./config.js";
import { readGroupingEvent } from "./event-view.js";
import { DEFAULT_FINGERPRINT_VARIABLE, resolveFingerprint } from "./fingerprinting.js";
import { storedEventData } from "./frame-writeback.js";
import { decodeDlqReason, GroupingRuleError } from "./reasons.js";
import { saveEventTags } from "./save-event-tags.js";
import { searchMessage } from "./search-message.js";
var EVENTSTREAM_PRUNED_KEYS = ["debug_meta", "_meta"];
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function text(value) {
  return typeof value === "string" ? value : void 0;
}
function groupingConfigId(data, project) {
  const stored = data.grouping_config;
  const id = isObject(stored) ? stored.id : void 0;
  return typeof id === "string" && id !== "" ? id : project.groupingConfig;
}
function group(data, project) {
  const compiled = compileGroupingConfig({
    groupingConfig: groupingConfigId(data, project),
    stackTraceRules: project.stackTraceRules,
    fingerprintRules: project.fingerprintRules
  });
  try {
    const view = readGroupingEvent(data);
    const result = computeGroupingForEvent(view, compiled);
    return { result, view, data: storedEventData(data, view, compiled.stacktraceRules) };
  } catch (error) {
    if (error instanceof RangeError) throw new GroupingRuleError("grouping-failed", error.message);
    throw error;
  }
}
function expandTitle(template, view) {
  return template.replace(/\{\{\s*(\S+)\s*\}\}/g, (match) => resolveFingerprint([match], view)[0] ?? match);
}
function fingerprintInfoJson(info) {
  const out = {};
  if (info.client_fingerprint !== void 0) out.client_fingerprint = [...info.client_fingerprint];
  const rule = info.matched_rule;
  if (rule !== void 0) {
    out.matched_rule = {
      text: rule.text,
      matchers: rule.matchers.map(([key, pattern]) => [key, pattern]),
      fingerprint: [...rule.fingerprint],
      attributes: { ...rule.attributes },
      ...rule.is_builtin ? { is_builtin: true } : {}
    };
  }
  return out;
}
function applyGrouping(data, result, view) {
  const clientFingerprint = data.fingerprint;
  data.fingerprint = Array.isArray(clientFingerprint) && clientFingerprint.length > 0 ? clientFingerprint : [DEFAULT_FINGERPRINT_VARIABLE];
  const info = result.fingerprintInfo;
  const rule = info?.matched_rule;
  if (rule !== void 0) {
    data.fingerprint = [...rule.fingerprint];
    const title = rule.attributes.title;
    if (title !== void 0) {
      data.title = expandTitle(title, view);
      if (isObject(data.metadata)) data.metadata.title = data.title;
    }
  }
  if (info !== void 0 && (info.client_fingerprint !== void 0 || rule !== void 0)) {
    data._fingerprint_info = fingerprintInfoJson(info);
  }
  const hashes = [...new Set(result.hashes)];
  data.hashes = hashes;
  if (!isObject(data.grouping_config)) data.grouping_config = { id: result.config };
  return hashes;
}
function checkIdentity(record, data) {
  if (!Number.isFinite(record.timestamp)) {
    throw new GroupingRuleError("invalid-timestamp", `timestamp ${record.timestamp} is not a finite number`);
  }
  const payloadId = data.event_id;
  if (payloadId === void 0 || payloadId === null) {
    data.event_id = record.event_id;
  } else if (typeof payloadId !== "string" || payloadId.replaceAll("-", "").toLowerCase() !== record.event_id) {
    throw new GroupingRuleError(
      "event-id-mismatch",
      `payload event_id ${JSON.stringify(payloadId)} is not the record's ${record.event_id}`
    );
  }
}
function prepareEvent(input) {
  const { record, project, limits } = input;
  const payload = parseEventPayload(Buffer.from(record.payload, "utf8"), limits);
  checkIdentity(record, payload);
  payload.tags = saveEventTags(payload);
  const { result, view, data } = group(payload, project);
  const hashes = applyGrouping(data, result, view);
  if (hashes.length === 0) throw new GroupingRuleError("grouping-failed", "grouping produced no hash");
  for (const key of EVENTSTREAM_PRUNED_KEYS) delete data[key];
  if (typeof data.received !== "number") data.received = record.received;
  return {
    projectId: record.project_id,
    organizationId: project.organizationId,
    eventId: record.event_id,
    platform: text(data.platform) ?? record.platform,
    timestamp: record.timestamp,
    received: data.received,
    retentionDays: record.retention_days,
    environment: text(data.environment) ?? "",
    hashes,
    title: text(data.title) ?? "",
    culprit: text(data.culprit) ?? "",
    level: text(data.level) ?? record.level,
    message: searchMessage(data),
    data
  };
}
function prepareMessage(message) {
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
export {
  prepareEvent,
  prepareMessage
};
//# sourceMappingURL=prepare.js.map
