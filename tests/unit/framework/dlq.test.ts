import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import {
  createDeadLetterQueue,
  DeadLetterQueue,
  DLQ_REASON_DETAIL_MAX_BYTES,
  deadLetterConfig,
  deadLetterPayload,
} from "../../../pipelines/dlq.ts";
import { DlqBuffer } from "../../../pipelines/dlq-buffer.ts";
import { DlqLimitState } from "../../../pipelines/dlq-limit.ts";
import { DlqProduceFailed, DlqRecordMissing, InvalidMessage } from "../../../pipelines/errors.ts";
import { type BrokerValue, type KafkaPayload, Partition } from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import { kafkaPayload, offsets, P0, P1, settle } from "./helpers.ts";

function record(offset: number, p: Partition = P0, value = `v${offset}`): BrokerValue<KafkaPayload> {
  return { kind: "broker", payload: kafkaPayload(value, "k"), partition: p, offset, timestamp: 0 };
}

function headers(payload: KafkaPayload): Record<string, string> {
  return Object.fromEntries(payload.headers.map(([k, v]) => [k, v.toString("utf8")]));
}

describe("DlqBuffer", () => {
  it("returns a buffered record by partition and offset, dropping older ones", () => {
    const buffer = new DlqBuffer(10);
    for (let o = 0; o < 3; o++) buffer.append(record(o));
    expect(buffer.pop(P0, 1)?.offset).toBe(1);
    expect(buffer.size(P0)).toBe(1);
    expect(buffer.pop(P0, 0)).toBeUndefined();
  });

  it("evicts the oldest record past its limit", () => {
    const evicted: Partition[] = [];
    const buffer = new DlqBuffer(2, (p) => evicted.push(p));
    for (let o = 0; o < 3; o++) buffer.append(record(o));
    expect(buffer.pop(P0, 0)).toBeUndefined();
    expect(evicted).toEqual([P0]);
    expect(buffer.pop(P0, 2)?.offset).toBe(2);
  });

  it("releases records below a committed offset and drops revoked partitions", () => {
    const buffer = new DlqBuffer(10);
    for (let o = 0; o < 4; o++) buffer.append(record(o));
    buffer.append(record(0, P1));
    buffer.release(P0, 3);
    expect(buffer.size(P0)).toBe(1);
    buffer.drop([P1]);
    expect(buffer.size(P1)).toBe(0);
  });
});

