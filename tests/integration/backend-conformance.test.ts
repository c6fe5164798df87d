import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KafkaConsumer, kafkaConsumerConfig } from "../../consumers/kafka-consumer.ts";
import { MemoryConsumer } from "../../consumers/memory-consumer.ts";
import type { Consumer } from "../../consumers/types.ts";
import { silentLogger } from "../../observability/logger.ts";
import { ConsumerError } from "../../pipelines/errors.ts";
import { type BrokerValue, type KafkaPayload, Partition } from "../../pipelines/types.ts";
import { kafkaClientConfig } from "../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import { MemoryBroker } from "../../producers/memory-broker.ts";
import type { Producer } from "../../producers/types.ts";
import {
  KafkaTestTopics,
  kafkaOptions,
  offsetsByKey,
  pollRecords,
  pollUntil,
  probeKafka,
  uniqueName,
} from "./support/kafka.ts";

// One suite of Consumer/Producer behaviours (specs/arroyo.md §6.1, §7 "backends"), run
// against the in-memory broker and against real Kafka, so both backends keep the same
// contract the StreamProcessor relies on.

type Reset = "earliest" | "latest";

interface Backend {
  readonly name: string;
  /** How long a new member may take to get its first assignment. */
  readonly joinMs: number;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  createTopic(partitions: number): Promise<string>;
  producer(): Producer;
  consumer(group: string, reset?: Reset): Consumer;
}

function memoryBackend(): Backend {
  let broker = new MemoryBroker();
  return {
    name: "in-memory broker",
    joinMs: 1000,
    async setup() {
      broker = new MemoryBroker();
    },
    async teardown() {},
    async createTopic(partitions) {
      const topic = uniqueName("conformance");
      broker.createTopic(topic, partitions);
      return topic;
    },
    producer: () => broker.producer(),
    consumer: (group, reset = "earliest") => new MemoryConsumer(broker, group, { autoOffsetReset: reset }),
  };
}

function kafkaBackend(): Backend {
  let topics: KafkaTestTopics;
  let factory: KafkaProducerFactory;
  const logger = silentLogger();
  return {
    name: "Kafka",
    joinMs: 20_000,
    async setup() {
      await probeKafka();
      topics = new KafkaTestTopics();
      factory = createKafkaProducerFactory({ ...kafkaOptions, kafkaProducerLingerMs: 0 }, { logger });
    },
    async teardown() {
      await factory?.close();
      await topics?.cleanup();
    },
    createTopic: (partitions) => topics.create("conformance", partitions),
    producer: () => factory("conformance"),
    consumer: (group, reset = "earliest") =>
      new KafkaConsumer(
        kafkaConsumerConfig(
          {
            ...kafkaOptions,
            autoOffsetReset: reset,
            kafkaSessionTimeoutMs: 10_000,
            kafkaFetchMaxWaitMs: 100,
          },
          group,
        ),
        { client: kafkaClientConfig(kafkaOptions), logger },
      ),
  };
}

const payloadOf = (i: number): KafkaPayload => ({
  key: Buffer.from(`key-${i}`),
  value: Buffer.from(JSON.stringify({ i })),
  headers: [
    ["trace", Buffer.from(`t${i}`)],
    ["trace", Buffer.from("again")],
    ["empty", Buffer.alloc(0)],
  ],
});

const valueIndex = (record: BrokerValue<KafkaPayload>): number =>
  JSON.parse(record.payload.value.toString()).i;

/** Records the callbacks a consumer received, in order. */
class CallbackLog {
  readonly events: string[] = [];
  assigned: Map<Partition, number> | null = null;
  revocations = 0;
  constructor(private readonly onRevoke?: (partitions: ReadonlyArray<Partition>) => Promise<void>) {}
  readonly callbacks = {
    onAssign: (partitions: ReadonlyMap<Partition, number>) => {
      this.assigned = new Map(partitions);
      this.events.push(`assign:${[...partitions.keys()].map(String).sort().join(",")}`);
    },
    onRevoke: async (partitions: ReadonlyArray<Partition>) => {
      this.revocations += 1;
      this.events.push(`revoke:${partitions.map(String).sort().join(",")}`);
      await this.onRevoke?.(partitions);
      this.assigned = null;
    },
  };
}

