// consumers/storage/decode.ts
import { isUtf8 } from "node:buffer";
import { InvalidMessage } from "../../pipelines/errors.js";
import { EVENTSTREAM_VERSION, REPLACEMENT_OPERATIONS } from "../../schemas/eventstream/types.js";
import { mapInsertToRow } from "./error-row.js";
import { mapGroupRow } from "./group-row.js";
import { JsonFloat, parseEventstreamJson } from "./json-float.js";
import { ROW_MAPPING_DLQ_REASON } from "./reasons.js";
import { RowMappingError } from "./row-errors.js";
var REPLACEMENTS = new Set(REPLACEMENT_OPERATIONS);
function invalid(record, reason, detail) {
  return new InvalidMessage(record.partition, record.offset, reason, detail);
}
function parseValue(record) {
  const bytes = record.payload.value;
  if (!isUtf8(bytes)) throw invalid(record, "invalid-utf8", "value is not valid UTF-8");
  try {
    return parseEventstreamJson(bytes.toString("utf8"));
  } catch (error) {
    if (error instanceof SyntaxError) throw invalid(record, "invalid-json", error.message);
    if (error instanceof RangeError) throw invalid(record, "too-deep", error.message);
    throw error;
  }
}
function versionOf(value) {
  if (typeof value === "number") return value;
  return value instanceof JsonFloat ? value.value : null;
}
function insertBodyOf(record) {
  const tuple = parseValue(record);
  if (!Array.isArray(tuple) || tuple.length < 3) {
    throw invalid(record, "not-eventstream-tuple", "expected a JSON array of 3 or 4 elements");
  }
  const [version, operation, body] = tuple;
  if (versionOf(version) !== EVENTSTREAM_VERSION) {
    throw invalid(record, "unsupported-version", `version ${JSON.stringify(version)}, expected 2`);
  }
  if (typeof operation !== "string" || operation !== "insert" && !REPLACEMENTS.has(operation)) {
    throw invalid(record, "unknown-operation", `operation ${JSON.stringify(operation)}`);
  }
  const expected = operation === "insert" ? 4 : 3;
  if (tuple.length !== expected) {
    throw invalid(
      record,
      "not-eventstream-tuple",
      `${operation} carries ${expected} elements, got ${tuple.length}`
    );
  }
  if (operation !== "insert") {
    throw invalid(record, "unsupported-replacement", `${operation} is not applied by this consumer`);
  }
  return body;
}
function decodeEventsRecord(record, config) {
  const body = insertBodyOf(record);
  try {
    const row = mapInsertToRow(body, {
      config: config.rowMapping,
      kafka: { partition: record.partition.index, offset: record.offset, timestampMs: record.timestamp },
      now: config.now
    });
    return { row, group: mapGroupRow(body, config.now), source: record };
  } catch (error) {
    if (error instanceof RowMappingError) {
      throw invalid(record, ROW_MAPPING_DLQ_REASON[error.reason], error.message);
    }
    throw error;
  }
}
export {
  decodeEventsRecord,
  insertBodyOf
};
//# sourceMappingURL=decode.js.map
