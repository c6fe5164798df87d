import {
  CompressionTypes,
  type Message as KafkajsMessage,
  type PartitionMetadata,
  type ProducerBatch,
  type RecordMetadata,
} from "kafkajs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMetrics } from "../../../observability/metrics.ts";
import { type KafkaPayload, Partition } from "../../../pipelines/types.ts";
import {
  type BatchSender,
  KafkaProducer,
  type KafkaProducerConfig,
  PartitionRecorder,
  ProduceFailed,
  ProducerClosed,
} from "../../../producers/kafka-producer.ts";
import { recordingPartitioner } from "../../../producers/kafka-producer-factory.ts";

/**
 * Stands in for kafkajs + broker: partitions each message with the same recording
 * partitioner the factory installs, appends per partition and answers with base offsets.
 */
class FakeKafka implements BatchSender {
  readonly requests: ProducerBatch[] = [];
  readonly logs = new Map<string, KafkajsMessage[][]>();
  logAppendTime = -1;
  private readonly partition: (args: {
    topic: string;
    partitionMetadata: PartitionMetadata[];
    message: KafkajsMessage;
  }) => number;
  private failures: Error[] = [];
  private held: Array<() => void> | null = null;

  constructor(
    readonly recorder: PartitionRecorder,
    private readonly partitions = 3,
  ) {
    this.partition = recordingPartitioner(recorder)();
  }

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const go of held) go();
  }

  failNext(error: Error): void {
    this.failures.push(error);
  }

  log(topic: string, index: number): KafkajsMessage[] {
    let logs = this.logs.get(topic);
    if (!logs) {
      logs = Array.from({ length: this.partitions }, () => []);
      this.logs.set(topic, logs);
    }
    return logs[index]!;
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    this.requests.push(batch);
    if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
    const failure = this.failures.shift();
    if (failure) throw failure;
    const metadata: PartitionMetadata[] = Array.from({ length: this.partitions }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    const response: RecordMetadata[] = [];
    for (const { topic, messages } of batch.topicMessages ?? []) {
      const grouped = new Map<number, KafkajsMessage[]>();
      for (const message of messages) {
        const index = this.partition({ topic, partitionMetadata: metadata, message });
        grouped.set(index, [...(grouped.get(index) ?? []), message]);
      }
      for (const [index, messages] of grouped) {
        const log = this.log(topic, index);
        const baseOffset = log.length;
        log.push(...messages);
        response.push({
          topicName: topic,
          partition: index,
          errorCode: 0,
          baseOffset: String(baseOffset),
          logAppendTime: String(this.logAppendTime),
        });
      }
    }
    return response;
  }
}

const payload = (key: string | null, value: string, headers: KafkaPayload["headers"] = []): KafkaPayload => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  headers,
});

