import { afterEach, describe, expect, it } from "vitest";
import { buildStorageStrategy } from "../../../consumers/storage/build-strategy.ts";
import { StorageError } from "../../../consumers/storage/sink.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { Message, Partition } from "../../../pipelines/index.ts";
import type { MemoryBroker } from "../../../producers/memory-broker.ts";
import type { MemoryProducer } from "../../../producers/memory-producer.ts";
import {
  committed,
  dashed,
  EVENTS,
  EVENTS_DLQ,
  eventId,
  FaultySink,
  fixtureText,
  headersOf,
  insertMessage,
  metricValue,
  newBroker,
  payload,
  type RunningConsumer,
  startConsumer,
  storedCount,
  testOptions,
  testSettings,
  waitFor,
} from "./harness.ts";

const running: RunningConsumer[] = [];
const sinks: FaultySink[] = [];

function start(broker: MemoryBroker, sink: FaultySink, setup: Parameters<typeof startConsumer>[2] = {}) {
  const consumer = startConsumer(broker, sink, setup);
  running.push(consumer);
  return consumer;
}

function newSink(): FaultySink {
  const sink = new FaultySink();
  sinks.push(sink);
  return sink;
}

function produceInserts(broker: MemoryBroker, from: number, count: number): void {
  for (let n = from; n < from + count; n++)
    broker.produce(Partition.of(EVENTS, 0), payload(insertMessage(n)));
}

function dlqRecords(broker: MemoryBroker) {
  return broker.log(Partition.of(EVENTS_DLQ, 0));
}

afterEach(async () => {
  for (const consumer of running.splice(0)) {
    consumer.processor.signalShutdown();
    consumer.processor.signalShutdown();
    await consumer.done.catch(() => {});
  }
  for (const sink of sinks.splice(0)) await sink.close();
});

