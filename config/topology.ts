import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigFileError, type ConfigIssue, parseYamlWithSchema } from "./yaml-errors.ts";

// topology.yaml is the single source of truth for topics and consumer groups. Beyond the
// shape of each entry, the loader checks what only the whole file can tell: every topic a
// consumer names exists, every input has a dead-letter topic, no two consumers share a
// group. Each problem names its YAML line and column so an operator can jump to it.

export const TOPIC_CODECS = ["relay-msgpack", "avro", "eventstream-json", "json", "dlq"] as const;
export const CLEANUP_POLICIES = ["delete", "compact", "compact,delete"] as const;
/** Kafka's `compression.type` values for a topic. */
export const TOPIC_COMPRESSIONS = ["producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"] as const;

const POSITIVE_INTEGER = "expected a positive integer";

function positiveInteger() {
  return z.int({ error: POSITIVE_INTEGER }).min(1, { error: POSITIVE_INTEGER });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of: ${values.join(", ")}` });
}

// Kafka's own rule for topic names; mixing '.' and '_' is legal there but collides in metrics.
const topicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, { error: "expected a Kafka topic name: 1-249 of [a-zA-Z0-9._-]" });
const consumerName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, { error: "expected a consumer name: lowercase letters, digits and -" });
const description = z.string({ error: "expected a text" }).min(1, { error: "expected a non-empty text" });

// Fields that have their own key in a topic entry; repeating them under `config` would
// leave two answers to one question.
const FIRST_CLASS_CONFIG: Readonly<Record<string, string>> = {
  "retention.ms": "retentionMs",
  "cleanup.policy": "cleanupPolicy",
  "compression.type": "compression",
  "max.message.bytes": "maxMessageBytes",
};

const topicSpecSchema = z.strictObject({
  description,
  partitions: positiveInteger(),
  replicationFactor: positiveInteger(),
  /** -1 keeps messages forever, as in Kafka. */
  retentionMs: z
    .int({ error: "expected -1 or a positive integer" })
    .refine((value) => value === -1 || value > 0, { error: "expected -1 or a positive integer" }),
  cleanupPolicy: oneOf(CLEANUP_POLICIES),
  compression: oneOf(TOPIC_COMPRESSIONS),
  maxMessageBytes: positiveInteger(),
  codec: oneOf(TOPIC_CODECS),
  /** Schema family of an avro topic (`schemas/avro/<schema>.vN.avsc`). */
  schema: z.string().min(1).optional(),
  /** Further Kafka topic configs, passed through as strings. */
  config: z
    .record(
      z.string(),
      z.union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or boolean" }),
    )
    .transform((entries) =>
      Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, String(value)])),
    )
    .optional(),
});

const consumerSpecSchema = z.strictObject({
  description,
  groupId: z.string({ error: "expected a group id" }).min(1, { error: "expected a non-empty group id" }),
  inputs: z.array(topicName, { error: "expected a list of topic names" }).min(1, {
    error: "a consumer needs at least one input topic",
  }),
  outputs: z.array(topicName, { error: "expected a list of topic names" }),
  /** Input topic → its dead-letter topic. */
  dlq: z.record(topicName, topicName, { error: "expected a mapping of input topic to DLQ topic" }),
  // Optional: when left out, the options registry's maxBatchSize / maxBatchTimeMs /
  // concurrency apply (flags override either).
  maxBatchSize: positiveInteger().optional(),
  maxBatchTimeMs: positiveInteger().optional(),
  concurrency: positiveInteger().optional(),
});

type Path = (string | number)[];
type Problem = { path: Path; message: string };

function topicProblems(name: string, topic: z.output<typeof topicSpecSchema>): Problem[] {
  const problems: Problem[] = [];
  const at = (...rest: Path): Path => ["topics", name, ...rest];
  if (topic.codec === "avro" && topic.schema === undefined) {
    problems.push({ path: at("codec"), message: "an avro topic needs a `schema:` naming its schema family" });
  }
  if (topic.codec !== "avro" && topic.schema !== undefined) {
    problems.push({
      path: at("schema"),
      message: `only avro topics name a schema (codec is ${topic.codec})`,
    });
  }
  for (const key of Object.keys(topic.config ?? {})) {
    const field = FIRST_CLASS_CONFIG[key];
    if (field !== undefined) {
      problems.push({ path: at("config", key), message: `set \`${field}\` instead of config ${key}` });
    }
  }
  return problems;
}

