import { isUtf8 } from "node:buffer";
import { InvalidMessage } from "../../pipelines/errors.ts";
import type { BrokerValue, KafkaPayload } from "../../pipelines/types.ts";
import { EVENTSTREAM_VERSION, REPLACEMENT_OPERATIONS } from "../../schemas/eventstream/types.ts";
import { type ErrorRow, mapInsertToRow, type RowMappingConfig } from "./error-row.ts";
import { type GroupRow, mapGroupRow } from "./group-row.ts";
import type { InsertBody } from "./insert-body.ts";
import { JsonFloat, parseEventstreamJson } from "./json-float.ts";
import { ROW_MAPPING_DLQ_REASON, type StorageDlqReason } from "./reasons.ts";
import { RowMappingError } from "./row-errors.ts";

// The first step of the storage chain: one `events` record → its errors row and its groups
// row, or an InvalidMessage (dead-lettered by the processor with the original bytes).
//
// The message is parsed once, with `parseEventstreamJson`, and classified here rather than
// with the eventstream codec (schemas/eventstream/codec.ts): the codec parses with
// JSON.parse, which turns Sentry's `100.0` into `100`, and the row must keep the float's
// text the way Snuba's serde_json does. The codec's constants define the protocol.

/** One mapped insert, with the record it came from so a row the store rejects can be dead-lettered. */
export interface StorageItem {
  readonly row: ErrorRow;
  readonly group: GroupRow;
  readonly source: BrokerValue<KafkaPayload>;
}

export interface DecodeConfig {
  readonly rowMapping: RowMappingConfig;
  /** Clock for unparseable datetimes (Snuba substitutes "now"), epoch milliseconds. */
  readonly now?: () => number;
}

const REPLACEMENTS: ReadonlySet<string> = new Set(REPLACEMENT_OPERATIONS);

function invalid(
  record: BrokerValue<KafkaPayload>,
  reason: StorageDlqReason,
  detail: string,
): InvalidMessage {
  return new InvalidMessage(record.partition, record.offset, reason, detail);
}

function parseValue(record: BrokerValue<KafkaPayload>): unknown {
  const bytes = record.payload.value;
  if (!isUtf8(bytes)) throw invalid(record, "invalid-utf8", "value is not valid UTF-8");
  try {
    return parseEventstreamJson(bytes.toString("utf8"));
  } catch (error) {
    if (error instanceof SyntaxError) throw invalid(record, "invalid-json", error.message);
    // The lossless parser recurses; JSON.parse does not. Only absurd nesting gets here.
    if (error instanceof RangeError) throw invalid(record, "too-deep", error.message);
    throw error;
  }
}

function versionOf(value: unknown): number | null {
  if (typeof value === "number") return value;
  return value instanceof JsonFloat ? value.value : null;
}

/** The insert body of an `events` message; anything else throws InvalidMessage. */
export function insertBodyOf(record: BrokerValue<KafkaPayload>): InsertBody {
  const tuple = parseValue(record);
  if (!Array.isArray(tuple) || tuple.length < 3) {
    throw invalid(record, "not-eventstream-tuple", "expected a JSON array of 3 or 4 elements");
  }
  const [version, operation, body] = tuple as [unknown, unknown, unknown];
  if (versionOf(version) !== EVENTSTREAM_VERSION) {
    throw invalid(record, "unsupported-version", `version ${JSON.stringify(version)}, expected 2`);
  }
  if (typeof operation !== "string" || (operation !== "insert" && !REPLACEMENTS.has(operation))) {
    throw invalid(record, "unknown-operation", `operation ${JSON.stringify(operation)}`);
  }
  const expected = operation === "insert" ? 4 : 3;
  if (tuple.length !== expected) {
    throw invalid(
      record,
      "not-eventstream-tuple",
      `${operation} carries ${expected} elements, got ${tuple.length}`,
    );
  }
  if (operation !== "insert") {
    throw invalid(record, "unsupported-replacement", `${operation} is not applied by this consumer`);
  }
  return body as InsertBody;
}

/** Maps one `events` record; throws InvalidMessage with a code of STORAGE_DLQ_REASONS. */
export function decodeEventsRecord(record: BrokerValue<KafkaPayload>, config: DecodeConfig): StorageItem {
  const body = insertBodyOf(record);
  try {
    const row = mapInsertToRow(body, {
      config: config.rowMapping,
      kafka: { partition: record.partition.index, offset: record.offset, timestampMs: record.timestamp },
      now: config.now,
    });
    return { row, group: mapGroupRow(body, config.now), source: record };
  } catch (error) {
    if (error instanceof RowMappingError) {
      throw invalid(record, ROW_MAPPING_DLQ_REASON[error.reason], error.message);
    }
    throw error;
  }
}
