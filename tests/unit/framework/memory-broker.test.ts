import { describe, expect, it } from "vitest";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import {
  ConsumerError,
  EndOfPartition,
  InvalidStateError,
  OffsetOutOfRange,
} from "../../../pipelines/errors.ts";
import { Partition as P, type Partition } from "../../../pipelines/types.ts";
import {
  MemoryBroker,
  PartitionDoesNotExist,
  TopicDoesNotExist,
  TopicExists,
} from "../../../producers/memory-broker.ts";
import { ProducerClosed } from "../../../producers/memory-producer.ts";
import { kafkaPayload, plainOffsets, settle, text } from "./helpers.ts";

const T = "broker-test";
const T0 = P.of(T, 0);
const T1 = P.of(T, 1);

function brokerWith(partitions = 2, clock = new ManualClock(1000)) {
  const broker = new MemoryBroker({ clock });
  broker.createTopic(T, partitions);
  return broker;
}

function fill(broker: MemoryBroker, p: Partition, count: number, prefix = "m") {
  for (let i = 0; i < count; i++) broker.produce(p, kafkaPayload(`${prefix}${i}`));
}

function recorder() {
  const events: string[] = [];
  return {
    events,
    callbacks: {
      onAssign: (partitions: ReadonlyMap<Partition, number>) => {
        events.push(`assign ${JSON.stringify(plainOffsets(partitions))}`);
      },
      onRevoke: (partitions: ReadonlyArray<Partition>) => {
        events.push(`revoke ${partitions.map(String).join(",")}`);
      },
    },
  };
}

describe("MemoryBroker storage", () => {
  it("stores records at offsets from 0, stamped with the broker clock", () => {
    const broker = brokerWith(1, new ManualClock(42));
    const first = broker.produce(T0, kafkaPayload("a"));
    const second = broker.produce(T0, kafkaPayload("b"));
    expect([first.offset, second.offset, second.timestamp]).toEqual([0, 1, 42]);
    expect(broker.consume(T0, 1)?.payload.value.toString()).toBe("b");
    expect(broker.consume(T0, 2)).toBeNull();
    expect(() => broker.consume(T0, 3)).toThrow(OffsetOutOfRange);
  });

  it("raises TopicExists, TopicDoesNotExist and PartitionDoesNotExist", () => {
    const broker = brokerWith(1);
    expect(() => broker.createTopic(T, 1)).toThrow(TopicExists);
    expect(() => broker.produce("missing", kafkaPayload("a"))).toThrow(TopicDoesNotExist);
    expect(() => broker.produce(P.of(T, 5), kafkaPayload("a"))).toThrow(PartitionDoesNotExist);
    broker.deleteTopic(T);
    expect(() => broker.partitionCount(T)).toThrow(TopicDoesNotExist);
  });

  it("sends keyed records to a stable partition and unkeyed ones round-robin", () => {
    const broker = brokerWith(4);
    const keyed = [0, 1, 2].map(() => broker.produce(T, kafkaPayload("x", "same-key")).partition);
    expect(new Set(keyed).size).toBe(1);
    const unkeyed = [0, 1, 2, 3].map(() => broker.produce(T, kafkaPayload("x")).partition.index);
    expect(new Set(unkeyed).size).toBe(4);
  });
});

describe("MemoryProducer", () => {
  it("acknowledges at once by default", async () => {
    const broker = brokerWith(1);
    const written = await broker.producer().produce(T0, kafkaPayload("a"));
    expect(written.offset).toBe(0);
  });

  it("holds writes until released, storing nothing before", async () => {
    const broker = brokerWith(1);
    const producer = broker.producer();
    producer.holdAcks();
    let acked = false;
    const ack = producer.produce(T0, kafkaPayload("a")).then(() => {
      acked = true;
    });
    await settle();
    expect([acked, broker.endOffset(T0), producer.pending]).toEqual([false, 0, 1]);
    producer.releaseAcks();
    await ack;
    expect(broker.endOffset(T0)).toBe(1);
  });

  it("fails a write on request and refuses writes after close", async () => {
    const broker = brokerWith(1);
    const producer = broker.producer();
    producer.failNext(new Error("nope"));
    await expect(producer.produce(T0, kafkaPayload("a"))).rejects.toThrow("nope");
    await producer.close();
    await expect(producer.produce(T0, kafkaPayload("a"))).rejects.toBeInstanceOf(ProducerClosed);
  });
});

