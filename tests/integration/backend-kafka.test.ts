import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  KafkaConsumer,
  type KafkaConsumerConfig,
  kafkaConsumerConfig,
} from "../../consumers/kafka-consumer.ts";
import { silentLogger } from "../../observability/logger.ts";
import { OffsetOutOfRange } from "../../pipelines/errors.ts";
import { type KafkaPayload, Partition } from "../../pipelines/types.ts";
import { kafkaClientConfig } from "../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import {
  KafkaTestTopics,
  kafkaOptions,
  offsetsByKey,
  pollRecords,
  pollUntil,
  probeKafka,
  uniqueName,
} from "./support/kafka.ts";

// What only the Kafka backend has to get right: strict offset reset, heartbeats while
// paused, the bounded fetch buffer, the at-least-once fallback when revocation cannot wait,
// and the producer's idempotence, keyed partitioning and ordering.

const logger = silentLogger();
let topics: KafkaTestTopics;
let factory: KafkaProducerFactory;
const open: KafkaConsumer[] = [];

function consumer(
  group: string,
  overrides: Partial<Parameters<typeof kafkaConsumerConfig>[0]> = {},
): KafkaConsumer {
  const config: KafkaConsumerConfig = kafkaConsumerConfig(
    { ...kafkaOptions, kafkaSessionTimeoutMs: 10_000, kafkaFetchMaxWaitMs: 100, ...overrides },
    group,
  );
  const c = new KafkaConsumer(config, { client: kafkaClientConfig(kafkaOptions), logger });
  open.push(c);
  return c;
}

const payload = (value: string, key: string | null = null): KafkaPayload => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  headers: [],
});

async function produce(topic: string, count: number, size = 16): Promise<void> {
  const producer = factory("kafka-backend-test");
  await Promise.all(
    Array.from({ length: count }, (_, i) => producer.produce(topic, payload(`${i}`.padEnd(size, "."), null))),
  );
}

/**
 * Incompressible records in record batches of at most 64 KiB, so bytes on the wire are bytes
 * in memory and no single batch is bigger than a fetch (Kafka always returns a whole first
 * batch, KIP-74).
 */
async function produceRandom(topic: string, count: number, size: number): Promise<void> {
  const small = createKafkaProducerFactory(
    { ...kafkaOptions, kafkaProducerLingerMs: 0, kafkaProducerMaxBatchBytes: 64 * 1024 },
    { logger },
  );
  try {
    const producer = small("kafka-backend-test");
    await Promise.all(
      Array.from({ length: count }, () =>
        producer.produce(topic, { key: null, value: randomBytes(size), headers: [] }),
      ),
    );
  } finally {
    await small.close();
  }
}

beforeAll(async () => {
  await probeKafka();
  topics = new KafkaTestTopics();
  factory = createKafkaProducerFactory({ ...kafkaOptions, kafkaProducerLingerMs: 0 }, { logger });
});

afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

afterAll(async () => {
  await factory?.close();
  await topics?.cleanup();
});

