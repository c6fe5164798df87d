import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";
import {
  CommitOffsets,
  DeadLetterQueue,
  DLQ_HEADERS,
  DlqLimitExceeded,
  deadLetterConfig,
  InvalidMessage,
  RunTask,
} from "../../pipelines/index.ts";
import type { KafkaPayload, Message } from "../../pipelines/types.ts";
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

// Invalid records go to the dead-letter topic with their original bytes and the headers
// naming where they came from and why; past the DLQ limit the consumer stops instead of
// dropping, and does not commit past what it could not handle.

const logger = silentLogger();
let topics: KafkaTestTopics;
let factory: KafkaProducerFactory;

beforeAll(async () => {
  await probeKafka();
  topics = new KafkaTestTopics();
  factory = createKafkaProducerFactory(testOptions(), { logger });
});

afterAll(async () => {
  await factory?.close();
  await topics?.cleanup();
});

const isBad = (i: number) => i % 10 === 3;

async function produceMixed(topic: string, count: number, bad: (i: number) => boolean): Promise<void> {
  const producer = factory("dlq-input");
  for (let i = 0; i < count; i++) {
    // Sequential, so offsets equal i on the single partition.
    await producer.produce(topic, {
      key: Buffer.from(`key-${i}`),
      value: Buffer.from(bad(i) ? `not json ${i}` : JSON.stringify({ i })),
      headers: [["origin", Buffer.from(`h${i}`)]],
    });
  }
}

function chain(name: string) {
  return strategyFactory(
    (commit) =>
      new RunTask<KafkaPayload, number>((message: Message<KafkaPayload>) => {
        const value = message.value;
        try {
          return JSON.parse(message.payload.value.toString()).i as number;
        } catch (cause) {
          if (value.kind !== "broker") throw cause;
          throw new InvalidMessage(value.partition, value.offset, "invalid_json", `${name}: not JSON`, {
            cause,
          });
        }
      }, new CommitOffsets(commit)),
  );
}

describe("dead-letter queue on Kafka", () => {
  it("routes invalid records to the DLQ topic with the original bytes and the DLQ headers", async () => {
    const input = await topics.create("dlq-in", 1);
    const dlqTopic = await topics.create("dlq-out", 1);
    const total = 200;
    await produceMixed(input, total, isBad);
    const group = uniqueName("dlq");
    const options = testOptions();
    const dlq = new DeadLetterQueue(
      factory("dlq-writer"),
      deadLetterConfig(options, { topic: dlqTopic, consumer: "dlq-consumer" }),
      createMetrics(),
      logger,
    );
    const running = startProcessor({
      name: "dlq-consumer",
      topic: input,
      options,
      dlq,
      consumer: kafkaConsumer(group, options),
      factory: chain("dlq-consumer"),
    });
    const finished = await waitFor(() => committedToEnd(topics.admin, group, input), 40_000);
    await running.stop();
    expect(finished).toBe(true);

    const reader = kafkaConsumer(uniqueName("dlq-reader"), options);
    try {
      reader.subscribe([dlqTopic]);
      const expected = Array.from({ length: total }, (_, i) => i).filter(isBad);
      const letters = await pollRecords(reader, expected.length + 1, 5000);
      expect(letters).toHaveLength(expected.length);
      for (const [n, letter] of letters.entries()) {
        const i = expected[n]!;
        expect(letter.payload.key?.toString()).toBe(`key-${i}`);
        expect(letter.payload.value.toString()).toBe(`not json ${i}`);
        const headers = Object.fromEntries(letter.payload.headers.map(([k, v]) => [k, v.toString()]));
        expect(headers).toEqual({
          origin: `h${i}`,
          [DLQ_HEADERS.originalTopic]: input,
          [DLQ_HEADERS.originalPartition]: "0",
          [DLQ_HEADERS.originalOffset]: String(i),
          [DLQ_HEADERS.consumer]: "dlq-consumer",
          [DLQ_HEADERS.reason]: "invalid_json",
          [DLQ_HEADERS.reasonDetail]: "dlq-consumer: not JSON",
        });
      }
    } finally {
      await reader.close();
    }
  });

  it("stops the consumer when the DLQ limit is exceeded, without committing past it", async () => {
    const input = await topics.create("dlq-limit-in", 1);
    const dlqTopic = await topics.create("dlq-limit-out", 1);
    // 50 good records, then 10 bad in a row, then 40 good: the limit allows 3 in a row.
    await produceMixed(input, 100, (i) => i >= 50 && i < 60);
    const group = uniqueName("dlq-limit");
    const options = testOptions({ dlqMaxConsecutiveCount: 3 });
    const dlq = new DeadLetterQueue(
      factory("dlq-limit-writer"),
      deadLetterConfig(options, { topic: dlqTopic, consumer: "dlq-limit" }),
      createMetrics(),
      logger,
    );
    const running = startProcessor({
      name: "dlq-limit",
      topic: input,
      options,
      dlq,
      consumer: kafkaConsumer(group, options),
      factory: chain("dlq-limit"),
    });
    await expect(running.done).rejects.toBeInstanceOf(DlqLimitExceeded);
    const committed = [...(await topics.admin.committedOffsets(group, [input])).values()];
    // The fourth bad record (offset 53) stopped it: nothing at or past it is committed.
    expect(committed.every((offset) => offset <= 53)).toBe(true);
    const reader = kafkaConsumer(uniqueName("dlq-limit-reader"), options);
    try {
      reader.subscribe([dlqTopic]);
      const letters = await pollRecords(reader, 4, 5000);
      expect(letters.map((l) => l.payload.value.toString())).toEqual([
        "not json 50",
        "not json 51",
        "not json 52",
      ]);
    } finally {
      await reader.close();
    }
  });
});