describe("MemoryConsumer", () => {
  it("runs the assignment callback inside poll, with offsets, and reads from there", async () => {
    const broker = brokerWith(1);
    fill(broker, T0, 2);
    const consumer = new MemoryConsumer(broker, "g");
    const { events, callbacks } = recorder();
    consumer.subscribe([T], callbacks);
    expect(events).toEqual([]);
    const first = await consumer.poll();
    expect(events).toEqual([`assign {"${T}:0":0}`]);
    expect(first && text(first)).toBe("m0");
    expect(plainOffsets(consumer.tell())).toEqual({ [`${T}:0`]: 1 });
  });

  it("seeks, and a failed poll does not advance the offset", async () => {
    const broker = brokerWith(1);
    fill(broker, T0, 3);
    const consumer = new MemoryConsumer(broker, "g");
    consumer.subscribe([T]);
    await consumer.poll();
    consumer.seek(new Map([[T0, 2]]));
    expect(text((await consumer.poll())!)).toBe("m2");
    consumer.seek(new Map([[T0, 0]]));
    expect(text((await consumer.poll())!)).toBe("m0");
    consumer.seek(new Map([[T0, 10]]));
    await expect(consumer.poll()).rejects.toBeInstanceOf(OffsetOutOfRange);
    expect(plainOffsets(consumer.tell())).toEqual({ [`${T}:0`]: 10 });
  });

  it("refuses to seek an unassigned partition or to a negative offset", async () => {
    const broker = brokerWith(1);
    const consumer = new MemoryConsumer(broker, "g");
    consumer.subscribe([T]);
    await consumer.poll();
    expect(() => consumer.seek(new Map([[T1, 0]]))).toThrow(ConsumerError);
    expect(() => consumer.seek(new Map([[T0, -1]]))).toThrow(ConsumerError);
  });

  it("returns nothing from a paused partition even with data waiting, and resumes", async () => {
    const broker = brokerWith(1);
    fill(broker, T0, 1);
    const consumer = new MemoryConsumer(broker, "g");
    consumer.subscribe([T]);
    await consumer.poll(0);
    consumer.seek(new Map([[T0, 0]]));
    consumer.pause([T0]);
    expect(consumer.paused()).toEqual([T0]);
    expect(await consumer.poll()).toBeNull();
    consumer.resume([T0]);
    expect(consumer.paused()).toEqual([]);
    expect(text((await consumer.poll())!)).toBe("m0");
  });

  it("pauses all or nothing", async () => {
    const broker = brokerWith(1);
    const consumer = new MemoryConsumer(broker, "g");
    consumer.subscribe([T]);
    await consumer.poll();
    expect(() => consumer.pause([T0, T1])).toThrow(ConsumerError);
    expect(consumer.paused()).toEqual([]);
  });

  it("commits exactly what was staged and fails for an unassigned partition", async () => {
    const broker = brokerWith(1);
    const consumer = new MemoryConsumer(broker, "g");
    consumer.subscribe([T]);
    await consumer.poll();
    consumer.stageOffsets(new Map([[T0, 3]]));
    consumer.stageOffsets(new Map([[T0, 2]]));
    expect(plainOffsets(await consumer.commitOffsets())).toEqual({ [`${T}:0`]: 2 });
    expect(plainOffsets(await consumer.commitOffsets())).toEqual({});
    expect(broker.committedOffset("g", T0)).toBe(2);
    consumer.stageOffsets(new Map([[T1, 1]]));
    await expect(consumer.commitOffsets()).rejects.toBeInstanceOf(ConsumerError);
  });

  it("fires the revocation on the poll after unsubscribe, after which tell() is empty", async () => {
    const broker = brokerWith(1);
    const consumer = new MemoryConsumer(broker, "g");
    const { events, callbacks } = recorder();
    consumer.subscribe([T], callbacks);
    await consumer.poll();
    consumer.unsubscribe();
    expect(events).toHaveLength(1);
    await consumer.poll();
    expect(events).toEqual([`assign {"${T}:0":0}`, `revoke ${T}:0`]);
    expect(consumer.tell().size).toBe(0);
  });

  it("refuses every method but close and stageOffsets after close; close is idempotent and revokes", async () => {
    const broker = brokerWith(1);
    const consumer = new MemoryConsumer(broker, "g");
    const { events, callbacks } = recorder();
    consumer.subscribe([T], callbacks);
    await consumer.poll();
    await consumer.close();
    await consumer.close();
    expect(events.at(-1)).toBe(`revoke ${T}:0`);
    expect(consumer.closed).toBe(true);
    consumer.stageOffsets(new Map([[T0, 1]]));
    await expect(consumer.poll()).rejects.toBeInstanceOf(InvalidStateError);
    expect(() => consumer.tell()).toThrow(InvalidStateError);
    expect(() => consumer.pause([T0])).toThrow(InvalidStateError);
    expect(() => consumer.subscribe([T])).toThrow(InvalidStateError);
    await expect(consumer.commitOffsets()).rejects.toBeInstanceOf(InvalidStateError);
  });

  it("resumes a re-subscribed group from the committed offset", async () => {
    const broker = brokerWith(1);
    fill(broker, T0, 3);
    const first = new MemoryConsumer(broker, "g");
    first.subscribe([T]);
    await first.poll();
    first.stageOffsets(new Map([[T0, 2]]));
    await first.commitOffsets();
    await first.close();
    const second = new MemoryConsumer(broker, "g");
    second.subscribe([T]);
    expect(text((await second.poll())!)).toBe("m2");
  });

  it("starts at the end with autoOffsetReset latest", async () => {
    const broker = brokerWith(1);
    fill(broker, T0, 3);
    const consumer = new MemoryConsumer(broker, "g", { autoOffsetReset: "latest" });
    consumer.subscribe([T]);
    expect(await consumer.poll()).toBeNull();
    expect(plainOffsets(consumer.tell())).toEqual({ [`${T}:0`]: 3 });
  });

  it("raises EndOfPartition once at the tail, with the next offset, when enabled", async () => {
    const broker = brokerWith(1);
    fill(broker, T0, 1);
    const consumer = new MemoryConsumer(broker, "g", { enableEndOfPartition: true });
    consumer.subscribe([T]);
    await consumer.poll();
    const error = await consumer.poll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndOfPartition);
    expect(error).toMatchObject({ partition: T0, offset: 1 });
    expect(await consumer.poll()).toBeNull();
  });

  it("waits up to the timeout for a record and returns it as soon as it is produced", async () => {
    const broker = brokerWith(1);
    const consumer = new MemoryConsumer(broker, "g");
    consumer.subscribe([T]);
    await consumer.poll();
    const started = performance.now();
    expect(await consumer.poll(30)).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    const waiting = consumer.poll(5000);
    setTimeout(() => broker.produce(T0, kafkaPayload("late")), 5);
    expect(text((await waiting)!)).toBe("late");
  });

  it("hands out a record at hand from pollBuffered, but nothing while a rebalance callback is due", async () => {
    const broker = brokerWith(1);
    fill(broker, T0, 2);
    const consumer = new MemoryConsumer(broker, "g");
    const { events, callbacks } = recorder();
    consumer.subscribe([T], callbacks);
    expect(consumer.pollBuffered()).toBeUndefined();
    expect(events).toEqual([]);
    expect(text((await consumer.poll())!)).toBe("m0");
    expect(consumer.pollBuffered()?.offset).toBe(1);
    expect(consumer.pollBuffered()).toBeUndefined();
  });

  it("reads partitions round-robin", async () => {
    const broker = brokerWith(2);
    fill(broker, T0, 2, "a");
    fill(broker, T1, 2, "b");
    const consumer = new MemoryConsumer(broker, "g");
    consumer.subscribe([T]);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(text((await consumer.poll())!));
    expect(seen).toEqual(["a0", "b0", "a1", "b1"]);
  });
});

