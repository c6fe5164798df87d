import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { KafkaConsumer, kafkaConsumerConfig } from "../../consumers/kafka-consumer.ts";
import { silentLogger } from "../../observability/logger.ts";
import type { BrokerValue, KafkaPayload } from "../../pipelines/types.ts";
import { type KafkaCodec, lz4Codec, snappyCodec, zstdCodec } from "../../producers/compression.ts";
import { kafkaClientConfig } from "../../producers/kafka-client.ts";
import { createKafkaProducerFactory } from "../../producers/kafka-producer-factory.ts";
import {
  KafkaTestTopics,
  kafkaLibDir,
  kafkaOptions,
  pollRecords,
  probeKafka,
  uniqueName,
} from "./support/kafka.ts";

// Batches compressed with every codec Kafka has, written by our producer and by the Java
// client, read back through the Kafka consumer. The codec spies prove the batches really
// were compressed that way (the broker keeps the producer's codec: compression.type=producer).

const logger = silentLogger();
const run = promisify(execFile);
const javaProducer = fileURLToPath(new URL("./support/JavaProduce.java", import.meta.url));
const ours: Record<string, KafkaCodec | null> = {
  gzip: null,
  snappy: snappyCodec,
  lz4: lz4Codec,
  zstd: zstdCodec,
};
let topics: KafkaTestTopics;

beforeAll(async () => {
  await probeKafka();
  topics = new KafkaTestTopics();
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await topics?.cleanup();
});

async function consumeAll(topic: string, count: number): Promise<BrokerValue<KafkaPayload>[]> {
  const consumer = new KafkaConsumer(
    kafkaConsumerConfig({ ...kafkaOptions, kafkaFetchMaxWaitMs: 100 }, uniqueName("compression")),
    { client: kafkaClientConfig(kafkaOptions), logger },
  );
  try {
    consumer.subscribe([topic]);
    return await pollRecords(consumer, count, 30_000);
  } finally {
    await consumer.close();
  }
}

const eventValue = (i: number) => JSON.stringify({ i, message: "our event payload ".repeat(40) });

describe.each(Object.keys(ours))("%s batches", (codec) => {
  it("written by our producer read back byte for byte", async () => {
    const topic = await topics.create(`compression-${codec}`, 2);
    const factory = createKafkaProducerFactory({ ...kafkaOptions, kafkaCompression: codec }, { logger });
    const spy = ours[codec] ? vi.spyOn(ours[codec], "compress") : null;
    try {
      const producer = factory("compression-test");
      await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          producer.produce(topic, {
            key: Buffer.from(`k${i}`),
            value: Buffer.from(eventValue(i)),
            headers: [["h", Buffer.from(`v${i}`)]],
          }),
        ),
      );
    } finally {
      await factory.close();
    }
    if (spy) expect(spy).toHaveBeenCalled();
    const records = await consumeAll(topic, 300);
    expect(records).toHaveLength(300);
    for (const record of records) {
      const { i } = JSON.parse(record.payload.value.toString());
      expect(record.payload.value.toString()).toBe(eventValue(i));
      expect(record.payload.key?.toString()).toBe(`k${i}`);
      expect(record.payload.headers.map(([k, v]) => `${k}=${v}`)).toEqual([`h=v${i}`]);
    }
  });

  it("written by the Java client read back byte for byte", async () => {
    const topic = await topics.create(`compression-java-${codec}`, 1);
    const count = 400;
    await run(
      "java",
      [
        "-cp",
        `${kafkaLibDir()}/*`,
        javaProducer,
        kafkaOptions.kafkaBrokers.join(","),
        topic,
        codec,
        String(count),
      ],
      { timeout: 90_000 },
    );
    const spy = ours[codec] ? vi.spyOn(ours[codec], "decompress") : null;
    const records = await consumeAll(topic, count);
    if (spy) expect(spy).toHaveBeenCalled();
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: count }, (_, i) => i));
    for (const [i, record] of records.entries()) {
      expect(JSON.parse(record.payload.value.toString())).toEqual({
        i,
        message: "java event payload ".repeat(40),
      });
      expect(record.payload.key?.toString()).toBe(`k${i}`);
      expect(record.payload.headers.map(([k, v]) => `${k}=${v}`)).toEqual([`h=v${i}`]);
    }
  });
});
