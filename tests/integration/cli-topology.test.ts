import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOptions } from "../../config/options.ts";
import { kafkaTopicConfig, loadTopology } from "../../config/topology.ts";
import { silentLogger } from "../../observability/logger.ts";
import { KafkaAdmin } from "../../producers/kafka-admin.ts";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.ts";
import { requireKafka, uniqueName } from "../helpers/services.ts";
import { ingest, type UniqueTopology, writeUniqueTopology } from "./cli-support.ts";

// `ingest topology plan|apply` as an operator runs them, against the real Kafka: a fresh
// cluster (this run's uniquely named copy of topology.yaml, none of whose topics exist),
// then the same topics drifted both ways: topology.yaml edited, and the cluster changed
// behind its back.

requireKafka();

const dir = mkdtempSync(join(tmpdir(), "ingest-cli-topology-"));
const prefix = uniqueName("clitopo");
let admin: KafkaAdmin;
let fresh: UniqueTopology;

beforeAll(() => {
  admin = KafkaAdmin.create(createKafkaClient(kafkaClientConfig(loadOptions()), silentLogger()));
  fresh = writeUniqueTopology(join(dir, "topology.yaml"), prefix);
});

afterAll(async () => {
  if (admin) {
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics(fresh.topics.filter((topic) => existing.has(topic)));
    await admin.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

interface PlanJson {
  changes: Array<Record<string, unknown> & { kind: string; topic: string }>;
  refusals: Array<Record<string, unknown> & { topic: string; field: string; reason: string }>;
  upToDate: string[];
}

async function planJson(file: string): Promise<PlanJson> {
  const result = await ingest(["topology", "plan", "--topology", file, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as PlanJson;
}

describe("ingest topology on a fresh cluster", () => {
  it("plans every topic as a creation, and changes nothing while planning", async () => {
    const text = await ingest(["topology", "plan", "--topology", fresh.file]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `+ ${fresh.topic("events")}: create with 3 partition(s), replication factor 1`,
    );
    expect(text.stdout).toContain("Plan: 11 to create, 0 to grow, 0 to reconfigure, 0 refused.");

    const plan = await planJson(fresh.file);
    expect(plan.changes.map((c) => `${c.kind} ${c.topic}`).sort()).toEqual(
      fresh.topics.map((topic) => `create ${topic}`).sort(),
    );
    const existing = new Set(await admin.listTopics());
    expect(fresh.topics.filter((topic) => existing.has(topic))).toEqual([]);
  });

  it("refuses to apply without --yes when there is no terminal to confirm on (exit 2)", async () => {
    const result = await ingest(["topology", "apply", "--topology", fresh.file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ingest: topology apply changes the cluster: pass --yes/m);
    const existing = new Set(await admin.listTopics());
    expect(fresh.topics.filter((topic) => existing.has(topic))).toEqual([]);
  });

  it("creates every topic with its partitions and configs, after which the plan is empty", async () => {
    const applied = await ingest(["topology", "apply", "--yes", "--topology", fresh.file]);
    expect(applied.code, applied.stderr).toBe(0);
    for (const topic of fresh.topics) expect(applied.stdout).toContain(`created ${topic}\n`);
    expect(applied.stdout).toContain("topology apply: the cluster matches the topology");

    const declared = await loadTopology(fresh.file);
    const cluster = await admin.describeTopics(fresh.topics);
    for (const spec of Object.values(declared.topics)) {
      const actual = cluster.get(spec.name);
      expect(actual?.partitions, spec.name).toBe(spec.partitions);
      expect(actual?.replicationFactor, spec.name).toBe(spec.replicationFactor);
      for (const [name, value] of Object.entries(kafkaTopicConfig(spec))) {
        expect(actual?.config[name], `${spec.name} ${name}`).toBe(value);
      }
    }

    const again = await planJson(fresh.file);
    expect(again.changes).toEqual([]);
    expect(again.refusals).toEqual([]);
    expect(again.upToDate.sort()).toEqual([...fresh.topics].sort());
  });
});

describe("ingest topology on a drifted cluster", () => {
  let drifted: UniqueTopology;

  beforeAll(async () => {
    // The cluster now holds `fresh`. topology.yaml moves on: events-raw wants 5 partitions,
    // events only 2 (it has 3), events-dlq a shorter retention; and someone set segment.ms
    // on events-raw-dlq by hand.
    drifted = writeUniqueTopology(join(dir, "drifted.yaml"), prefix, (doc) => {
      const topic = (name: string) => {
        const spec = doc.topics[`${prefix}-${name}`];
        if (!spec) throw new Error(`no topic ${name}`);
        return spec;
      };
      topic("events-raw").partitions = 5;
      topic("events").partitions = 2;
      topic("events-dlq").retentionMs = 3_600_000;
    });
    const handSet = await loadTopology(fresh.file);
    const dlqSpec = handSet.topics[fresh.topic("events-raw-dlq")];
    if (!dlqSpec) throw new Error("no events-raw-dlq");
    await admin.setTopicConfig(fresh.topic("events-raw-dlq"), {
      ...kafkaTopicConfig(dlqSpec),
      "segment.ms": "3600000",
    });
  });

  it("plans the growth and the config changes, and names what it refuses and why", async () => {
    const plan = await planJson(drifted.file);
    expect(plan.changes).toEqual(
      expect.arrayContaining([
        { kind: "add-partitions", topic: drifted.topic("events-raw"), from: 3, to: 5 },
        expect.objectContaining({
          kind: "alter-config",
          topic: drifted.topic("events-dlq"),
          changes: [{ name: "retention.ms", from: "604800000", to: "3600000" }],
        }),
        expect.objectContaining({
          kind: "alter-config",
          topic: drifted.topic("events-raw-dlq"),
          changes: [{ name: "segment.ms", from: "3600000", to: null }],
        }),
      ]),
    );
    expect(plan.changes).toHaveLength(3);
    expect(plan.refusals).toEqual([
      expect.objectContaining({
        topic: drifted.topic("events"),
        field: "partitions",
        declared: 2,
        actual: 3,
      }),
    ]);

    const text = await ingest(["topology", "plan", "--topology", drifted.file]);
    expect(text.stdout).toContain(
      `! ${drifted.topic("events")}: partitions 3 on the cluster, 2 in topology.yaml; not changed: Kafka cannot remove partitions`,
    );
    expect(text.stdout).toContain("Plan: 0 to create, 1 to grow, 2 to reconfigure, 1 refused.");
  });

  it("applies what it can, never lowers partitions or deletes a topic, and exits 1 for what is left", async () => {
    const before = new Set(await admin.listTopics());
    const applied = await ingest(["topology", "apply", "--yes", "--topology", drifted.file]);
    expect(applied.code, applied.stderr).toBe(1);
    expect(applied.stdout).toContain(`grew ${drifted.topic("events-raw")} to 5 partitions`);
    expect(applied.stdout).toContain(`set 1 config(s) of ${drifted.topic("events-dlq")}`);
    expect(applied.stderr).toContain("topology apply: 1 difference(s) left that ingest does not change");

    const cluster = await admin.describeTopics(drifted.topics);
    expect(cluster.get(drifted.topic("events-raw"))?.partitions).toBe(5);
    expect(cluster.get(drifted.topic("events"))?.partitions).toBe(3);
    expect(cluster.get(drifted.topic("events-dlq"))?.config["retention.ms"]).toBe("3600000");
    const handSet = cluster.get(drifted.topic("events-raw-dlq"));
    expect(handSet?.dynamicConfigNames.has("segment.ms")).toBe(false);
    const after = new Set(await admin.listTopics());
    expect([...before].filter((topic) => !after.has(topic))).toEqual([]);

    const again = await planJson(drifted.file);
    expect(again.changes).toEqual([]);
    expect(again.refusals.map((r) => `${r.topic} ${r.field}`)).toEqual([
      `${drifted.topic("events")} partitions`,
    ]);
  });
});

describe("ingest lag", () => {
  const group = uniqueName("clilag_outside");

  beforeAll(async () => {
    const kafka = createKafkaClient(kafkaClientConfig(loadOptions()), silentLogger());
    const producer = kafka.producer();
    await producer.connect();
    const topic = fresh.topic("events");
    const messages = (partition: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ partition, value: `m${i}` }));
    await producer.send({ topic, messages: [...messages(0, 6), ...messages(1, 4)] });
    await producer.disconnect();
    // A group the topology does not know, with a commit on partition 0 only.
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: "2" }] });
    await kafkaAdmin.disconnect();
  });

  it("reports a group the topology does not know on the topics it committed on", async () => {
    const result = await ingest(["lag", "--group", group, "--topology", fresh.file, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        group,
        consumer: null,
        missingTopics: [],
        partitions: [
          { topic: fresh.topic("events"), partition: 0, committed: 2, end: 6, lag: 4 },
          { topic: fresh.topic("events"), partition: 1, committed: null, end: 4, lag: 4 },
          { topic: fresh.topic("events"), partition: 2, committed: null, end: 0, lag: 0 },
        ],
      },
    ]);
  });

  it("reports every group of the topology on its input topics, with totals", async () => {
    const result = await ingest(["lag", "--topology", fresh.file]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^GROUP +TOPIC +PARTITION +COMMITTED +END +LAG$/);
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^${fresh.group("storage")} +${fresh.topic("events")} +0 +- +6 +6$`)),
    );
    expect(lines).toContain(`${fresh.group("storage")} (consumer storage): total lag 10 over 3 partition(s)`);
    expect(lines).toContain(
      `${fresh.group("relay-intake")} (consumer relay-intake): total lag 0 over 6 partition(s)`,
    );
  });

  it("exits 1 for a group with nothing committed that the topology does not know", async () => {
    const result = await ingest(["lag", "--group", uniqueName("clilag_nobody"), "--topology", fresh.file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/has no committed offsets and is not in the topology/);
  });
});