describe("MemoryBroker group rebalancing", () => {
  it("splits partitions when a second member joins, revoking first and assigning after both revoked", async () => {
    const broker = brokerWith(2);
    fill(broker, T0, 5, "a");
    fill(broker, T1, 5, "b");
    const a = new MemoryConsumer(broker, "g");
    const ra = recorder();
    a.subscribe([T], ra.callbacks);
    await a.poll();
    a.stageOffsets(new Map([[T1, 3]]));
    await a.commitOffsets();
    const b = new MemoryConsumer(broker, "g");
    const rb = recorder();
    b.subscribe([T], rb.callbacks);
    // b cannot take anything before a has revoked.
    expect(await b.poll()).toBeNull();
    expect(rb.events).toEqual([]);
    await a.poll();
    await b.poll();
    expect(ra.events).toEqual([
      `assign {"${T}:0":0,"${T}:1":0}`,
      `revoke ${T}:0,${T}:1`,
      `assign {"${T}:0":0}`,
    ]);
    expect(rb.events).toEqual([`assign {"${T}:1":3}`]);
    expect(a.tell().has(T1)).toBe(false);
  });

  it("gives everything back to the remaining member when the other leaves", async () => {
    const broker = brokerWith(2);
    const a = new MemoryConsumer(broker, "g");
    const b = new MemoryConsumer(broker, "g");
    const ra = recorder();
    a.subscribe([T], ra.callbacks);
    b.subscribe([T]);
    await a.poll();
    await b.poll();
    await a.poll();
    await b.close();
    await a.poll();
    expect(ra.events.at(-1)).toBe(`assign {"${T}:0":0,"${T}:1":0}`);
    expect(a.tell().size).toBe(2);
  });

  it("lets the revocation callback commit before the partitions go", async () => {
    const broker = brokerWith(1);
    fill(broker, T0, 3);
    const a = new MemoryConsumer(broker, "g");
    a.subscribe([T], {
      onRevoke: async () => {
        a.stageOffsets(new Map([[T0, 2]]));
        await a.commitOffsets();
      },
    });
    await a.poll();
    new MemoryConsumer(broker, "g").subscribe([T]);
    await a.poll();
    expect(broker.committedOffset("g", T0)).toBe(2);
  });

  it("keeps groups independent", async () => {
    const broker = brokerWith(1);
    const a = new MemoryConsumer(broker, "g1");
    const b = new MemoryConsumer(broker, "g2");
    a.subscribe([T]);
    b.subscribe([T]);
    await a.poll();
    await b.poll();
    expect([a.tell().size, b.tell().size]).toEqual([1, 1]);
  });
});
