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
import {
  type BrokerValue,
  type Committable,
  type KafkaPayload,
  Partition,
} from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import type { MemoryProducer } from "../../../producers/memory-producer.ts";
import { kafkaPayload, offsets, P0, P1, settle } from "./helpers.ts";

function record(offset: number, p: Partition = P0, value = `v${offset}`): BrokerValue<KafkaPayload> {
  return { kind: "broker", payload: kafkaPayload(value, "k"), partition: p, offset, timestamp: 0 };
}

function headers(payload: KafkaPayload): Record<string, string> {
  return Object.fromEntries(payload.headers.map(([k, v]) => [k, v.toString("utf8")]));
}

describe("DlqBuffer", () => {
  it("returns a buffered record by partition and offset, keeping the older and newer ones", () => {
    const buffer = new DlqBuffer(10);
    for (let o = 0; o < 3; o++) buffer.append(record(o));
    expect(buffer.pop(P0, 1)?.offset).toBe(1);
    expect(buffer.size(P0)).toBe(2);
    expect(buffer.pop(P0, 1)).toBeUndefined();
    expect(buffer.pop(P0, 0)?.offset).toBe(0);
    expect(buffer.pop(P0, 2)?.offset).toBe(2);
    expect(buffer.span(P0)).toBe(0);
  });

  it("finds every record whatever order they are taken in", () => {
    const buffer = new DlqBuffer(100);
    for (let o = 10; o < 30; o++) buffer.append(record(o));
    const order = [17, 12, 29, 10, 11, 25, 13, 28, 14, 15, 16, 18, 19, 20, 27, 21, 22, 26, 23, 24];
    for (const o of order) expect(buffer.pop(P0, o)?.payload.value.toString()).toBe(`v${o}`);
    expect(buffer.size(P0)).toBe(0);
    expect(buffer.span(P0)).toBe(0);
  });

  it("keeps partitions apart when invalids of several partitions come out of order", () => {
    const buffer = new DlqBuffer(100);
    for (let o = 0; o < 5; o++) {
      buffer.append(record(o, P0, `a${o}`));
      buffer.append(record(o, P1, `b${o}`));
    }
    expect(buffer.pop(P1, 4)?.payload.value.toString()).toBe("b4");
    expect(buffer.pop(P0, 3)?.payload.value.toString()).toBe("a3");
    expect(buffer.pop(P1, 0)?.payload.value.toString()).toBe("b0");
    expect(buffer.pop(P0, 1)?.payload.value.toString()).toBe("a1");
    expect(buffer.pop(P1, 2)?.payload.value.toString()).toBe("b2");
    expect([buffer.size(P0), buffer.size(P1)]).toEqual([3, 2]);
  });

  it("drops records below the committed offset, taken or not, so memory stays bounded", () => {
    const buffer = new DlqBuffer(1_000_000);
    for (let o = 0; o < 10_000; o++) {
      buffer.append(record(o));
      if (o % 7 === 3) expect(buffer.pop(P0, o - 2)?.offset).toBe(o - 2);
      if (o % 100 === 99) buffer.release(P0, o - 49);
    }
    expect(buffer.span(P0)).toBeLessThanOrEqual(50);
    buffer.release(P0, 10_000);
    expect(buffer.span(P0)).toBe(0);
    expect(buffer.miss(P0, 5)).toBe("released");
  });

  it("bounds a partition's slots, taken ones between held ones included", () => {
    const evicted: Partition[] = [];
    const buffer = new DlqBuffer(3, (p) => evicted.push(p));
    for (let o = 0; o < 3; o++) buffer.append(record(o));
    buffer.pop(P0, 1);
    buffer.append(record(3));
    expect(evicted).toEqual([P0]);
    expect(buffer.pop(P0, 0)).toBeUndefined();
    expect(buffer.miss(P0, 0)).toBe("evicted");
    expect(buffer.span(P0)).toBe(2);
    expect(buffer.pop(P0, 2)?.offset).toBe(2);
    expect(buffer.pop(P0, 3)?.offset).toBe(3);
  });

  it("replaces the records a seek back redelivers instead of keeping two copies", () => {
    const buffer = new DlqBuffer(10);
    for (let o = 0; o < 5; o++) buffer.append(record(o));
    buffer.append(record(2, P0, "again2"));
    expect(buffer.span(P0)).toBe(3);
    expect(buffer.pop(P0, 2)?.payload.value.toString()).toBe("again2");
    expect(buffer.pop(P0, 4)).toBeUndefined();
    expect(buffer.pop(P0, 0)?.offset).toBe(0);
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

  it("does not count an invalid record raised out of order as valid too", () => {
    const state = new DlqLimitState({ maxInvalidRatio: 0.5, minMessagesForRatio: 4 }, offsets([P0, 0]));
    expect(state.recordInvalid(P0, 3)).toBeNull();
    // Offsets 0-2 counted valid; 1 and then 0 turn out invalid: 3 of 4 invalid > 0.5.
    expect(state.recordInvalid(P0, 1)).toBeNull();
    expect(state.recordInvalid(P0, 0)).not.toBeNull();
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

/** `flush(committed)` stays pending while the producer holds acks, and ends once they come. */
async function expectFlushHeldUntilAcked(
  producer: MemoryProducer,
  dlq: DeadLetterQueue,
  committed: Committable,
): Promise<void> {
  let flushed = false;
  const flushing = dlq.flush(committed).then(() => {
    flushed = true;
  });
  await settle();
  expect(flushed).toBe(false);
  producer.releaseAcks();
  await flushing;
  expect(flushed).toBe(true);
}

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
    await expectFlushHeldUntilAcked(producer, dlq, offsets([P0, 1]));
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

  it("dead-letters invalids raised in any order within the buffered window, each with its original", async () => {
    const { broker, dlq } = setup();
    for (let o = 0; o < 6; o++) dlq.remember(record(o));
    for (const o of [4, 1, 5, 0]) await dlq.route(new InvalidMessage(P0, o, "bad"));
    await dlq.flush(offsets([P0, 6]));
    const written = broker.log(Partition.of("dlq", 0));
    expect(written.map((r) => r.payload.value.toString())).toEqual(["v4", "v1", "v5", "v0"]);
  });

  it("makes flush wait for a lower write queued behind a higher one", async () => {
    const { producer, dlq } = setup();
    for (let o = 0; o < 6; o++) dlq.remember(record(o));
    await dlq.route(new InvalidMessage(P0, 5, "bad"));
    producer.holdAcks();
    await dlq.route(new InvalidMessage(P0, 2, "bad"));
    await expectFlushHeldUntilAcked(producer, dlq, offsets([P0, 3]));
  });

  it("fails the flush when a lower write queued behind a higher one failed", async () => {
    const { producer, dlq } = setup();
    for (let o = 0; o < 6; o++) dlq.remember(record(o));
    producer.holdAcks();
    await dlq.route(new InvalidMessage(P0, 5, "bad"));
    producer.releaseAcks();
    producer.failNext(new Error("dlq down"));
    await dlq.route(new InvalidMessage(P0, 2, "bad"));
    await settle();
    await expect(dlq.flush(offsets([P0, 3]))).rejects.toBeInstanceOf(DlqProduceFailed);
  });

  it("skips, logs and counts an invalid record of a partition revoked meanwhile instead of crashing", async () => {
    const { broker, dlq, metrics } = setup();
    for (let o = 0; o < 3; o++) {
      dlq.remember(record(o, P0));
      dlq.remember(record(o, P1));
    }
    dlq.revoke([P0]);
    await dlq.route(new InvalidMessage(P0, 1, "bad"));
    await dlq.route(new InvalidMessage(P1, 1, "bad"));
    await dlq.flush(offsets([P1, 3]));
    expect(broker.log(Partition.of("dlq", 0)).map((r) => r.payload.value.toString())).toEqual(["v1"]);
    expect(await metrics.registry.metrics()).toContain(
      'ingest_dlq_invalid_after_revoke_total{consumer="c"} 1',
    );
    expect(dlq.bufferedCount(P0)).toBe(0);
  });

  it("stops again on a missing record once a revoked partition is assigned back", async () => {
    const { dlq } = setup();
    dlq.remember(record(0));
    dlq.revoke([P0]);
    dlq.assign(offsets([P0, 5]));
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
