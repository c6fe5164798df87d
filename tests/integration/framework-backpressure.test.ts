import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../observability/logger.ts";
import { CommitOffsets, InvalidStateError, MessageRejected } from "../../pipelines/index.ts";
import type {
  Commit,
  FilteredPayload,
  KafkaPayload,
  Message,
  Partition,
  ProcessingStrategy,
} from "../../pipelines/types.ts";
import { createKafkaProducerFactory } from "../../producers/kafka-producer-factory.ts";
import {
  committedToEnd,
  kafkaConsumer,
  startProcessor,
  strategyFactory,
  testOptions,
  waitFor,
} from "./support/framework.ts";
import { KafkaTestTopics, probeKafka, uniqueName } from "./support/kafka.ts";

// A final step slower than the topic: it holds a few messages and refuses more
// (MessageRejected), so the processor carries the message, pauses the partitions and keeps
// polling while paused. The fetch buffer must stay bounded and nothing may be lost or
// reordered.

const logger = silentLogger();
let topics: KafkaTestTopics;

beforeAll(async () => {
  await probeKafka();
  topics = new KafkaTestTopics();
});

afterAll(async () => {
  await topics?.cleanup();
});

/**
 * Accepts up to `capacity` messages and finishes what it holds once every `periodMs`, like a
 * sink writing slow batches: between writes every submit is refused, for longer than the
 * processor's pause threshold.
 */
class SlowSink implements ProcessingStrategy<KafkaPayload> {
  private readonly held: Array<Message<KafkaPayload | FilteredPayload>> = [];
  private lastDone = Date.now();
  private closed = false;
  readonly done: Array<{ partition: Partition; offset: number }> = [];

  constructor(
    private readonly next: ProcessingStrategy<unknown>,
    private readonly capacity: number,
    private readonly periodMs: number,
  ) {}

  submit(message: Message<KafkaPayload | FilteredPayload>): void {
    if (this.closed) throw new InvalidStateError("SlowSink: submit after close");
    if (this.held.length >= this.capacity) throw new MessageRejected();
    this.held.push(message);
  }

  poll(): void {
    const now = Date.now();
    if (this.held.length >= this.capacity && now - this.lastDone >= this.periodMs) {
      while (this.held.length > 0) this.finish(this.held.shift()!);
      this.lastDone = now;
    }
    this.next.poll();
  }

  private finish(message: Message<KafkaPayload | FilteredPayload>): void {
    const value = message.value;
    if (value.kind === "broker") this.done.push({ partition: value.partition, offset: value.offset });
    this.next.submit(message);
  }

  close(): void {
    this.closed = true;
  }

  async join(timeoutMs?: number): Promise<void> {
    while (this.held.length > 0) this.finish(this.held.shift()!);
    this.next.close();
    await this.next.join(timeoutMs);
  }

  terminate(): void {
    this.held.length = 0;
    this.next.terminate();
  }
}

describe("backpressure on Kafka", () => {
  it("pauses the partitions behind a slow final step, stays bounded, and loses or reorders nothing", async () => {
    const topic = await topics.create("backpressure", 2);
    const total = 2000;
    const recordBytes = 1024;
    const factory = createKafkaProducerFactory(
      testOptions({ kafkaProducerMaxBatchBytes: 64 * 1024, kafkaCompression: "none" }),
      { logger },
    );
    try {
      const producer = factory("backpressure-test");
      await Promise.all(
        Array.from({ length: total }, () =>
          producer.produce(topic, { key: null, value: randomBytes(recordBytes), headers: [] }),
        ),
      );
    } finally {
      await factory.close();
    }

    const bufferBytes = 128 * 1024;
    const options = testOptions({ kafkaConsumerBufferBytes: bufferBytes, backpressurePauseAfterMs: 200 });
    const group = uniqueName("backpressure");
    const consumer = kafkaConsumer(group, options);
    const sinks: SlowSink[] = [];
    const running = startProcessor({
      name: "backpressure",
      topic,
      consumer,
      options,
      factory: strategyFactory((commit: Commit) => {
        const sink = new SlowSink(new CommitOffsets(commit), 100, 300);
        sinks.push(sink);
        return sink;
      }),
    });

    let sawPaused = false;
    let peakBuffered = 0;
    const sampler = setInterval(() => {
      if (consumer.closed) return;
      if (consumer.paused().length > 0) sawPaused = true;
      peakBuffered = Math.max(peakBuffered, consumer.bufferedBytes);
    }, 20);
    const finished = await waitFor(
      () =>
        sinks.reduce((n, s) => n + s.done.length, 0) >= total && committedToEnd(topics.admin, group, topic),
      50_000,
    );
    clearInterval(sampler);
    await running.stop();

    expect(finished).toBe(true);
    expect(sawPaused).toBe(true);
    // The buffer limit plus one fetch of at most min(1 MiB, limit) per partition.
    expect(peakBuffered).toBeLessThanOrEqual(bufferBytes + 2 * bufferBytes + 64 * 1024);
    const done = sinks.flatMap((s) => s.done);
    expect(done).toHaveLength(total);
    const byPartition = new Map<string, number[]>();
    for (const { partition, offset } of done) {
      byPartition.set(partition.key, [...(byPartition.get(partition.key) ?? []), offset]);
    }
    const end = await topics.admin.endOffsets(topic);
    for (const [p, endOffset] of end) {
      expect(byPartition.get(p.key)).toEqual(Array.from({ length: endOffset }, (_, i) => i));
    }
  });
});