describe("storage chain", () => {
  it("stores every insert once, in batches of at most maxBatchSize rows, and commits past them", async () => {
    const broker = newBroker();
    const sink = newSink();
    produceInserts(broker, 0, 250);
    const consumer = start(broker, sink, {
      settings: testSettings({ maxBatchSize: 100, maxBatchTimeMs: 200 }),
    });
    await waitFor(() => committed(broker) === 250);
    await consumer.stop();
    expect(await storedCount(sink)).toBe(250);
    expect(sink.inserted).toHaveLength(250);
    expect(new Set(sink.inserted).size).toBe(250);
    expect(sink.batchSizes).toEqual([100, 100, 50]);
    expect(sink.groupCalls).toBe(3);
    expect(dlqRecords(broker)).toHaveLength(0);
  });

  it("cuts batches by bytes when messages are large", async () => {
    const broker = newBroker();
    const sink = newSink();
    produceInserts(broker, 0, 10);
    const size = insertMessage(0).length;
    const options = testOptions({ storageMaxBatchBytes: size * 3 });
    const consumer = start(broker, sink, {
      options,
      settings: testSettings({ maxBatchSize: 1000, maxBatchTimeMs: 200 }),
    });
    await waitFor(() => committed(broker) === 10);
    await consumer.stop();
    expect(Math.max(...sink.batchSizes)).toBeLessThanOrEqual(3);
    expect(sink.batchSizes.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it("dead-letters a replacement with reason unsupported-replacement and its original bytes", async () => {
    const broker = newBroker();
    const sink = newSink();
    produceInserts(broker, 0, 2);
    const original = payload(fixtureText("start-merge"), "123123123");
    broker.produce(Partition.of(EVENTS, 0), original);
    produceInserts(broker, 2, 2);
    const consumer = start(broker, sink);
    await waitFor(() => committed(broker) === 5);
    await consumer.stop();

    const [dead] = dlqRecords(broker);
    expect(dlqRecords(broker)).toHaveLength(1);
    expect(dead?.payload.value.equals(original.value)).toBe(true);
    expect(dead?.payload.key?.toString()).toBe("123123123");
    expect(headersOf(dead!.payload)).toMatchObject({
      operation: "insert",
      original_topic: EVENTS,
      original_partition: "0",
      original_offset: "2",
      consumer: "storage",
      reason: "unsupported-replacement",
    });
    expect(await storedCount(sink)).toBe(4);
    expect(
      await metricValue(consumer.metrics, "ingest_messages_dead_lettered_total", {
        reason: "unsupported-replacement",
      }),
    ).toBe(1);
  });

  it("dead-letters malformed messages with their reasons and stores the good ones around them", async () => {
    const broker = newBroker();
    const sink = newSink();
    const bad: Array<[string, string | Buffer]> = [
      ["invalid-json", "{nope"],
      ["invalid-utf8", Buffer.from([0xff, 0xfe])],
      ["unsupported-version", '[3,"insert",{},{}]'],
      ["not-eventstream-tuple", '{"event_id":"x"}'],
      ["unknown-operation", '[2,"upsert",{}]'],
      ["missing-field", insertMessage(90).toString().replace('"primary_hash"', '"primary_hash_"')],
      ["transaction-event", insertMessage(91).toString().replace('"type":"error"', '"type":"transaction"')],
    ];
    produceInserts(broker, 0, 3);
    for (const [, value] of bad) broker.produce(Partition.of(EVENTS, 0), payload(value));
    produceInserts(broker, 3, 3);
    const consumer = start(broker, sink);
    await waitFor(() => committed(broker) === 13);
    await consumer.stop();

    const dead = dlqRecords(broker);
    expect(dead.map((r) => headersOf(r.payload).reason)).toEqual(bad.map(([reason]) => reason));
    expect(dead.map((r) => headersOf(r.payload).original_offset)).toEqual(bad.map((_, i) => String(3 + i)));
    expect(dead.map((r) => r.payload.value.toString("hex"))).toEqual(
      bad.map(([, value]) => Buffer.from(value).toString("hex")),
    );
    expect(await storedCount(sink)).toBe(6);
  });

  it("holds the batch through an outage: no commit, partitions paused, bounded reads, nothing lost", async () => {
    const broker = newBroker();
    const sink = newSink();
    sink.down = true;
    produceInserts(broker, 0, 50);
    broker.produce(Partition.of(EVENTS, 0), payload("{nope"));
    produceInserts(broker, 50, 949);
    const consumer = start(broker, sink, {
      settings: testSettings({ maxBatchSize: 100, maxBatchTimeMs: 20 }),
    });

    await waitFor(() => consumer.consumer.paused().length === 1);
    await waitFor(() => sink.insertCalls >= 5);
    expect(committed(broker)).toBeUndefined();
    expect(await storedCount(sink)).toBe(0);
    // One batch in the write step, one full in Reduce, one decoded message carried, one pending.
    const read = consumer.consumer.tell().get(Partition.of(EVENTS, 0)) ?? 0;
    expect(read).toBeLessThanOrEqual(203);
    // The invalid record was dead-lettered, but its offset waits behind the held batch.
    expect(dlqRecords(broker)).toHaveLength(1);

    sink.down = false;
    await waitFor(() => committed(broker) === 1000);
    await consumer.stop();
    expect(await storedCount(sink)).toBe(999);
    expect(new Set(sink.inserted).size).toBe(999);
    expect(sink.inserted).toHaveLength(999);
    expect(
      await metricValue(consumer.metrics, "ingest_consumer_pauses_total", { kind: "pause" }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("keeps retrying past the sink's attempt budget and commits only after the store answered", async () => {
    const broker = newBroker();
    const sink = newSink();
    sink.failInserts(12);
    produceInserts(broker, 0, 30);
    const consumer = start(broker, sink);
    await waitFor(() => sink.insertCalls >= 6);
    expect(committed(broker)).toBeUndefined();
    await waitFor(() => committed(broker) === 30);
    await consumer.stop();
    expect(sink.insertCalls).toBeGreaterThanOrEqual(13);
    expect(await storedCount(sink)).toBe(30);
  });

  it("dead-letters the rows the store rejects with its error, stores the rest and commits", async () => {
    const broker = newBroker();
    const sink = newSink();
    const badId = dashed(eventId(4));
    sink.rejectRows((row) => (row.event_id === badId ? "Code: 27. Cannot parse input: expected ," : null));
    produceInserts(broker, 0, 10);
    const consumer = start(broker, sink, {
      settings: testSettings({ maxBatchSize: 10, maxBatchTimeMs: 200 }),
    });
    await waitFor(() => committed(broker) === 10);
    await consumer.stop();

    const dead = dlqRecords(broker);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.payload.value.equals(insertMessage(4))).toBe(true);
    expect(headersOf(dead[0]!.payload)).toMatchObject({
      original_offset: "4",
      reason: "storage-row-rejected",
      reason_detail: "sqlite 27: Code: 27. Cannot parse input: expected ,",
      consumer: "storage",
    });
    expect(await storedCount(sink)).toBe(9);
    expect(sink.inserted).not.toContain(badId);
    expect(
      await metricValue(consumer.metrics, "ingest_messages_dead_lettered_total", {
        reason: "storage-row-rejected",
      }),
    ).toBe(1);
  });

  it("does not commit a batch with rejected rows before the DLQ acknowledged them", async () => {
    const broker = newBroker();
    const sink = newSink();
    sink.rejectRows((row) => (row.event_id === dashed(eventId(1)) ? "bad" : null));
    produceInserts(broker, 0, 3);
    const producers: MemoryProducer[] = [];
    const consumer = start(broker, sink, {
      producerFactory: (name) => {
        const producer = broker.producer({ name });
        producer.holdAcks();
        producers.push(producer);
        return producer;
      },
    });
    await waitFor(() => producers.some((p) => p.pending === 1));
    expect(await storedCount(sink)).toBe(2);
    expect(committed(broker)).toBeUndefined();
    for (const producer of producers) producer.releaseAcks();
    await waitFor(() => committed(broker) === 3);
    await consumer.stop();
    expect(dlqRecords(broker)).toHaveLength(1);
  });

  it("re-inserts a batch after a kill between insert and commit, and the store keeps each event once", async () => {
    const broker = newBroker();
    const first = newSink();
    first.hangGroupUpserts();
    produceInserts(broker, 0, 40);
    const killed = start(broker, first, {
      settings: testSettings({ maxBatchSize: 40, maxBatchTimeMs: 200 }),
    });
    await waitFor(() => first.inserted.length === 40);
    await killed.kill();
    expect(committed(broker)).toBeUndefined();

    // The restarted consumer writes to the same store: move the stored rows over.
    const second = newSink();
    await second.inner.insertErrors(first.rows);
    produceInserts(broker, 40, 10);
    const restarted = start(broker, second, {
      settings: testSettings({ maxBatchSize: 40, maxBatchTimeMs: 20 }),
    });
    await waitFor(() => committed(broker) === 50);
    await restarted.stop();
    expect(second.inserted.slice(0, 40)).toEqual(first.inserted);
    expect(await storedCount(second)).toBe(50);
  });

  it("exits on SIGTERM during an outage within the join timeout, committing nothing", async () => {
    const broker = newBroker();
    const sink = newSink();
    sink.down = true;
    produceInserts(broker, 0, 20);
    const consumer = start(broker, sink, { options: testOptions({ joinTimeoutMs: 300 }) });
    await waitFor(() => sink.insertCalls >= 3);
    const started = performance.now();
    await consumer.stop();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(committed(broker)).toBeUndefined();
    const calls = sink.insertCalls;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sink.insertCalls).toBe(calls);

    sink.down = false;
    const again = start(broker, sink);
    await waitFor(() => committed(broker) === 20);
    await again.stop();
    expect(await storedCount(sink)).toBe(20);
  });

  it("stops retrying a batch its chain abandoned at a revocation's join deadline", async () => {
    const broker = newBroker();
    const sink = newSink();
    sink.down = true;
    const context = {
      settings: testSettings({ maxBatchSize: 5, maxBatchTimeMs: 10 }),
      options: testOptions(),
      producerFactory: broker.producerFactory(),
      metrics: createMetrics(),
      logger: silentLogger(),
    };
    const factory = buildStorageStrategy(context, { sink });
    const commits: number[] = [];
    const chain = factory.createWithPartitions(
      (offsets) => {
        for (const offset of offsets.values()) commits.push(offset);
      },
      new Map([[Partition.of(EVENTS, 0), 0]]),
    );
    for (let n = 0; n < 5; n++) {
      chain.submit(Message.broker(payload(insertMessage(n)), Partition.of(EVENTS, 0), n, 0));
    }
    await waitFor(() => {
      chain.poll();
      return sink.insertCalls >= 3;
    });
    chain.close();
    await chain.join(50);
    const calls = sink.insertCalls;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sink.insertCalls).toBeLessThanOrEqual(calls + 1);
    expect(commits).toEqual([]);
    await factory.shutdown();
  });

  it("stops without committing when the store refuses the statement itself", async () => {
    const broker = newBroker();
    const sink = newSink();
    sink.fatal = new StorageError("storage_rejected", "ClickHouse errors: Table ingest.errors doesn't exist");
    produceInserts(broker, 0, 5);
    const consumer = start(broker, sink);
    await expect(consumer.done).rejects.toThrow(/doesn't exist/);
    expect(committed(broker)).toBeUndefined();
  });
});