describe("Kafka consumer: offset reset", () => {
  it("fails a group without commits when auto offset reset is error", async () => {
    const topic = await topics.create("reset-error", 1);
    const c = consumer(uniqueName("g"), { autoOffsetReset: "error" });
    c.subscribe([topic]);
    await expect(pollRecords(c, 1, 20_000)).rejects.toBeInstanceOf(OffsetOutOfRange);
  });

  it("fails in strict mode, and resets when lenient, when the committed offset is past the end", async () => {
    const topic = await topics.create("reset-strict", 1);
    await produce(topic, 5);
    const group = uniqueName("g");
    const p = Partition.of(topic, 0);
    const writer = consumer(group);
    writer.subscribe([topic]);
    await pollRecords(writer, 1, 20_000);
    writer.stageOffsets(new Map([[p, 1000]]));
    expect(offsetsByKey(await writer.commitOffsets())).toEqual({ [p.key]: 1000 });
    await writer.close();

    const strict = consumer(group, { strictOffsetReset: true });
    strict.subscribe([topic]);
    await expect(pollRecords(strict, 1, 20_000)).rejects.toThrow(/outside the retained range/);
    await strict.close();

    const lenient = consumer(group, { strictOffsetReset: false, autoOffsetReset: "earliest" });
    lenient.subscribe([topic]);
    expect((await pollRecords(lenient, 5, 20_000)).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it("fails the poll after a seek beyond the end, and allows a seek to the end itself", async () => {
    const topic = await topics.create("seek-range", 1);
    await produce(topic, 3);
    const p = Partition.of(topic, 0);
    const c = consumer(uniqueName("g"));
    c.subscribe([topic]);
    await pollRecords(c, 1, 20_000);
    c.seek(new Map([[p, 3]]));
    expect(await pollRecords(c, 1, 1000)).toEqual([]);
    await produce(topic, 1);
    expect((await pollRecords(c, 1, 10_000)).map((r) => r.offset)).toEqual([3]);
    c.seek(new Map([[p, 50]]));
    await expect(c.poll(1000)).rejects.toBeInstanceOf(OffsetOutOfRange);
  });
});

describe("Kafka consumer: membership and memory", () => {
  it("keeps its membership while paused for longer than the session timeout", async () => {
    const topic = await topics.create("paused-heartbeat", 2);
    await produce(topic, 10);
    const group = uniqueName("g");
    const c = consumer(group, { kafkaSessionTimeoutMs: 6000 });
    const events: string[] = [];
    c.subscribe([topic], {
      onAssign: () => {
        events.push("assign");
      },
      onRevoke: () => {
        events.push("revoke");
      },
    });
    const first = await pollRecords(c, 2, 20_000);
    expect(first).toHaveLength(2);
    const member = c.memberId;
    c.pause(c.tell().keys());
    // Poll the way the processor does while paused (specs/arroyo.md §3.2 (c)).
    const pausedUntil = Date.now() + 9000;
    while (Date.now() < pausedUntil) expect(await c.poll(100)).toBeNull();
    expect(events).toEqual(["assign"]);
    expect(c.memberId).toBe(member);
    const state = await topics.admin.describeGroup(group);
    expect(state.state).toBe("Stable");
    expect(state.members.map((m) => m.memberId)).toEqual([member]);
    c.resume(c.tell().keys());
    expect(await pollRecords(c, 8, 10_000)).toHaveLength(8);
  });

  it("holds at most its buffer limit plus one fetch while nobody polls, and loses nothing", async () => {
    const topic = await topics.create("bounded-buffer", 1);
    const count = 1500;
    await produceRandom(topic, count, 2048);
    const bufferBytes = 256 * 1024;
    const c = consumer(uniqueName("g"), { kafkaConsumerBufferBytes: bufferBytes });
    c.subscribe([topic]);
    expect(await pollRecords(c, 1, 20_000)).toHaveLength(1);
    let peak = 0;
    const idleUntil = Date.now() + 3000;
    while (Date.now() < idleUntil) {
      peak = Math.max(peak, c.bufferedBytes);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // One fetch brings at most min(1 MiB, bufferBytes) per partition on top of the limit.
    expect(peak).toBeGreaterThan(bufferBytes / 2);
    expect(peak).toBeLessThanOrEqual(2 * bufferBytes + 200 * (2048 + 64));
    const rest = await pollRecords(c, count - 1, 30_000);
    expect(rest.map((r) => r.offset)).toEqual(Array.from({ length: count - 1 }, (_, i) => i + 1));
  });

  it("drops the commits of a member that could not revoke in time, so the new owner redelivers", async () => {
    const topic = await topics.create("overdue-revoke", 2);
    await produce(topic, 20);
    const group = uniqueName("g");
    // Session 6 s: the revocation may wait max(1 s, 6 − 2 − 2) = 2 s for poll().
    const slow = consumer(group, { kafkaSessionTimeoutMs: 6000 });
    let commitInRevoke: Map<Partition, number> | null = null;
    slow.subscribe([topic], {
      onRevoke: async () => {
        slow.stageOffsets(slow.tell());
        commitInRevoke = await slow.commitOffsets();
      },
    });
    expect(await pollRecords(slow, 6, 20_000)).toHaveLength(6);

    const fresh = consumer(group, { kafkaSessionTimeoutMs: 6000 });
    const freshStarts = new Map<Partition, number>();
    fresh.subscribe([topic], {
      onAssign: (partitions) => {
        for (const [p, o] of partitions) freshStarts.set(p, o);
      },
    });
    // `slow` does not poll while the group rebalances; only `fresh` does.
    expect(await pollUntil(fresh, () => freshStarts.size > 0, 30_000)).toBe(true);
    // Now `slow` polls again: its revocation runs late and its commit is refused.
    await pollUntil(slow, () => commitInRevoke !== null, 20_000);
    expect(commitInRevoke).not.toBeNull();
    expect(commitInRevoke!.size).toBe(0);
    // Nothing was committed, so the new owner starts from the beginning of its partitions.
    expect([...freshStarts.values()].every((offset) => offset === 0)).toBe(true);
  });
});

describe("Kafka admin helpers", () => {
  it("creates only missing topics, with their partitions, replication and configs", async () => {
    const name = uniqueName("admin");
    const spec = {
      name,
      partitions: 2,
      replicationFactor: 1,
      config: { "retention.ms": "3600000", "cleanup.policy": "delete" },
    };
    try {
      expect(await topics.admin.createTopics([spec])).toEqual([name]);
      expect(await topics.admin.createTopics([spec])).toEqual([]);
      const found = (await topics.admin.describeTopics([name, `${name}-missing`])).get(name)!;
      expect(found.partitions).toBe(2);
      expect(found.replicationFactor).toBe(1);
      expect(found.config["retention.ms"]).toBe("3600000");
      expect((await topics.admin.describeTopics([`${name}-missing`])).size).toBe(0);

      await topics.admin.setTopicConfig(name, { "retention.ms": "7200000", "cleanup.policy": "delete" });
      await topics.admin.addPartitions(name, 3);
      const changed = (await topics.admin.describeTopics([name])).get(name)!;
      expect(changed.partitions).toBe(3);
      expect(changed.config["retention.ms"]).toBe("7200000");
    } finally {
      await topics.admin.deleteTopics([name]);
    }
  });

  it("reports end offsets, committed offsets and lag per partition", async () => {
    const topic = await topics.create("lag", 2);
    const producer = factory("lag-test");
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => producer.produce(Partition.of(topic, 0), payload(String(i)))),
    );
    await Promise.all(
      Array.from({ length: 3 }, (_, i) => producer.produce(Partition.of(topic, 1), payload(String(i)))),
    );
    const group = uniqueName("g");
    const c = consumer(group);
    c.subscribe([topic]);
    await pollRecords(c, 1, 20_000);
    c.stageOffsets(new Map([[Partition.of(topic, 0), 4]]));
    await c.commitOffsets();
    await c.close();
    expect(offsetsByKey(await topics.admin.endOffsets(topic))).toEqual({
      [`${topic}:0`]: 6,
      [`${topic}:1`]: 3,
    });
    expect(offsetsByKey(await topics.admin.committedOffsets(group, [topic]))).toEqual({ [`${topic}:0`]: 4 });
    const lag = await topics.admin.lag(group, [topic]);
    expect(lag.map((row) => [row.partition.key, row.end, row.committed, row.lag])).toEqual([
      [`${topic}:0`, 6, 4, 2],
      [`${topic}:1`, 3, null, 3],
    ]);
    expect((await topics.admin.describeGroup(group)).state).toBe("Empty");
  });
});

describe("Kafka producer", () => {
  it("runs idempotent with acks=all against this broker", async () => {
    expect(await factory.idempotent()).toBe(true);
  });

  it("puts keyed records on the partitions Java's default partitioner picks", async () => {
    const cases: Array<{ key: string; partitions: Record<string, number> }> = JSON.parse(
      readFileSync(new URL("../fixtures/backends/murmur2-java.json", import.meta.url), "utf8"),
    );
    const topic = await topics.create("murmur2", 12);
    const producer = factory("murmur2-test");
    const results = await Promise.all(cases.map((c) => producer.produce(topic, payload("v", c.key))));
    expect(results.map((r) => r.partition.index)).toEqual(cases.map((c) => c.partitions["12"]));
  });

  it("keeps call order per partition for thousands of concurrent produces", async () => {
    const topic = await topics.create("order", 3);
    const producer = factory("order-test");
    const results = await Promise.all(
      Array.from({ length: 5000 }, (_, i) => producer.produce(topic, payload(String(i), `k${i % 17}`))),
    );
    const last = new Map<Partition, number>();
    for (const result of results) {
      expect(result.offset).toBeGreaterThan(last.get(result.partition) ?? -1);
      last.set(result.partition, result.offset);
    }
    const c = consumer(uniqueName("g"));
    c.subscribe([topic]);
    const consumed = await pollRecords(c, 5000, 30_000);
    const perPartition = (entries: Array<[string, string]>) => {
      const out: Record<string, string[]> = {};
      for (const [key, value] of entries) {
        out[key] = [...(out[key] ?? []), value];
      }
      return out;
    };
    expect(perPartition(consumed.map((r) => [r.partition.key, r.payload.value.toString()]))).toEqual(
      perPartition(results.map((r, i) => [r.partition.key, String(i)])),
    );
  });
});
