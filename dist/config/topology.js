// config/topology.ts
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigFileError, parseYamlWithSchema } from "./yaml-errors.js";
var TOPIC_CODECS = ["relay-msgpack", "avro", "eventstream-json", "json", "dlq"];
var CLEANUP_POLICIES = ["delete", "compact", "compact,delete"];
var TOPIC_COMPRESSIONS = ["producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"];
var POSITIVE_INTEGER = "expected a positive integer";
function positiveInteger() {
  return z.int({ error: POSITIVE_INTEGER }).min(1, { error: POSITIVE_INTEGER });
}
function oneOf(values) {
  return z.enum(values, { error: `expected one of: ${values.join(", ")}` });
}
var topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, { error: "expected a Kafka topic name: 1-249 of [a-zA-Z0-9._-]" });
var consumerName = z.string().regex(/^[a-z][a-z0-9-]*$/, { error: "expected a consumer name: lowercase letters, digits and -" });
var description = z.string({ error: "expected a text" }).min(1, { error: "expected a non-empty text" });
var FIRST_CLASS_CONFIG = {
  "retention.ms": "retentionMs",
  "cleanup.policy": "cleanupPolicy",
  "compression.type": "compression",
  "max.message.bytes": "maxMessageBytes"
};
var topicSpecSchema = z.strictObject({
  description,
  partitions: positiveInteger(),
  replicationFactor: positiveInteger(),
  /** -1 keeps messages forever, as in Kafka. */
  retentionMs: z.int({ error: "expected -1 or a positive integer" }).refine((value) => value === -1 || value > 0, { error: "expected -1 or a positive integer" }),
  cleanupPolicy: oneOf(CLEANUP_POLICIES),
  compression: oneOf(TOPIC_COMPRESSIONS),
  maxMessageBytes: positiveInteger(),
  codec: oneOf(TOPIC_CODECS),
  /** Schema family of an avro topic (`schemas/avro/<schema>.vN.avsc`). */
  schema: z.string().min(1).optional(),
  /** Further Kafka topic configs, passed through as strings. */
  config: z.record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or boolean" })
  ).transform(
    (entries) => Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, String(value)]))
  ).optional()
});
var consumerSpecSchema = z.strictObject({
  description,
  groupId: z.string({ error: "expected a group id" }).min(1, { error: "expected a non-empty group id" }),
  inputs: z.array(topicName, { error: "expected a list of topic names" }).min(1, {
    error: "a consumer needs at least one input topic"
  }),
  outputs: z.array(topicName, { error: "expected a list of topic names" }),
  /** Input topic → its dead-letter topic. */
  dlq: z.record(topicName, topicName, { error: "expected a mapping of input topic to DLQ topic" }),
  // Optional: when left out, the options registry's maxBatchSize / maxBatchTimeMs /
  // concurrency apply (flags override either).
  maxBatchSize: positiveInteger().optional(),
  maxBatchTimeMs: positiveInteger().optional(),
  concurrency: positiveInteger().optional()
});
function topicProblems(name, topic) {
  const problems = [];
  const at = (...rest) => ["topics", name, ...rest];
  if (topic.codec === "avro" && topic.schema === void 0) {
    problems.push({ path: at("codec"), message: "an avro topic needs a `schema:` naming its schema family" });
  }
  if (topic.codec !== "avro" && topic.schema !== void 0) {
    problems.push({
      path: at("schema"),
      message: `only avro topics name a schema (codec is ${topic.codec})`
    });
  }
  for (const key of Object.keys(topic.config ?? {})) {
    const field = FIRST_CLASS_CONFIG[key];
    if (field !== void 0) {
      problems.push({ path: at("config", key), message: `set \`${field}\` instead of config ${key}` });
    }
  }
  return problems;
}
function consumerProblems(name, consumer, topics) {
  const problems = [];
  const at = (...rest) => ["consumers", name, ...rest];
  const exists = (topic) => Object.hasOwn(topics, topic);
  consumer.inputs.forEach((topic, index) => {
    if (!exists(topic)) problems.push({ path: at("inputs", index), message: `unknown topic "${topic}"` });
    if (!Object.hasOwn(consumer.dlq, topic)) {
      problems.push({ path: at("dlq"), message: `input topic "${topic}" has no DLQ entry` });
    }
  });
  consumer.outputs.forEach((topic, index) => {
    if (!exists(topic)) problems.push({ path: at("outputs", index), message: `unknown topic "${topic}"` });
  });
  for (const [input, target] of Object.entries(consumer.dlq)) {
    if (!consumer.inputs.includes(input)) {
      problems.push({ path: at("dlq", input), message: `"${input}" is not an input of this consumer` });
    } else if (!exists(target)) {
      problems.push({ path: at("dlq", input), message: `unknown DLQ topic "${target}"` });
    } else if (topics[target]?.codec !== "dlq") {
      problems.push({ path: at("dlq", input), message: `DLQ topic "${target}" must have codec dlq` });
    }
  }
  return problems;
}
var topologySchema = z.strictObject({
  version: z.literal(1, { error: "expected version: 1" }),
  topics: z.record(topicName, topicSpecSchema),
  consumers: z.record(consumerName, consumerSpecSchema)
}).superRefine((file, ctx) => {
  const problems = [];
  for (const [name, topic] of Object.entries(file.topics)) problems.push(...topicProblems(name, topic));
  const groupOwners = /* @__PURE__ */ new Map();
  for (const [name, consumer] of Object.entries(file.consumers)) {
    problems.push(...consumerProblems(name, consumer, file.topics));
    const owner = groupOwners.get(consumer.groupId);
    if (owner !== void 0) {
      problems.push({
        path: ["consumers", name, "groupId"],
        message: `group id "${consumer.groupId}" is already used by consumer ${owner}`
      });
    } else groupOwners.set(consumer.groupId, name);
  }
  for (const problem of problems)
    ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
});
var TopologyError = class extends ConfigFileError {
  constructor(file, issues) {
    super(file, issues);
    this.name = "TopologyError";
  }
};
function parseTopology(text, fileName) {
  let parsed;
  try {
    parsed = parseYamlWithSchema(text, fileName, topologySchema);
  } catch (error) {
    if (error instanceof ConfigFileError) throw new TopologyError(error.file, error.issues);
    throw error;
  }
  const topics = {};
  for (const [name, topic] of Object.entries(parsed.topics)) {
    topics[name] = { ...topic, name, config: topic.config ?? {} };
  }
  const consumers = {};
  for (const [name, consumer] of Object.entries(parsed.consumers)) consumers[name] = { ...consumer, name };
  return { version: parsed.version, topics, consumers };
}
async function loadTopology(path) {
  return parseTopology(await readFile(path, "utf8"), path);
}
function kafkaTopicConfig(topic) {
  return {
    "retention.ms": String(topic.retentionMs),
    "cleanup.policy": topic.cleanupPolicy,
    "compression.type": topic.compression,
    "max.message.bytes": String(topic.maxMessageBytes),
    ...topic.config
  };
}
export {
  CLEANUP_POLICIES,
  TOPIC_CODECS,
  TOPIC_COMPRESSIONS,
  TopologyError,
  kafkaTopicConfig,
  loadTopology,
  parseTopology
};
//# sourceMappingURL=topology.js.map
