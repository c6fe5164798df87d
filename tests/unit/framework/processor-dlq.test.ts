import { describe, expect, it } from "vitest";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { IMMEDIATE } from "../../../pipelines/commit-policy.ts";
import { createDeadLetterQueue, DeadLetterQueue, deadLetterConfig } from "../../../pipelines/dlq.ts";
import { DlqLimitExceeded, InvalidMessage, InvalidStateError } from "../../../pipelines/errors.ts";
import { CommitOffsets } from "../../../pipelines/strategies/commit-offsets.ts";
import { RunTask } from "../../../pipelines/strategies/run-task.ts";
import { type KafkaPayload, Partition } from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import type { MemoryProducer } from "../../../producers/memory-producer.ts";
import { kafkaPayload } from "./helpers.ts";
import { metricLines, processorHarness } from "./processor-harness.ts";

const IN = Partition.of("test-topic", 0);
const DLQ = Partition.of("test-topic-dlq", 0);

/** Records "bad*" are invalid; the chain is RunTask(validate) → CommitOffsets. */
function dlqSetup(options: { dlq?: boolean; maxConsecutive?: number; values: string[] }) {
  const broker = new MemoryBroker();
  broker.createTopic("test-topic", 1);
  broker.createTopic("test-topic-dlq", 1);
  for (const value of options.values) broker.produce(IN, kafkaPayload(value, `key-${value}`));
  const consumer = new MemoryConsumer(broker, "g");
  let producer: MemoryProducer | undefined;
  const harness = processorHarness({
    consumer,
    commitPolicy: IMMEDIATE,
    build: (commit) =>
      new RunTask<KafkaPayload, KafkaPayload>((m) => {
        const value = m.value;
        if (value.kind === "broker" && m.payload.value.toString().startsWith("bad")) {
          throw new InvalidMessage(value.partition, value.offset, "bad_payload", "starts with bad");
        }
        return m.payload;
      }, new CommitOffsets(commit)),
    dlq:
      options.dlq === false
        ? undefined
        : (metrics) => {
            producer = broker.producer({ name: "dlq" });
            const config = deadLetterConfig(
              {
                dlqMaxInvalidRatio: 1,
                dlqMaxConsecutiveCount: options.maxConsecutive ?? 1000,
                dlqMaxBufferedPerPartition: 100,
              },
              { topic: "test-topic-dlq", consumer: "test-consumer" },
            );
            return new DeadLetterQueue(producer, config, metrics, silentLogger());
          },
  });
  return { broker, consumer, producer: () => producer as MemoryProducer, ...harness };
}

async function iterate(processor: { runOnce(): Promise<void> }, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await processor.runOnce();
}