describe("DlqLimitState", () => {
  it("rejects on the first record with (ratio 0, consecutive 1) once the ratio applies", () => {
    const state = new DlqLimitState({ maxInvalidRatio: 0, maxConsecutiveCount: 1, minMessagesForRatio: 0 });
    expect(state.recordInvalid(P0, 0)).not.toBeNull();
  });

  it("accepts 5 consecutive invalid records and rejects the 6th with maxConsecutiveCount 5", () => {
    const state = new DlqLimitState({ maxConsecutiveCount: 5 }, offsets([P0, 10]));
    const answers = [10, 11, 12, 13, 14, 15].map((o) => state.recordInvalid(P0, o));
    expect(answers.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(answers[5]).toMatch(/6 consecutive/);
  });

  it("restarts the consecutive count after a valid record", () => {
    const state = new DlqLimitState({ maxConsecutiveCount: 2 }, offsets([P0, 0]));
    expect([0, 1, 3, 4].map((o) => state.recordInvalid(P0, o))).toEqual([null, null, null, null]);
  });

  it("counts per partition", () => {
    const state = new DlqLimitState({ maxConsecutiveCount: 1 }, offsets([P0, 0], [P1, 0]));
    expect(state.recordInvalid(P0, 0)).toBeNull();
    expect(state.recordInvalid(P1, 0)).toBeNull();
    expect(state.recordInvalid(P0, 1)).not.toBeNull();
  });

  it("does not apply the ratio before the minimum sample, so one bad record at the start does not stop", () => {
    const state = new DlqLimitState({ maxInvalidRatio: 0.5, minMessagesForRatio: 100 }, offsets([P0, 0]));
    expect(state.recordInvalid(P0, 0)).toBeNull();
    for (let o = 1; o < 99; o++) expect(state.recordInvalid(P0, o)).toBeNull();
    expect(state.recordInvalid(P0, 99)).toMatch(/100 of 100/);
  });
});

describe("deadLetterPayload", () => {
  it("keeps the original key, value and headers and adds where-from and why headers", () => {
    const original: BrokerValue<KafkaPayload> = {
      kind: "broker",
      payload: { key: Buffer.from("key"), value: Buffer.from("value"), headers: [["h", Buffer.from("1")]] },
      partition: Partition.of("ingest-events", 2),
      offset: 41,
      timestamp: 0,
    };
    const payload = deadLetterPayload(
      original,
      new InvalidMessage(original.partition, 41, "bad_json", "at 3"),
      "c",
    );
    expect(payload.key?.toString()).toBe("key");
    expect(payload.value.toString()).toBe("value");
    expect(headers(payload)).toEqual({
      h: "1",
      original_topic: "ingest-events",
      original_partition: "2",
      original_offset: "41",
      consumer: "c",
      reason: "bad_json",
      reason_detail: "at 3",
    });
    expect(original.payload.headers).toHaveLength(1);
  });

  it("truncates the detail to 1 KiB at a character boundary", () => {
    const detail = `${"a".repeat(DLQ_REASON_DETAIL_MAX_BYTES - 1)}é and more`;
    const payload = deadLetterPayload(record(0), new InvalidMessage(P0, 0, "r", detail), "c");
    const value = payload.headers.find(([k]) => k === "reason_detail")?.[1] as Buffer;
    expect(value.length).toBe(DLQ_REASON_DETAIL_MAX_BYTES - 1);
    expect(value.toString("utf8")).toBe("a".repeat(DLQ_REASON_DETAIL_MAX_BYTES - 1));
  });
});

describe("DeadLetterQueue", () => {
  function setup(maxBufferedPerPartition = 100) {
    const broker = new MemoryBroker();
    broker.createTopic("dlq", 1);
    const producer = broker.producer();
    const config = deadLetterConfig(
      {
        dlqMaxInvalidRatio: 1,
        dlqMaxConsecutiveCount: 1000,
        dlqMaxBufferedPerPartition: maxBufferedPerPartition,
      },
      { topic: "dlq", consumer: "c" },
    );
    const metrics = createMetrics();
    const dlq = new DeadLetterQueue(producer, config, metrics, silentLogger());
    return { broker, producer, dlq, metrics };
  }

  it("produces the buffered original once per invalid record and counts it by reason", async () => {
    const { broker, dlq, metrics } = setup();
    dlq.remember(record(0));
    dlq.remember(record(1));
    await dlq.route(new InvalidMessage(P0, 1, "bad"));
    await dlq.flush(offsets([P0, 2]));
    const written = broker.log(Partition.of("dlq", 0));
    expect(written.map((r) => r.payload.value.toString())).toEqual(["v1"]);
    expect(await metrics.registry.metrics()).toContain(
      'ingest_messages_dead_lettered_total{consumer="c",topic="test-topic",reason="bad"} 1',
    );
  });

  it("makes flush wait until writes below the committed offsets are acknowledged", async () => {
    const { producer, dlq } = setup();
    producer.holdAcks();
    dlq.remember(record(0));
    await dlq.route(new InvalidMessage(P0, 0, "bad"));
    let flushed = false;
    const flushing = dlq.flush(offsets([P0, 1])).then(() => {
      flushed = true;
    });
    await settle();
    expect(flushed).toBe(false);
    producer.releaseAcks();
    await flushing;
    expect(flushed).toBe(true);
  });

  it("does not wait for writes of records at or above the committed offset", async () => {
    const { producer, dlq } = setup();
    producer.holdAcks();
    dlq.remember(record(5));
    await dlq.route(new InvalidMessage(P0, 5, "bad"));
    await dlq.flush(offsets([P0, 5]));
  });

  it("fails the flush when a write failed", async () => {
    const { producer, dlq } = setup();
    producer.failNext(new Error("dlq down"));
    dlq.remember(record(0));
    await dlq.route(new InvalidMessage(P0, 0, "bad"));
    await expect(dlq.flush(offsets([P0, 1]))).rejects.toBeInstanceOf(DlqProduceFailed);
  });

  it("stops when the record is no longer buffered", async () => {
    const { dlq } = setup(1);
    dlq.remember(record(0));
    dlq.remember(record(1));
    await expect(dlq.route(new InvalidMessage(P0, 0, "bad"))).rejects.toBeInstanceOf(DlqRecordMissing);
  });

  it("releases records that reached the commit step", async () => {
    const { dlq } = setup();
    dlq.remember(record(0));
    dlq.release(offsets([P0, 1]));
    await expect(dlq.route(new InvalidMessage(P0, 0, "bad"))).rejects.toBeInstanceOf(DlqRecordMissing);
  });
});

describe("createDeadLetterQueue", () => {
  it("writes through a producer named after the consumer, from the producer factory", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("events-dlq", 1);
    const names: string[] = [];
    const factory = broker.producerFactory();
    const dlq = createDeadLetterQueue({
      producerFactory: (name) => {
        names.push(name);
        return factory(name);
      },
      options: { dlqMaxInvalidRatio: 1, dlqMaxConsecutiveCount: 10, dlqMaxBufferedPerPartition: 10 },
      topic: "events-dlq",
      consumer: "normalize",
      metrics: createMetrics(),
      logger: silentLogger(),
    });
    dlq.remember(record(0));
    await dlq.route(new InvalidMessage(P0, 0, "bad"));
    await dlq.close();
    expect(names).toEqual(["normalize-dlq"]);
    expect(broker.log(Partition.of("events-dlq", 0))).toHaveLength(1);
  });
});
