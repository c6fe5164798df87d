import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../observability/logger.ts";
import { CommitOffsets, type Message, Produce, Reduce, RunTask } from "../../pipelines/index.ts";
import type { KafkaPayload } from "../../pipelines/types.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import {
  committedToEnd,
  kafkaConsumer,
  startProcessor,
  strategyFactory,
  testOptions,
  waitFor,
} from "./support/framework.ts";
import { KafkaTestTopics, pollRecords, probeKafka, uniqueName } from "./support/kafka.ts";

// The StreamProcessor over real Kafka: a long chain commits exactly to the end with every
// record processed once, and Produce forwards keep per-partition order.

const logger = silentLogger();
let topics: KafkaTestTopics;
let factory: KafkaProducerFactory;

beforeAll(async () => {
  await probeKafka();
  topics = new KafkaTestTopics();
  factory = createKafkaProducerFactory(testOptions({ kafkaProducerLingerMs: 1 }), { logger });
});

afterAll(async () => {
  await factory?.close();
  await topics?.cleanup();
});

async function produceNumbers(
  topic: string,
  count: number,
  key: (i: number) => string | null,
): Promise<void> {
  const producer = factory("framework-test");
  const chunk = 10_000;
  for (let from = 0; from < count; from += chunk) {
    const size = Math.min(chunk, count - from);
    await Promise.all(
      Array.from({ length: size }, (_, k) => {
        const i = from + k;
        const name = key(i);
        return producer.produce(topic, {
          key: name === null ? null : Buffer.from(name),
          value: Buffer.from(JSON.stringify({ i })),
          headers: [],
        });
      }),
    );
  }
}

describe("StreamProcessor on Kafka", () => {
  it("runs 100k messages through RunTask → Reduce → CommitOffsets, each processed once, committed to the end", async () => {
    const topic = await topics.create("chain-100k", 3);
    const total = 100_000;
    await produceNumbers(topic, total, () => null);
    const group = uniqueName("chain");
    const options = testOptions();
    const seen = new Uint8Array(total);
    let processed = 0;
    let batches = 0;
    let batched = 0;
    const running = startProcessor({
      name: "chain-100k",
      topic,
      consumer: kafkaConsumer(group, options),
      options,
      factory: strategyFactory(
        (commit) =>
          new RunTask<KafkaPayload, number>(
            (message: Message<KafkaPayload>) => {
              const { i } = JSON.parse(message.payload.value.toString()) as { i: number };
              seen[i] = (seen[i] ?? 0) + 1;
              processed += 1;
              return i;
            },
            new Reduce<number, number>(
              new RunTask<number, number>((batch) => {
                batches += 1;
                batched += batch.payload;
                return batch.payload;
              }, new CommitOffsets(commit)),
              {
                maxBatchSize: 1000,
                maxBatchTimeMs: 500,
                accumulator: (count) => count + 1,
                initialValue: () => 0,
              },
            ),
          ),
      ),
    });
    const started = Date.now();
    const finished = await waitFor(
      () => processed >= total && committedToEnd(topics.admin, group, topic),
      50_000,
    );
    const seconds = (Date.now() - started) / 1000;
    await running.stop();
    expect(finished).toBe(true);
    expect(processed).toBe(total);
    expect(seen.every((count) => count === 1)).toBe(true);
    expect(await committedToEnd(topics.admin, group, topic)).toBe(true);
    expect(batched).toBe(total);
    expect(batches).toBeGreaterThanOrEqual(total / 1000);
    console.info(
      JSON.stringify({
        test: "chain-100k",
        messages: total,
        seconds,
        perSecond: Math.round(total / seconds),
      }),
    );
  });

  it("keeps per-partition order when Produce forwards to the next topic", async () => {
    const input = await topics.create("produce-in", 3);
    const output = await topics.create("produce-out", 3);
    const total = 6000;
    const keyOf = (i: number) => `key-${i % 40}`;
    await produceNumbers(input, total, keyOf);
    const group = uniqueName("produce");
    const options = testOptions();
    const producer = factory("produce-step");
    const running = startProcessor({
      name: "produce-order",
      topic: input,
      consumer: kafkaConsumer(group, options),
      options,
      factory: strategyFactory(
        (commit) => new Produce(producer, output, new CommitOffsets(commit), { maxBufferSize: 2000 }),
      ),
    });
    expect(await waitFor(() => committedToEnd(topics.admin, group, input), 40_000)).toBe(true);
    await running.stop();

    const reader = kafkaConsumer(uniqueName("produce-check"), options);
    try {
      reader.subscribe([output]);
      const records = await pollRecords(reader, total, 30_000);
      expect(records).toHaveLength(total);
      // Same key → same input partition → same output partition, in the order produced.
      const byKey = new Map<string, number[]>();
      for (const record of records) {
        const key = record.payload.key!.toString();
        byKey.set(key, [...(byKey.get(key) ?? []), JSON.parse(record.payload.value.toString()).i]);
      }
      for (const [key, values] of byKey) {
        const expected = Array.from({ length: total }, (_, i) => i).filter((i) => keyOf(i) === key);
        expect({ key, values }).toEqual({ key, values: expected });
      }
      // And per output partition, offsets follow input order within each key's partition.
      const lastByPartition = new Map<string, number>();
      for (const record of records) {
        expect(record.offset).toBeGreaterThan(lastByPartition.get(record.partition.key) ?? -1);
        lastByPartition.set(record.partition.key, record.offset);
      }
    } finally {
      await reader.close();
    }
  });
});
