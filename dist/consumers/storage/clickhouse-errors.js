// consumers/storage/clickhouse-errors.ts
import { ClickHouseError } from "@clickhouse/client";
var ROW_CODES = /* @__PURE__ */ new Set([
  6,
  // CANNOT_PARSE_TEXT
  25,
  // CANNOT_PARSE_ESCAPE_SEQUENCE
  26,
  // CANNOT_PARSE_QUOTED_STRING
  27,
  // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  32,
  // ATTEMPT_TO_READ_AFTER_EOF
  33,
  // CANNOT_READ_ALL_DATA
  38,
  // CANNOT_PARSE_DATE
  41,
  // CANNOT_PARSE_DATETIME
  53,
  // TYPE_MISMATCH
  69,
  // ARGUMENT_OUT_OF_BOUND
  70,
  // CANNOT_CONVERT_TYPE
  72,
  // CANNOT_PARSE_NUMBER
  117,
  // INCORRECT_DATA
  131,
  // TOO_LARGE_STRING_SIZE
  190,
  // SIZES_OF_ARRAYS_DOESNT_MATCH
  349,
  // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  376,
  // CANNOT_PARSE_UUID
  457,
  // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  467
  // CANNOT_PARSE_BOOL
]);
var RETRYABLE_CODES = /* @__PURE__ */ new Set([
  3,
  // UNEXPECTED_END_OF_FILE (connection cut mid-request)
  159,
  // TIMEOUT_EXCEEDED
  164,
  // READONLY (replica in read-only mode for a moment)
  202,
  // TOO_MANY_SIMULTANEOUS_QUERIES
  203,
  // NO_FREE_CONNECTION
  209,
  // SOCKET_TIMEOUT
  210,
  // NETWORK_ERROR
  236,
  // ABORTED
  241,
  // MEMORY_LIMIT_EXCEEDED
  242,
  // TABLE_IS_READ_ONLY
  252,
  // TOO_MANY_PARTS
  285,
  // TOO_FEW_LIVE_REPLICAS
  319,
  // UNKNOWN_STATUS_OF_INSERT
  394,
  // QUERY_WAS_CANCELLED
  425,
  // SYSTEM_ERROR
  999
  // KEEPER_EXCEPTION
]);
var RETRYABLE_NETWORK_CODES = /* @__PURE__ */ new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET"
]);
function clickHouseErrorCode(error) {
  if (error instanceof ClickHouseError) return Number(error.code);
  if (error instanceof Error) {
    const match = /\bCode: (\d+)/.exec(error.message);
    if (match) return Number(match[1]);
  }
  return null;
}
function networkErrorCode(error) {
  let current = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = current.code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return null;
}
function classifyClickHouseError(error) {
  const code = clickHouseErrorCode(error);
  if (code !== null) {
    if (ROW_CODES.has(code)) return "row";
    if (RETRYABLE_CODES.has(code)) return "retryable";
    return "fatal";
  }
  const network = networkErrorCode(error);
  if (network !== null) return RETRYABLE_NETWORK_CODES.has(network) ? "retryable" : "fatal";
  return error instanceof Error ? "retryable" : "fatal";
}
function clickHouseErrorMessage(error) {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, " ").trim().slice(0, 1e3);
}
export {
  classifyClickHouseError,
  clickHouseErrorCode,
  clickHouseErrorMessage
};
//# sourceMappingURL=clickhouse-errors.js.map