function setup(config: Partial<KafkaProducerConfig> = {}, partitions = 3) {
  const recorder = new PartitionRecorder();
  const kafka = new FakeKafka(recorder, partitions);
  const metrics = createMetrics();
  const onClose = vi.fn(async () => {});
  const producer = new KafkaProducer(
    kafka,
    recorder,
    {
      compression: CompressionTypes.LZ4,
      lingerMs: 0,
      maxBatchSize: 1000,
      maxBatchBytes: 1_000_000,
      ...config,
    },
    { name: "test-producer", metrics, clock: { now: () => 1_700_000_000_000 }, onClose },
  );
  return { kafka, producer, metrics, onClose };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("KafkaProducer", () => {
  it("gathers records produced in the same tick into one request, with acks=all and the codec", async () => {
    const { kafka, producer } = setup();
    await Promise.all(Array.from({ length: 10 }, (_, i) => producer.produce("t", payload(`k${i}`, `v${i}`))));
    expect(kafka.requests).toHaveLength(1);
    expect(kafka.requests[0]!.acks).toBe(-1);
    expect(kafka.requests[0]!.compression).toBe(CompressionTypes.LZ4);
  });

  it("reports each record's offset as its partition's base offset plus its index there", async () => {
    const { kafka, producer } = setup();
    await producer.produce("t", payload("warm-up", "x"));
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => producer.produce("t", payload(`key-${i}`, `value-${i}`))),
    );
    for (const [i, result] of results.entries()) {
      const stored = kafka.log("t", result.partition.index)[result.offset];
      expect(stored?.value?.toString()).toBe(`value-${i}`);
      expect(result.payload.value.toString()).toBe(`value-${i}`);
    }
    expect(new Set(results.map((r) => r.partition.index)).size).toBe(3);
  });

  it("writes to the partition it is given", async () => {
    const { kafka, producer } = setup();
    const results = await Promise.all([
      producer.produce(Partition.of("t", 2), payload("a", "1")),
      producer.produce(Partition.of("t", 2), payload(null, "2")),
      producer.produce(Partition.of("t", 0), payload("a", "3")),
    ]);
    expect(results.map((r) => [r.partition.key, r.offset])).toEqual([
      ["t:2", 0],
      ["t:2", 1],
      ["t:0", 0],
    ]);
    expect(kafka.log("t", 2).map((m) => m.value?.toString())).toEqual(["1", "2"]);
  });

  it("sends several topics in one request and maps offsets per topic", async () => {
    const { kafka, producer } = setup({}, 1);
    const results = await Promise.all([
      producer.produce("a", payload(null, "a0")),
      producer.produce("b", payload(null, "b0")),
      producer.produce("a", payload(null, "a1")),
    ]);
    expect(kafka.requests).toHaveLength(1);
    expect(kafka.requests[0]!.topicMessages?.map((t) => t.topic)).toEqual(["a", "b"]);
    expect(results.map((r) => `${r.partition.key}@${r.offset}`)).toEqual(["a:0@0", "b:0@0", "a:0@1"]);
  });

  it("keeps one request in flight and sends what queued meanwhile in the next, in order", async () => {
    const { kafka, producer } = setup({}, 1);
    kafka.hold();
    const first = Array.from({ length: 3 }, (_, i) => producer.produce("t", payload(null, `first-${i}`)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(kafka.requests).toHaveLength(1);
    const second = Array.from({ length: 4 }, (_, i) => producer.produce("t", payload(null, `second-${i}`)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(kafka.requests).toHaveLength(1);
    expect(producer.queued).toBe(4);
    kafka.release();
    const offsets = (await Promise.all([...first, ...second])).map((r) => r.offset);
    expect(offsets).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(kafka.requests).toHaveLength(2);
    expect(kafka.log("t", 0).map((m) => m.value?.toString())).toEqual([
      "first-0",
      "first-1",
      "first-2",
      "second-0",
      "second-1",
      "second-2",
      "second-3",
    ]);
  });

  it("caps a request at maxBatchSize records", async () => {
    const { kafka, producer } = setup({ maxBatchSize: 4 }, 1);
    await Promise.all(Array.from({ length: 10 }, (_, i) => producer.produce("t", payload(null, `${i}`))));
    expect(kafka.requests.map((r) => r.topicMessages?.[0]?.messages.length)).toEqual([4, 4, 2]);
  });

  it("caps a request's bytes, sending an oversized record alone", async () => {
    const { kafka, producer } = setup({ maxBatchBytes: 1000 }, 1);
    const sizes = [300, 300, 300, 300, 5000, 100];
    await Promise.all(sizes.map((size) => producer.produce("t", payload(null, "x".repeat(size)))));
    expect(kafka.requests.map((r) => r.topicMessages?.[0]?.messages.length)).toEqual([3, 1, 1, 1]);
  });

  it("waits lingerMs before sending a partial batch", async () => {
    vi.useFakeTimers();
    const { kafka, producer } = setup({ lingerMs: 50 });
    const pending = producer.produce("t", payload("k", "v"));
    await vi.advanceTimersByTimeAsync(49);
    expect(kafka.requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(kafka.requests).toHaveLength(1);
    await expect(pending).resolves.toMatchObject({ offset: 0 });
  });

  it("fails every record of a refused request with ProduceFailed, and carries on afterwards", async () => {
    const { kafka, producer } = setup({}, 1);
    const cause = new Error("NOT_ENOUGH_REPLICAS");
    kafka.failNext(cause);
    const failed = await Promise.allSettled([
      producer.produce("t", payload(null, "a")),
      producer.produce("t", payload(null, "b")),
    ]);
    for (const outcome of failed) {
      expect(outcome.status).toBe("rejected");
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(ProduceFailed);
      expect(reason.cause).toBe(cause);
    }
    await expect(producer.produce("t", payload(null, "c"))).resolves.toMatchObject({ offset: 0 });
  });

  it("flushes queued records on close, then refuses new ones", async () => {
    const { kafka, producer, onClose } = setup({ lingerMs: 10_000 }, 1);
    const pending = producer.produce("t", payload(null, "queued"));
    await producer.close();
    await expect(pending).resolves.toMatchObject({ offset: 0 });
    expect(kafka.requests).toHaveLength(1);
    expect(onClose).toHaveBeenCalledOnce();
    await expect(producer.produce("t", payload(null, "late"))).rejects.toBeInstanceOf(ProducerClosed);
  });

  it("passes repeated header names through as kafkajs header arrays", async () => {
    const { kafka, producer } = setup({}, 1);
    await producer.produce(
      "t",
      payload(null, "v", [
        ["a", Buffer.from("1")],
        ["b", Buffer.from("2")],
        ["a", Buffer.from("3")],
      ]),
    );
    const headers = kafka.log("t", 0)[0]!.headers!;
    expect(Object.keys(headers)).toEqual(["a", "b"]);
    expect((headers.a as Buffer[]).map(String)).toEqual(["1", "3"]);
    expect(String(headers.b)).toBe("2");
  });

  it("stamps records with the producer clock, or the broker's time on LogAppendTime topics", async () => {
    const { kafka, producer } = setup({}, 1);
    expect((await producer.produce("t", payload(null, "v"))).timestamp).toBe(1_700_000_000_000);
    kafka.logAppendTime = 1_800_000_000_000;
    expect((await producer.produce("t", payload(null, "v"))).timestamp).toBe(1_800_000_000_000);
  });

  it("counts acknowledged records per topic in ingest_messages_produced_total", async () => {
    const { producer, metrics } = setup();
    await Promise.all([producer.produce("a", payload("1", "x")), producer.produce("a", payload("2", "y"))]);
    const values = (await metrics.messagesProduced.get()).values;
    expect(values).toEqual([{ labels: { consumer: "test-producer", topic: "a" }, value: 2 }]);
  });
});
