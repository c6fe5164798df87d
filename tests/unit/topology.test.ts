import { describe, expect, it } from "vitest";
import { kafkaTopicConfig, loadTopology, parseTopology, TopologyError } from "../../config/topology.ts";

// A small topology whose lines are numbered below, so each broken variant can say exactly
// which line and column its error must point at.
const BASE = [
  /*  1 */ "version: 1",
  /*  2 */ "topics:",
  /*  3 */ "  in:",
  /*  4 */ "    description: Input.",
  /*  5 */ "    partitions: 3",
  /*  6 */ "    replicationFactor: 1",
  /*  7 */ "    retentionMs: 86400000",
  /*  8 */ "    cleanupPolicy: delete",
  /*  9 */ "    compression: lz4",
  /* 10 */ "    maxMessageBytes: 1000000",
  /* 11 */ "    codec: relay-msgpack",
  /* 12 */ "  out:",
  /* 13 */ "    description: Output.",
  /* 14 */ "    partitions: 3",
  /* 15 */ "    replicationFactor: 1",
  /* 16 */ "    retentionMs: -1",
  /* 17 */ "    cleanupPolicy: delete",
  /* 18 */ "    compression: zstd",
  /* 19 */ "    maxMessageBytes: 1000000",
  /* 20 */ "    codec: avro",
  /* 21 */ "    schema: events-raw",
  /* 22 */ "    config:",
  /* 23 */ "      message.timestamp.type: LogAppendTime",
  /* 24 */ "      min.insync.replicas: 1",
  /* 25 */ "  in-dlq:",
  /* 26 */ "    description: Dead letters of first.",
  /* 27 */ "    partitions: 1",
  /* 28 */ "    replicationFactor: 1",
  /* 29 */ "    retentionMs: 604800000",
  /* 30 */ "    cleanupPolicy: delete",
  /* 31 */ "    compression: lz4",
  /* 32 */ "    maxMessageBytes: 1000000",
  /* 33 */ "    codec: dlq",
  /* 34 */ "consumers:",
  /* 35 */ "  first:",
  /* 36 */ "    description: Reads in, writes out.",
  /* 37 */ "    groupId: first-consumer",
  /* 38 */ "    inputs: [in]",
  /* 39 */ "    outputs: [out]",
  /* 40 */ "    dlq:",
  /* 41 */ "      in: in-dlq",
  /* 42 */ "    maxBatchSize: 100",
  /* 43 */ "    maxBatchTimeMs: 1000",
  /* 44 */ "    concurrency: 1",
];

/** BASE with lines replaced (1-based line number → new text; null removes the line). */
function variant(changes: Readonly<Record<number, string | null>>): string {
  return BASE.flatMap((line, index) => {
    const change = changes[index + 1];
    if (change === undefined) return [line];
    return change === null ? [] : [change];
  }).join("\n");
}

function topologyErrorOf(text: string): TopologyError {
  try {
    parseTopology(text, "topology.yaml");
  } catch (error) {
    if (error instanceof TopologyError) return error;
    throw error;
  }
  throw new Error("expected the topology to be rejected");
}

/** Asserts one problem at `line:column` for `path`, in the issue list and in the message. */
function expectProblem(text: string, where: string, path: string, message: string | RegExp): void {
  const error = topologyErrorOf(text);
  const [line, column] = where.split(":").map(Number);
  expect(error.issues).toContainEqual(
    expect.objectContaining({
      line,
      column,
      path,
      message:
        typeof message === "string" ? expect.stringContaining(message) : expect.stringMatching(message),
    }),
  );
  expect(error.message).toContain(`topology.yaml:${where}: ${path ? `${path}: ` : ""}`);
}