describe("StreamProcessor dead-lettering", () => {
  it("produces the raw original of an invalid record once to the DLQ, with reason headers", async () => {
    const { broker, processor } = dlqSetup({ values: ["ok0", "bad1", "ok2"] });
    await iterate(processor, 6);
    const dead = broker.log(DLQ);
    expect(dead).toHaveLength(1);
    const [record] = dead;
    expect(record?.payload.value.toString()).toBe("bad1");
    expect(record?.payload.key?.toString()).toBe("key-bad1");
    const headers = Object.fromEntries(record?.payload.headers.map(([k, v]) => [k, v.toString()]) ?? []);
    expect(headers).toMatchObject({
      original_topic: "test-topic",
      original_partition: "0",
      original_offset: "1",
      consumer: "test-consumer",
      reason: "bad_payload",
      reason_detail: "starts with bad",
    });
    expect(broker.committedOffset("g", IN)).toBe(3);
  });

  it("never commits past a dead-lettered record before its DLQ write is acknowledged", async () => {
    const { broker, processor, producer } = dlqSetup({ values: ["ok0", "bad1", "ok2", "ok3"] });
    producer().holdAcks();
    // ok0 commits; bad1 is routed to the DLQ (write held); the next iteration forwards its
    // offset and must wait for the DLQ ack before committing.
    await iterate(processor, 2);
    expect(producer().pending).toBe(1);
    const waiting = processor.runOnce();
    let done = false;
    void waiting.then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(broker.committedOffset("g", IN)).toBe(1);
    expect(done).toBe(false);
    producer().releaseAcks();
    await waiting;
    await iterate(processor, 2);
    expect(broker.committedOffset("g", IN)).toBe(4);
  });

  it("stops with DlqLimitExceeded beyond the limit instead of dropping, without committing the record", async () => {
    const { broker, processor } = dlqSetup({ maxConsecutive: 1, values: ["ok0", "bad1", "bad2", "ok3"] });
    await expect(processor.run()).rejects.toBeInstanceOf(DlqLimitExceeded);
    expect(broker.log(DLQ).map((r) => r.payload.value.toString())).toEqual(["bad1"]);
    // Offset 3 would mean the record beyond the limit (at 2) was given up.
    expect(broker.committedOffset("g", IN)).toBeLessThanOrEqual(2);
  });

  it("without a DLQ, logs, counts and skips invalid records while their offsets still commit", async () => {
    const { broker, processor, metrics } = dlqSetup({ dlq: false, values: ["ok0", "bad1", "ok2"] });
    await iterate(processor, 6);
    expect(broker.log(DLQ)).toEqual([]);
    expect(broker.committedOffset("g", IN)).toBe(3);
    expect(await metricLines(metrics, "ingest_messages_invalid_total")).toEqual([
      'ingest_messages_invalid_total{consumer="test-consumer",reason="bad_payload"} 1',
    ]);
  });

  it("counts dead-lettered records by reason", async () => {
    const { processor, metrics } = dlqSetup({ values: ["bad0", "bad1"] });
    await iterate(processor, 5);
    expect(await metricLines(metrics, "ingest_messages_dead_lettered_total")).toEqual([
      'ingest_messages_dead_lettered_total{consumer="test-consumer",topic="test-topic",reason="bad_payload"} 2',
    ]);
  });

  it("routes each input topic's invalid records to that topic's own dead-letter topic", async () => {
    const broker = new MemoryBroker();
    for (const topic of ["events", "attachments", "events-dlq", "attachments-dlq"])
      broker.createTopic(topic, 1);
    broker.produce("events", kafkaPayload("bad-event"));
    broker.produce("attachments", kafkaPayload("bad-attachment"));
    const consumer = new MemoryConsumer(broker, "g");
    const { processor, metrics, clock } = processorHarness({
      consumer,
      topics: ["events", "attachments"],
      commitPolicy: IMMEDIATE,
      build: (commit) =>
        new RunTask<KafkaPayload, KafkaPayload>((m) => {
          const value = m.value;
          if (value.kind === "broker") throw new InvalidMessage(value.partition, value.offset, "bad_payload");
          return m.payload;
        }, new CommitOffsets(commit)),
      dlq: (m) =>
        createDeadLetterQueue({
          producerFactory: broker.producerFactory(),
          options: { dlqMaxInvalidRatio: 1, dlqMaxConsecutiveCount: 10, dlqMaxBufferedPerPartition: 10 },
          topics: new Map([
            ["events", "events-dlq"],
            ["attachments", "attachments-dlq"],
          ]),
          consumer: "test-consumer",
          metrics: m,
          logger: silentLogger(),
        }),
    });
    await iterate(processor, 5);
    expect(broker.log(Partition.of("events-dlq", 0)).map((r) => r.payload.value.toString())).toEqual([
      "bad-event",
    ]);
    expect(broker.log(Partition.of("attachments-dlq", 0)).map((r) => r.payload.value.toString())).toEqual([
      "bad-attachment",
    ]);
    clock.advance(1000);
    await processor.runOnce();
    expect((await metricLines(metrics, "ingest_messages_consumed_total")).sort()).toEqual([
      'ingest_messages_consumed_total{consumer="test-consumer",topic="attachments"} 1',
      'ingest_messages_consumed_total{consumer="test-consumer",topic="events"} 1',
    ]);
  });

  it("refuses to start when an input topic has no dead-letter topic", () => {
    const broker = new MemoryBroker();
    broker.createTopic("events", 1);
    expect(() =>
      processorHarness({
        consumer: new MemoryConsumer(broker, "g"),
        topics: ["events", "attachments"],
        dlq: (m) =>
          createDeadLetterQueue({
            producerFactory: broker.producerFactory(),
            options: { dlqMaxInvalidRatio: 1, dlqMaxConsecutiveCount: 10, dlqMaxBufferedPerPartition: 10 },
            topics: new Map([["events", "events-dlq"]]),
            consumer: "test-consumer",
            metrics: m,
            logger: silentLogger(),
          }),
      }),
    ).toThrow(InvalidStateError);
  });
});
