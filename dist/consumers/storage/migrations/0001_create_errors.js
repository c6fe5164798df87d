// consumers/storage/migrations/0001_create_errors.ts
var hashMap = (nested) => String.raw`arrayMap((k, v) -> cityHash64(concat(replaceRegexpAll(k, '(\\=|\\\\)', '\\\\\\1'), '=', v)), ` + `\`${nested}.key\`, \`${nested}.value\`)`;
var COLUMNS = [
  { name: "project_id", type: "UInt64" },
  { name: "timestamp", type: "DateTime" },
  { name: "event_id", type: "UUID", codec: "NONE" },
  { name: "platform", type: "String", lowCardinality: true },
  { name: "environment", type: "Nullable(String)", lowCardinality: true },
  { name: "release", type: "Nullable(String)", lowCardinality: true },
  { name: "dist", type: "Nullable(String)", lowCardinality: true },
  { name: "ip_address_v4", type: "Nullable(UInt32)" },
  { name: "ip_address_v6", type: "Nullable(String)" },
  { name: "user", type: "String", expression: "DEFAULT ''" },
  { name: "user_hash", type: "UInt64", expression: "MATERIALIZED cityHash64(user)" },
  { name: "user_id", type: "Nullable(String)" },
  { name: "user_name", type: "Nullable(String)" },
  { name: "user_email", type: "Nullable(String)" },
  { name: "sdk_name", type: "Nullable(String)", lowCardinality: true },
  { name: "sdk_version", type: "Nullable(String)", lowCardinality: true },
  { name: "http_method", type: "Nullable(String)", lowCardinality: true },
  { name: "http_referer", type: "Nullable(String)" },
  { name: "tags.key", type: "Array(String)" },
  { name: "tags.value", type: "Array(String)" },
  { name: "_tags_hash_map", type: "Array(UInt64)", expression: `MATERIALIZED ${hashMap("tags")}` },
  { name: "flags.key", type: "Array(String)" },
  { name: "flags.value", type: "Array(String)" },
  { name: "_flags_hash_map", type: "Array(UInt64)", expression: `MATERIALIZED ${hashMap("flags")}` },
  { name: "contexts", type: "Nested(key String, value String)" },
  { name: "transaction_name", type: "String", lowCardinality: true, expression: "DEFAULT ''" },
  { name: "transaction_hash", type: "UInt64", expression: "MATERIALIZED cityHash64(transaction_name)" },
  { name: "span_id", type: "Nullable(UInt64)" },
  { name: "trace_id", type: "Nullable(UUID)" },
  { name: "partition", type: "UInt16" },
  { name: "offset", type: "UInt64", codec: "DoubleDelta, LZ4" },
  { name: "message_timestamp", type: "DateTime" },
  { name: "retention_days", type: "UInt16" },
  { name: "deleted", type: "UInt8" },
  { name: "group_id", type: "UInt64" },
  { name: "primary_hash", type: "UUID" },
  { name: "received", type: "DateTime" },
  { name: "message", type: "String" },
  { name: "title", type: "String" },
  { name: "culprit", type: "String" },
  { name: "level", type: "Nullable(String)", lowCardinality: true },
  { name: "location", type: "Nullable(String)" },
  { name: "version", type: "Nullable(String)", lowCardinality: true },
  { name: "type", type: "String", lowCardinality: true },
  {
    name: "exception_stacks",
    type: "Nested(type Nullable(String), value Nullable(String), mechanism_type Nullable(String), mechanism_handled Nullable(UInt8))"
  },
  {
    name: "exception_frames",
    type: "Nested(abs_path Nullable(String), colno Nullable(UInt32), filename Nullable(String), function Nullable(String), lineno Nullable(UInt32), in_app Nullable(UInt8), package Nullable(String), module Nullable(String), stack_level Nullable(UInt16))"
  },
  { name: "sdk_integrations", type: "Array(String)" },
  { name: "modules", type: "Nested(name String, version String)" },
  { name: "exception_main_thread", type: "Nullable(UInt8)" },
  { name: "trace_sampled", type: "Nullable(UInt8)" },
  { name: "num_processing_errors", type: "Nullable(UInt64)" },
  { name: "replay_id", type: "Nullable(UUID)" },
  { name: "symbolicated_in_app", type: "Nullable(UInt8)" },
  { name: "timestamp_ms", type: "Nullable(UInt64)" },
  { name: "sample_weight", type: "Nullable(Float64)" },
  { name: "group_first_seen", type: "Nullable(DateTime)" }
];
var SKIP_INDEXES = [
  "INDEX bf_tags_hash_map _tags_hash_map TYPE bloom_filter GRANULARITY 1",
  "INDEX minmax_group_id group_id TYPE minmax GRANULARITY 1",
  "INDEX bf_release release TYPE bloom_filter GRANULARITY 1",
  "INDEX bf_flags_hash_map _flags_hash_map TYPE bloom_filter GRANULARITY 1"
];
function columnDefinition(column, context) {
  const { capabilities } = context;
  const type = column.lowCardinality && capabilities.lowCardinality ? `LowCardinality(${column.type})` : column.type;
  const parts = [`\`${column.name}\``, type];
  if (column.expression) parts.push(column.expression);
  if (column.codec && capabilities.codecs) parts.push(`CODEC(${column.codec})`);
  return parts.join(" ");
}
function createErrorsTable(context) {
  const { capabilities } = context;
  const definitions = COLUMNS.map((column) => columnDefinition(column, context));
  if (capabilities.skipIndexes) definitions.push(...SKIP_INDEXES);
  const settings = ["index_granularity = 8192"];
  if (capabilities.ttl) settings.push("ttl_only_drop_parts = 1");
  return [
    `CREATE TABLE IF NOT EXISTS \`${context.database}\`.\`errors\``,
    `(
    ${definitions.join(",\n    ")}
)`,
    "ENGINE = ReplacingMergeTree(deleted)",
    "PARTITION BY (retention_days, toMonday(timestamp))",
    // 18.16 accepts cityHash64(UUID) in CREATE but fails every INSERT; the text form works on both.
    "ORDER BY (project_id, toStartOfDay(timestamp), primary_hash, cityHash64(toString(event_id)))",
    "SAMPLE BY cityHash64(toString(event_id))",
    ...capabilities.ttl ? ["TTL timestamp + toIntervalDay(retention_days)"] : [],
    `SETTINGS ${settings.join(", ")}`
  ].join("\n");
}
var ERRORS_INSERT_COLUMNS = COLUMNS.filter(
  (column) => !column.expression?.startsWith("MATERIALIZED")
).map((column) => column.name);
var createErrors = {
  version: 1,
  name: "create_errors",
  statements: (context) => [createErrorsTable(context)]
};
export {
  ERRORS_INSERT_COLUMNS,
  createErrors,
  createErrorsTable
};
//# sourceMappingURL=0001_create_errors.js.map
