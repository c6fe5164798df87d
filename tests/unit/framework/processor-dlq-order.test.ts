import { describe, expect, it } from "vitest";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { silentLogger } from "../../../observability/logger.ts";
import type { Metrics } from "../../../observability/metrics.ts";
import { IMMEDIATE } from "../../../pipelines/commit-policy.ts";
import { DeadLetterQueue, deadLetterConfig } from "../../../pipelines/dlq.ts";
import { InvalidMessage, MessageRejected } from "../../../pipelines/errors.ts";
import { CommitOffsets } from "../../../pipelines/strategies/commit-offsets.ts";
import {
  type FilteredPayload,
  type KafkaPayload,
  Message,
  Partition,
  type ProcessingStrategy,
} from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import { kafkaPayload } from "./helpers.ts";
import { processorHarness } from "./processor-harness.ts";

/**
 * A batch step that validates its batch in its own order (highest offset first, as a
 * parallel step finishing out of order would): it raises one InvalidMessage per poll for
 * the "bad*" records, then forwards the batch in offset order, invalid ones as filtered.
 */
class ValidateBatchBackwards implements ProcessingStrategy<KafkaPayload> {
  private held: Message<KafkaPayload>[] = [];
  private toRaise: InvalidMessage[] | null = null;

  constructor(
    private readonly size: number,
    private readonly next: ProcessingStrategy<KafkaPayload>,
  ) {}

  submit(message: Message<KafkaPayload | FilteredPayload>): void {
    if (this.held.length >= this.size) throw new MessageRejected();
    this.held.push(message as Message<KafkaPayload>);
  }

  poll(): void {
    if (this.held.length >= this.size) this.drain();
    this.next.poll();
  }

  close(): void {}

  async join(timeoutMs?: number): Promise<void> {
    this.drain();
    this.next.close();
    await this.next.join(timeoutMs);
  }

  terminate(): void {
    this.next.terminate();
  }

  private drain(): void {
    if (this.toRaise === null) {
      this.toRaise = [];
      for (const m of this.held) {
        const v = m.value;
        if (v.kind === "broker" && m.payload.value.toString().startsWith("bad")) {
          this.toRaise.push(new InvalidMessage(v.partition, v.offset, "bad_payload"));
        }
      }
      this.toRaise.sort((a, b) => b.offset - a.offset);
    }
    const error = this.toRaise.shift();
    if (error !== undefined) throw error;
    for (const m of this.held) {
      if (m.payload.value.toString().startsWith("bad")) this.next.submit(Message.filtered(m.committable));
      else this.next.submit(m);
    }
    this.held = [];
    this.toRaise = null;
  }
}

const DLQ = Partition.of("test-topic-dlq", 0);

function setup(partitions: number, values: Record<number, ReadonlyArray<string>>, batch: number) {
  const broker = new MemoryBroker();
  broker.createTopic("test-topic", partitions);
  broker.createTopic("test-topic-dlq", 1);
  for (const [index, list] of Object.entries(values)) {
    for (const value of list) broker.produce(Partition.of("test-topic", Number(index)), kafkaPayload(value));
  }
  const consumer = new MemoryConsumer(broker, "g");
  let dlq: DeadLetterQueue | undefined;
  const harness = processorHarness({
    consumer,
    commitPolicy: IMMEDIATE,
    build: (commit) => new ValidateBatchBackwards(batch, new CommitOffsets(commit)),
    dlq: (metrics: Metrics) => {
      const config = deadLetterConfig(
        { dlqMaxInvalidRatio: 1, dlqMaxConsecutiveCount: 1000, dlqMaxBufferedPerPartition: 100 },
        { topic: "test-topic-dlq", consumer: "test-consumer" },
      );
      dlq = new DeadLetterQueue(broker.producer({ name: "dlq" }), config, metrics, silentLogger());
      return dlq;
    },
  });
  return { broker, ...harness, dlq: () => dlq as DeadLetterQueue };
}

function deadLettered(broker: MemoryBroker): string[] {
  return broker.log(DLQ).map((r) => r.payload.value.toString());
}

describe("StreamProcessor dead-lettering of InvalidMessages raised out of offset order", () => {
  it("dead-letters every invalid record of a batch validated backwards and commits past all of them", async () => {
    const { broker, processor } = setup(1, { 0: ["ok0", "bad1", "ok2", "bad3", "bad4", "ok5"] }, 6);
    for (let i = 0; i < 20; i++) await processor.runOnce();
    expect(deadLettered(broker).sort()).toEqual(["bad1", "bad3", "bad4"]);
    expect(broker.committedOffset("g", Partition.of("test-topic", 0))).toBe(6);
  });

  it("finds each original across several partitions when invalids of both interleave backwards", async () => {
    const { broker, processor, dlq } = setup(
      2,
      { 0: ["bad-a0", "ok-a1", "bad-a2", "ok-a3"], 1: ["bad-b0", "bad-b1", "ok-b2", "bad-b3"] },
      8,
    );
    for (let i = 0; i < 30; i++) await processor.runOnce();
    expect(deadLettered(broker).sort()).toEqual(["bad-a0", "bad-a2", "bad-b0", "bad-b1", "bad-b3"]);
    const headers = broker
      .log(DLQ)
      .map((r) => Object.fromEntries(r.payload.headers.map(([k, v]) => [k, v.toString()])))
      .map((h) => `${h.original_partition}@${h.original_offset}`)
      .sort();
    expect(headers).toEqual(["0@0", "0@2", "1@0", "1@1", "1@3"]);
    expect(broker.committedOffset("g", Partition.of("test-topic", 0))).toBe(4);
    expect(broker.committedOffset("g", Partition.of("test-topic", 1))).toBe(4);
    // Bounded: everything below the committed offsets left the buffer.
    expect(dlq().bufferedCount(Partition.of("test-topic", 0))).toBe(0);
    expect(dlq().bufferedCount(Partition.of("test-topic", 1))).toBe(0);
  });

  it("dead-letters invalids raised backwards from join when the processor shuts down", async () => {
    const { broker, processor } = setup(1, { 0: ["bad0", "ok1", "bad2"] }, 10);
    for (let i = 0; i < 5; i++) await processor.runOnce();
    expect(deadLettered(broker)).toEqual([]);
    processor.signalShutdown();
    await processor.run();
    expect(deadLettered(broker).sort()).toEqual(["bad0", "bad2"]);
    expect(broker.committedOffset("g", Partition.of("test-topic", 0))).toBe(3);
  });
});