describe("topology loader", () => {
  it("accepts the project's topology.yaml with every consumer's topics defined", async () => {
    const topology = await loadTopology("topology.yaml");
    expect(Object.keys(topology.consumers).sort()).toEqual([
      "grouping",
      "normalize",
      "relay-intake",
      "storage",
    ]);
    for (const consumer of Object.values(topology.consumers)) {
      for (const topic of [...consumer.inputs, ...consumer.outputs, ...Object.values(consumer.dlq)]) {
        expect(topology.topics[topic]?.name).toBe(topic);
      }
    }
    expect(topology.consumers.storage?.groupId).toBe("storage-consumer");
    expect(topology.topics.events?.config).toEqual({ "message.timestamp.type": "LogAppendTime" });
  });

  it("returns typed entries named after their keys, with config values as strings", () => {
    const topology = parseTopology(variant({}), "topology.yaml");
    expect(topology.topics.out).toEqual({
      name: "out",
      description: "Output.",
      partitions: 3,
      replicationFactor: 1,
      retentionMs: -1,
      cleanupPolicy: "delete",
      compression: "zstd",
      maxMessageBytes: 1_000_000,
      codec: "avro",
      schema: "events-raw",
      config: { "message.timestamp.type": "LogAppendTime", "min.insync.replicas": "1" },
    });
    expect(topology.topics.in?.config).toEqual({});
    expect(topology.consumers.first).toMatchObject({
      name: "first",
      groupId: "first-consumer",
      inputs: ["in"],
      outputs: ["out"],
      dlq: { in: "in-dlq" },
      maxBatchSize: 100,
    });
  });

  it("maps first-class topic fields to Kafka config names for topic creation", () => {
    const topology = parseTopology(variant({}), "topology.yaml");
    expect(kafkaTopicConfig(topology.topics.out!)).toEqual({
      "retention.ms": "-1",
      "cleanup.policy": "delete",
      "compression.type": "zstd",
      "max.message.bytes": "1000000",
      "message.timestamp.type": "LogAppendTime",
      "min.insync.replicas": "1",
    });
  });

  it("leaves batch settings unset when a consumer omits them, for the options registry to fill", () => {
    const topology = parseTopology(variant({ 42: null, 43: null, 44: null }), "topology.yaml");
    expect(topology.consumers.first?.maxBatchSize).toBeUndefined();
    expect(topology.consumers.first?.maxBatchTimeMs).toBeUndefined();
    expect(topology.consumers.first?.concurrency).toBeUndefined();
  });

  it("rejects a wrong type at the value's line and column", () => {
    expectProblem(
      variant({ 5: "    partitions: three" }),
      "5:17",
      "topics.in.partitions",
      "expected a positive integer",
    );
  });

  it("rejects negative partitions", () => {
    expectProblem(
      variant({ 5: "    partitions: -3" }),
      "5:17",
      "topics.in.partitions",
      "expected a positive integer",
    );
  });

  it("rejects a fractional batch size", () => {
    expectProblem(
      variant({ 42: "    maxBatchSize: 1.5" }),
      "42:19",
      "consumers.first.maxBatchSize",
      "expected a positive integer",
    );
  });

  it("rejects an unknown key in a topic at the key itself", () => {
    expectProblem(
      variant({ 6: "    replicationFactr: 1" }),
      "6:5",
      "topics.in.replicationFactr",
      "unknown key",
    );
  });

  it("rejects an unknown top-level key", () => {
    expectProblem(variant({ 1: "version: 1\nclusters: {}" }), "2:1", "clusters", "unknown key");
  });

  it("rejects a missing required field, pointing at the entry that lacks it", () => {
    expectProblem(variant({ 37: null }), "36:5", "consumers.first.groupId", "required key is missing");
  });

  it("rejects an unsupported version", () => {
    expectProblem(variant({ 1: "version: 2" }), "1:10", "version", "expected version: 1");
  });

  it("rejects a codec outside the known set", () => {
    expectProblem(
      variant({ 11: "    codec: protobuf" }),
      "11:12",
      "topics.in.codec",
      "expected one of: relay-msgpack",
    );
  });

  it("rejects an input topic that is not defined", () => {
    expectProblem(
      variant({ 38: "    inputs: [nope]" }),
      "38:14",
      "consumers.first.inputs[0]",
      'unknown topic "nope"',
    );
  });

  it("rejects an output topic that is not defined", () => {
    expectProblem(
      variant({ 39: "    outputs: [out, lost]" }),
      "39:20",
      "consumers.first.outputs[1]",
      'unknown topic "lost"',
    );
  });

  it("rejects an input without a DLQ entry", () => {
    expectProblem(
      variant({ 38: "    inputs: [in, out]" }),
      "41:7",
      "consumers.first.dlq",
      'input topic "out" has no DLQ entry',
    );
  });

  it("rejects a DLQ entry whose topic is not defined", () => {
    expectProblem(
      variant({ 41: "      in: in-dead" }),
      "41:11",
      "consumers.first.dlq.in",
      'unknown DLQ topic "in-dead"',
    );
  });

  it("rejects a DLQ topic that does not carry the dlq codec", () => {
    expectProblem(variant({ 41: "      in: out" }), "41:11", "consumers.first.dlq.in", "must have codec dlq");
  });

  it("rejects two consumers sharing a group id, at the second one", () => {
    const second = [
      "  second:",
      "    description: Reads in again.",
      "    groupId: first-consumer",
      "    inputs: [in]",
      "    outputs: []",
      "    dlq: { in: in-dlq }",
      "    maxBatchSize: 10",
      "    maxBatchTimeMs: 100",
      "    concurrency: 2",
    ].join("\n");
    expectProblem(
      variant({ 44: `    concurrency: 1\n${second}` }),
      "47:14",
      "consumers.second.groupId",
      'group id "first-consumer" is already used by consumer first',
    );
  });

  it("rejects an avro topic without a schema", () => {
    expectProblem(variant({ 21: null }), "20:12", "topics.out.codec", "an avro topic needs a `schema:`");
  });

  it("rejects a topic config that repeats a first-class field", () => {
    expectProblem(
      variant({ 24: "      retention.ms: 5" }),
      "24:21",
      "topics.out.config.retention.ms",
      "set `retentionMs` instead",
    );
  });

  it("rejects a YAML syntax error with its position", () => {
    expectProblem(variant({ 38: "    inputs: [in" }), "39:5", "", /flow sequence|\]/i);
  });

  it("rejects a duplicate key as a YAML error", () => {
    expectProblem(variant({ 6: "    partitions: 4" }), "6:5", "", "Map keys must be unique");
  });

  it("reports every problem of a file at once, in line order", () => {
    const error = topologyErrorOf(
      variant({ 5: "    partitions: 0", 42: "    maxBatchSize: many", 7: "    colour: red" }),
    );
    expect(error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}`)).toEqual([
      "4:5 topics.in.retentionMs",
      "5:17 topics.in.partitions",
      "7:5 topics.in.colour",
      "42:19 consumers.first.maxBatchSize",
    ]);
  });
});
