import { ConfigResourceTypes, Kafka, logLevel, Partitioners } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import { kafkaBrokers, requireKafka, uniqueName } from "../helpers/services.ts";

// Pins what the rest of the project assumes about the broker scripts/services.sh runs:
// kafkajs 2.2.4 can create topics, produce, consume in a group and commit against Kafka 4
// (which dropped the oldest protocol versions), and topics never appear by accident.

const MESSAGE_COUNT = 10_000;
const PARTITIONS = 3;

describe("foundation: Kafka through kafkajs", () => {
  requireKafka();

  const kafka = new Kafka({
    clientId: uniqueName("foundation_kafka"),
    brokers: kafkaBrokers(),
    // Coordinator-loading retries are logged as errors while they are routine.
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const topicsToDelete: string[] = [];
  const groupsToDelete: string[] = [];

  afterAll(async () => {
    await admin.connect();
    if (groupsToDelete.length > 0) await admin.deleteGroups(groupsToDelete);
    if (topicsToDelete.length > 0) await admin.deleteTopics({ topics: topicsToDelete });
    await admin.disconnect();
  });

  it("runs a loopback-only broker that refuses to auto-create topics", async () => {
    await admin.connect();
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.map((broker) => broker.host)).toEqual(["127.0.0.1"]);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: String(cluster.brokers[0]?.nodeId),
          configNames: ["auto.create.topics.enable"],
        },
      ],
    });
    const entries = described.resources[0]?.configEntries ?? [];
    expect(entries.find((entry) => entry.configName === "auto.create.topics.enable")?.configValue).toBe(
      "false",
    );
  });

  it("delivers 10,000 messages on 3 partitions once each to a consumer group whose commits reach the end offsets", async () => {
    const topic = uniqueName("foundation_kafka");
    const groupId = uniqueName("foundation_group");
    await admin.connect();
    expect(
      await admin.createTopics({
        topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
        waitForLeaders: true,
      }),
    ).toBe(true);
    topicsToDelete.push(topic);

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let start = 0; start < MESSAGE_COUNT; start += 1_000) {
      const messages = Array.from({ length: 1_000 }, (_, index) => ({
        key: `key-${start + index}`,
        value: JSON.stringify({ n: start + index }),
      }));
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();

    const endOffsets = await admin.fetchTopicOffsets(topic);
    expect(endOffsets).toHaveLength(PARTITIONS);
    // Every partition got some of the keys, so the group really spreads over three.
    for (const partition of endOffsets) expect(Number(partition.high)).toBeGreaterThan(0);
    expect(endOffsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(MESSAGE_COUNT);

    const seen = new Set<number>();
    let duplicates = 0;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    groupsToDelete.push(groupId);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const allSeen = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat }) => {
          for (const message of batch.messages) {
            const { n } = JSON.parse(message.value?.toString() ?? "null") as { n: number };
            if (seen.has(n)) duplicates += 1;
            seen.add(n);
          }
          await consumer.commitOffsets([
            { topic, partition: batch.partition, offset: String(BigInt(batch.lastOffset()) + 1n) },
          ]);
          await heartbeat();
          if (seen.size >= MESSAGE_COUNT) resolve();
        },
      });
    });
    await allSeen;
    await consumer.disconnect();

    expect(seen.size).toBe(MESSAGE_COUNT);
    expect(duplicates).toBe(0);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committedByPartition = Object.fromEntries(
      (committed?.partitions ?? []).map((partition) => [partition.partition, partition.offset]),
    );
    const endByPartition = Object.fromEntries(
      endOffsets.map((partition) => [partition.partition, partition.high]),
    );
    expect(committedByPartition).toEqual(endByPartition);
  });
});