describe.each([memoryBackend(), kafkaBackend()])("backend conformance: $name", (backend) => {
  const open: Consumer[] = [];
  const consumer = (group: string, reset?: Reset) => {
    const c = backend.consumer(group, reset);
    open.push(c);
    return c;
  };
  const produceAll = async (topic: string, from: number, count: number) => {
    const producer = backend.producer();
    return Promise.all(Array.from({ length: count }, (_, k) => producer.produce(topic, payloadOf(from + k))));
  };
  const waitForAssignment = async (c: Consumer, log: CallbackLog) =>
    expect(await pollUntil(c, () => log.assigned !== null, backend.joinMs)).toBe(true);

  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });

  it("round-trips key, value and headers, at the partition and offset the producer reported", async () => {
    const topic = await backend.createTopic(2);
    const produced = await produceAll(topic, 0, 20);
    const c = consumer(uniqueName("g"));
    c.subscribe([topic]);
    const records = await pollRecords(c, 20, backend.joinMs);
    expect(records).toHaveLength(20);
    const byIndex = new Map(records.map((r) => [valueIndex(r), r]));
    for (const [i, sent] of produced.entries()) {
      const got = byIndex.get(i)!;
      expect([got.partition, got.offset]).toEqual([sent.partition, sent.offset]);
      expect(got.payload.key?.toString()).toBe(`key-${i}`);
      expect(got.payload.headers.map(([k, v]) => [k, v.toString()])).toEqual([
        ["trace", `t${i}`],
        ["trace", "again"],
        ["empty", ""],
      ]);
      expect(got.timestamp).toBeGreaterThan(0);
    }
  });

  it("reports next-to-read offsets on assignment and from tell", async () => {
    const topic = await backend.createTopic(1);
    await produceAll(topic, 0, 5);
    const c = consumer(uniqueName("g"));
    const log = new CallbackLog();
    c.subscribe([topic], log.callbacks);
    const p = Partition.of(topic, 0);
    const first = await pollRecords(c, 3, backend.joinMs);
    expect(offsetsByKey(log.assigned!)).toEqual({ [p.key]: 0 });
    expect(first.map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(c.tell().get(p)).toBe(3);
  });

  it("commits exactly what was staged, and a new member resumes there", async () => {
    const topic = await backend.createTopic(1);
    await produceAll(topic, 0, 10);
    const group = uniqueName("g");
    const p = Partition.of(topic, 0);
    const a = consumer(group);
    a.subscribe([topic]);
    const read = await pollRecords(a, 4, backend.joinMs);
    expect(read.map((r) => r.offset)).toEqual([0, 1, 2, 3]);
    a.stageOffsets(new Map([[p, 4]]));
    expect(offsetsByKey(await a.commitOffsets())).toEqual({ [p.key]: 4 });
    expect((await a.commitOffsets()).size).toBe(0);
    await a.close();

    const b = consumer(group);
    const log = new CallbackLog();
    b.subscribe([topic], log.callbacks);
    const rest = await pollRecords(b, 6, backend.joinMs);
    expect(offsetsByKey(log.assigned!)).toEqual({ [p.key]: 4 });
    expect(rest.map((r) => r.offset)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it("refuses to commit a staged offset of a partition it does not own", async () => {
    const topic = await backend.createTopic(1);
    const c = consumer(uniqueName("g"));
    const log = new CallbackLog();
    c.subscribe([topic], log.callbacks);
    await waitForAssignment(c, log);
    c.stageOffsets(new Map([[Partition.of(`${topic}-other`, 0), 1]]));
    await expect(c.commitOffsets()).rejects.toBeInstanceOf(ConsumerError);
  });

  it("yields nothing from a paused partition and continues in order after resume", async () => {
    const topic = await backend.createTopic(1);
    const p = Partition.of(topic, 0);
    await produceAll(topic, 0, 5);
    const c = consumer(uniqueName("g"));
    c.subscribe([topic]);
    expect((await pollRecords(c, 2, backend.joinMs)).map((r) => r.offset)).toEqual([0, 1]);
    c.pause([p]);
    expect(c.paused()).toEqual([p]);
    await produceAll(topic, 5, 5);
    const whilePaused = await pollRecords(c, 1, 1500);
    expect(whilePaused).toEqual([]);
    expect(c.tell().get(p)).toBe(2);
    c.resume([p]);
    expect(c.paused()).toEqual([]);
    const rest = await pollRecords(c, 8, backend.joinMs);
    expect(rest.map((r) => r.offset)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("seeks backwards and forwards, and tell follows", async () => {
    const topic = await backend.createTopic(1);
    const p = Partition.of(topic, 0);
    await produceAll(topic, 0, 10);
    const c = consumer(uniqueName("g"));
    c.subscribe([topic]);
    await pollRecords(c, 5, backend.joinMs);
    c.seek(new Map([[p, 1]]));
    expect(c.tell().get(p)).toBe(1);
    expect((await pollRecords(c, 2, backend.joinMs)).map((r) => r.offset)).toEqual([1, 2]);
    c.seek(new Map([[p, 8]]));
    expect((await pollRecords(c, 2, backend.joinMs)).map((r) => r.offset)).toEqual([8, 9]);
    expect(c.tell().get(p)).toBe(10);
  });

  it("refuses seek and pause on partitions it does not own, and negative offsets, changing nothing", async () => {
    const topic = await backend.createTopic(1);
    const p = Partition.of(topic, 0);
    const stranger = Partition.of(topic, 5);
    const c = consumer(uniqueName("g"));
    const log = new CallbackLog();
    c.subscribe([topic], log.callbacks);
    await waitForAssignment(c, log);
    expect(() => c.seek(new Map([[stranger, 0]]))).toThrow(ConsumerError);
    expect(() => c.seek(new Map([[p, -1]]))).toThrow(ConsumerError);
    expect(() => c.pause([p, stranger])).toThrow(ConsumerError);
    expect(c.paused()).toEqual([]);
    expect(c.tell().get(p)).toBe(0);
  });

  it("starts a group without commits at the end with latest, at the beginning with earliest", async () => {
    const topic = await backend.createTopic(1);
    await produceAll(topic, 0, 3);
    const latest = consumer(uniqueName("g"), "latest");
    const log = new CallbackLog();
    latest.subscribe([topic], log.callbacks);
    await waitForAssignment(latest, log);
    expect([...log.assigned!.values()]).toEqual([3]);
    await produceAll(topic, 3, 2);
    expect((await pollRecords(latest, 2, backend.joinMs)).map(valueIndex)).toEqual([3, 4]);

    const earliest = consumer(uniqueName("g"), "earliest");
    earliest.subscribe([topic]);
    expect((await pollRecords(earliest, 5, backend.joinMs)).map(valueIndex)).toEqual([0, 1, 2, 3, 4]);
  });

  it("fires the revocation at the next poll after unsubscribe, then tells nothing", async () => {
    const topic = await backend.createTopic(2);
    const c = consumer(uniqueName("g"));
    const log = new CallbackLog();
    c.subscribe([topic], log.callbacks);
    await waitForAssignment(c, log);
    c.unsubscribe();
    await pollUntil(c, () => log.revocations > 0, backend.joinMs);
    expect(log.events).toEqual([`assign:${topic}:0,${topic}:1`, `revoke:${topic}:0,${topic}:1`]);
    expect(c.tell().size).toBe(0);
  });

  it("revokes everything, lets the old owner commit, and splits the partitions when a member joins", async () => {
    const topic = await backend.createTopic(4);
    await produceAll(topic, 0, 40);
    const group = uniqueName("g");
    const a = consumer(group);
    // Like the processor: on revocation, commit everything read so far.
    let committedAtRevoke = new Map<Partition, number>();
    const aLog = new CallbackLog(async () => {
      a.stageOffsets(a.tell());
      committedAtRevoke = await a.commitOffsets();
    });
    a.subscribe([topic], aLog.callbacks);
    let readByA = 0;
    await pollUntil(
      a,
      () => readByA >= 10,
      backend.joinMs,
      () => {
        readByA += 1;
      },
    );

    const b = consumer(group);
    const bLog = new CallbackLog();
    b.subscribe([topic], bLog.callbacks);
    const bothAssigned = () => aLog.revocations > 0 && aLog.assigned !== null && bLog.assigned !== null;
    await Promise.all([
      pollUntil(a, bothAssigned, backend.joinMs * 2),
      pollUntil(b, bothAssigned, backend.joinMs * 2),
    ]);
    expect(bothAssigned()).toBe(true);
    const all = [0, 1, 2, 3].map((i) => `${topic}:${i}`).join(",");
    expect(aLog.events.slice(0, 2)).toEqual([`assign:${all}`, `revoke:${all}`]);
    expect(aLog.assigned!.size).toBe(2);
    expect(bLog.assigned!.size).toBe(2);
    expect(new Set([...aLog.assigned!.keys(), ...bLog.assigned!.keys()]).size).toBe(4);
    // The revocation's commit went through, and both members start exactly there.
    expect(committedAtRevoke.size).toBe(4);
    const startsAt = { ...offsetsByKey(aLog.assigned!), ...offsetsByKey(bLog.assigned!) };
    expect(startsAt).toEqual(offsetsByKey(committedAtRevoke));
  });

  it("hands every partition to the remaining member when the other closes", async () => {
    const topic = await backend.createTopic(2);
    const group = uniqueName("g");
    const a = consumer(group);
    const aLog = new CallbackLog();
    a.subscribe([topic], aLog.callbacks);
    await waitForAssignment(a, aLog);
    const b = consumer(group);
    const bLog = new CallbackLog();
    b.subscribe([topic], bLog.callbacks);
    const split = () => aLog.assigned?.size === 1 && bLog.assigned?.size === 1;
    await Promise.all([pollUntil(a, split, backend.joinMs * 2), pollUntil(b, split, backend.joinMs * 2)]);
    expect(split()).toBe(true);

    const started = Date.now();
    await b.close();
    // Closing leaves the group at once: A gets both partitions well inside the session timeout.
    expect(await pollUntil(a, () => aLog.assigned?.size === 2, backend.joinMs)).toBe(true);
    expect(Date.now() - started).toBeLessThan(9_000);
  });

  it("refuses every call after close except close and stageOffsets", async () => {
    const topic = await backend.createTopic(1);
    const c = consumer(uniqueName("g"));
    const log = new CallbackLog();
    c.subscribe([topic], log.callbacks);
    await waitForAssignment(c, log);
    await c.close();
    expect(c.closed).toBe(true);
    expect(log.revocations).toBe(1);
    const p = Partition.of(topic, 0);
    c.stageOffsets(new Map([[p, 0]]));
    await expect(c.commitOffsets()).rejects.toThrow(/closed/);
    await expect(c.poll(10)).rejects.toThrow(/closed/);
    expect(() => c.tell()).toThrow(/closed/);
    expect(() => c.pause([p])).toThrow(/closed/);
    expect(() => c.seek(new Map([[p, 0]]))).toThrow(/closed/);
    expect(() => c.subscribe([topic])).toThrow(/closed/);
    await c.close();
  });
});
