import { describe, expect, it } from "vitest";
import { formatPlan, planTopology } from "../../../cli/commands/topology-plan.ts";
import { kafkaTopicConfig, parseTopology, type Topology } from "../../../config/topology.ts";
import type { ClusterTopic } from "../../../producers/kafka-admin.ts";

const TOPOLOGY: Topology = parseTopology(
  `
version: 1
topics:
  in:
    description: Input.
    partitions: 3
    replicationFactor: 1
    retentionMs: 86400000
    cleanupPolicy: compact,delete
    compression: lz4
    maxMessageBytes: 1000000
    codec: relay-msgpack
  in-dlq:
    description: Dead letters.
    partitions: 1
    replicationFactor: 1
    retentionMs: 604800000
    cleanupPolicy: delete
    compression: lz4
    maxMessageBytes: 1000000
    codec: dlq
    config:
      message.timestamp.type: LogAppendTime
consumers:
  first:
    description: Reads in.
    groupId: first-group
    inputs: [in]
    outputs: []
    dlq:
      in: in-dlq
`,
  "test-topology.yaml",
);

/** The cluster's copy of a declared topic, exactly as created from the topology. */
function asCreated(name: string, change: Partial<ClusterTopic> = {}): ClusterTopic {
  const spec = TOPOLOGY.topics[name];
  if (spec === undefined) throw new Error(`no topic ${name}`);
  const config = kafkaTopicConfig(spec);
  return {
    name,
    partitions: spec.partitions,
    replicationFactor: spec.replicationFactor,
    // The broker reports every config, its defaults included.
    config: { "segment.ms": "604800000", "min.insync.replicas": "1", ...config },
    dynamicConfigNames: new Set(Object.keys(config)),
    ...change,
  };
}

function cluster(...topics: ClusterTopic[]): Map<string, ClusterTopic> {
  return new Map(topics.map((topic) => [topic.name, topic]));
}

describe("topology plan", () => {
  it("creates every declared topic on an empty cluster with its partitions, replication and configs", () => {
    const plan = planTopology(TOPOLOGY, new Map());
    expect(plan.refusals).toEqual([]);
    expect(plan.upToDate).toEqual([]);
    expect(plan.changes).toEqual([
      {
        kind: "create",
        topic: "in",
        partitions: 3,
        replicationFactor: 1,
        config: {
          "retention.ms": "86400000",
          "cleanup.policy": "compact,delete",
          "compression.type": "lz4",
          "max.message.bytes": "1000000",
        },
      },
      {
        kind: "create",
        topic: "in-dlq",
        partitions: 1,
        replicationFactor: 1,
        config: {
          "retention.ms": "604800000",
          "cleanup.policy": "delete",
          "compression.type": "lz4",
          "max.message.bytes": "1000000",
          "message.timestamp.type": "LogAppendTime",
        },
      },
    ]);
  });

  it("has nothing to do when the cluster matches, broker defaults and list order aside", () => {
    const plan = planTopology(
      TOPOLOGY,
      cluster(
        asCreated("in", {
          config: { ...asCreated("in").config, "cleanup.policy": "delete,compact" },
        }),
        asCreated("in-dlq"),
      ),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.refusals).toEqual([]);
    expect(plan.upToDate).toEqual(["in", "in-dlq"]);
  });

  it("grows a topic that has fewer partitions than declared", () => {
    const plan = planTopology(TOPOLOGY, cluster(asCreated("in", { partitions: 2 }), asCreated("in-dlq")));
    expect(plan.changes).toEqual([{ kind: "add-partitions", topic: "in", from: 2, to: 3 }]);
    expect(plan.upToDate).toEqual(["in-dlq"]);
  });

  it("refuses to lower partitions and says why", () => {
    const plan = planTopology(TOPOLOGY, cluster(asCreated("in", { partitions: 6 }), asCreated("in-dlq")));
    expect(plan.changes).toEqual([]);
    expect(plan.refusals).toEqual([
      expect.objectContaining({ topic: "in", field: "partitions", declared: 3, actual: 6 }),
    ]);
    expect(plan.refusals[0]?.reason).toMatch(/Kafka cannot remove partitions/);
    const lines = formatPlan(plan);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}! in: partitions 6 on the cluster, 3 in topology\.yaml; not changed: Kafka cannot remove partitions/,
      ),
    );
    expect(lines.at(-1)).toBe("Plan: 0 to create, 0 to grow, 0 to reconfigure, 1 refused.");
  });

  it("refuses to change the replication factor", () => {
    const plan = planTopology(
      TOPOLOGY,
      cluster(asCreated("in", { replicationFactor: 3 }), asCreated("in-dlq")),
    );
    expect(plan.refusals).toEqual([
      expect.objectContaining({ topic: "in", field: "replicationFactor", declared: 1, actual: 3 }),
    ]);
    expect(plan.refusals[0]?.reason).toMatch(/reassignment/);
  });

  it("alters a drifted config, passing the whole declared set because AlterConfigs replaces it", () => {
    const drifted = asCreated("in-dlq", {
      config: { ...asCreated("in-dlq").config, "retention.ms": "1000" },
    });
    const plan = planTopology(TOPOLOGY, cluster(asCreated("in"), drifted));
    expect(plan.changes).toEqual([
      {
        kind: "alter-config",
        topic: "in-dlq",
        changes: [{ name: "retention.ms", from: "1000", to: "604800000" }],
        config: kafkaTopicConfig(TOPOLOGY.topics["in-dlq"]!),
      },
    ]);
    expect(formatPlan(plan)).toContain("  ~ in-dlq: config retention.ms 1000 -> 604800000");
  });

  it("shows that a config set on the cluster but not declared goes back to the broker default", () => {
    const extra = asCreated("in", {
      config: { ...asCreated("in").config, "segment.ms": "3600000" },
      dynamicConfigNames: new Set([...asCreated("in").dynamicConfigNames, "segment.ms"]),
    });
    const plan = planTopology(TOPOLOGY, cluster(extra, asCreated("in-dlq")));
    expect(plan.changes).toEqual([
      expect.objectContaining({
        kind: "alter-config",
        topic: "in",
        changes: [{ name: "segment.ms", from: "3600000", to: null }],
      }),
    ]);
    expect(formatPlan(plan)[0]).toMatch(/in: config segment\.ms 3600000 -> \(broker default/);
  });

  it("grows and reconfigures one topic and creates a missing one in the same plan", () => {
    const plan = planTopology(
      TOPOLOGY,
      cluster(
        asCreated("in", {
          partitions: 1,
          config: { ...asCreated("in").config, "compression.type": "producer" },
        }),
      ),
    );
    expect(plan.changes.map((c) => `${c.kind}:${c.topic}`)).toEqual([
      "add-partitions:in",
      "alter-config:in",
      "create:in-dlq",
    ]);
    expect(plan.refusals).toEqual([]);
  });
});