function consumerProblems(
  name: string,
  consumer: z.output<typeof consumerSpecSchema>,
  topics: Readonly<Record<string, z.output<typeof topicSpecSchema>>>,
): Problem[] {
  const problems: Problem[] = [];
  const at = (...rest: Path): Path => ["consumers", name, ...rest];
  const exists = (topic: string) => Object.hasOwn(topics, topic);
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

const topologySchema = z
  .strictObject({
    version: z.literal(1, { error: "expected version: 1" }),
    topics: z.record(topicName, topicSpecSchema),
    consumers: z.record(consumerName, consumerSpecSchema),
  })
  // Cross-references run only once every entry has the right shape (zod skips refinements
  // of an object whose fields failed), so they can trust the types.
  .superRefine((file, ctx) => {
    const problems: Problem[] = [];
    for (const [name, topic] of Object.entries(file.topics)) problems.push(...topicProblems(name, topic));
    const groupOwners = new Map<string, string>();
    for (const [name, consumer] of Object.entries(file.consumers)) {
      problems.push(...consumerProblems(name, consumer, file.topics));
      const owner = groupOwners.get(consumer.groupId);
      if (owner !== undefined) {
        problems.push({
          path: ["consumers", name, "groupId"],
          message: `group id "${consumer.groupId}" is already used by consumer ${owner}`,
        });
      } else groupOwners.set(consumer.groupId, name);
    }
    for (const problem of problems)
      ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  });

type TopicSpecFields = z.output<typeof topicSpecSchema>;
type ConsumerSpecFields = z.output<typeof consumerSpecSchema>;

export interface TopicSpec extends Readonly<Omit<TopicSpecFields, "config">> {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
}

export interface ConsumerSpec extends Readonly<Omit<ConsumerSpecFields, "inputs" | "outputs" | "dlq">> {
  readonly name: string;
  readonly inputs: ReadonlyArray<string>;
  readonly outputs: ReadonlyArray<string>;
  readonly dlq: Readonly<Record<string, string>>;
}

export interface Topology {
  readonly version: 1;
  readonly topics: Readonly<Record<string, TopicSpec>>;
  readonly consumers: Readonly<Record<string, ConsumerSpec>>;
}

/** topology.yaml did not load; `issues` has every problem with its line and column. */
export class TopologyError extends ConfigFileError {
  constructor(file: string, issues: ReadonlyArray<ConfigIssue>) {
    super(file, issues);
    this.name = "TopologyError";
  }
}

/** Parses and validates topology text; `fileName` only labels the messages. */
export function parseTopology(text: string, fileName: string): Topology {
  let parsed: z.output<typeof topologySchema>;
  try {
    parsed = parseYamlWithSchema(text, fileName, topologySchema);
  } catch (error) {
    if (error instanceof ConfigFileError) throw new TopologyError(error.file, error.issues);
    throw error;
  }
  const topics: Record<string, TopicSpec> = {};
  for (const [name, topic] of Object.entries(parsed.topics)) {
    topics[name] = { ...topic, name, config: topic.config ?? {} };
  }
  const consumers: Record<string, ConsumerSpec> = {};
  for (const [name, consumer] of Object.entries(parsed.consumers)) consumers[name] = { ...consumer, name };
  return { version: parsed.version, topics, consumers };
}

/** Reads and validates a topology file; errors are labelled with `path` as given. */
export async function loadTopology(path: string): Promise<Topology> {
  return parseTopology(await readFile(path, "utf8"), path);
}

/**
 * The Kafka configs a topic is created or altered with: the first-class fields under
 * their Kafka names, then `config` (which may not repeat them).
 */
export function kafkaTopicConfig(topic: TopicSpec): Record<string, string> {
  return {
    "retention.ms": String(topic.retentionMs),
    "cleanup.policy": topic.cleanupPolicy,
    "compression.type": topic.compression,
    "max.message.bytes": String(topic.maxMessageBytes),
    ...topic.config,
  };
}
