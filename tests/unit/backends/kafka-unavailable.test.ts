import {
  CompressionTypes,
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  type ProducerBatch,
  type RecordMetadata,
} from "kafkajs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Partition } from "../../../pipelines/types.ts";
import { isBrokerUnavailable } from "../../../producers/kafka-client.ts";
import {
  type BatchSender,
  KafkaProducer,
  PartitionRecorder,
  ProduceFailed,
} from "../../../producers/kafka-producer.ts";

// What a broker restart looks like to the producer: kafkajs gives up on a request long
// before the broker is back (a failed reconnect ends its retries at once), so KafkaProducer
// sends the same request again for a bounded time, but only for "cluster unavailable".

function protocolError(type: string): KafkaJSProtocolError {
  return Object.assign(new KafkaJSProtocolError(type), { type });
}

/** kafkajs's KafkaJSConnectionClosedError (exported at run time, missing from its typings). */
function connectionClosed(): KafkaJSConnectionError {
  return Object.assign(new KafkaJSConnectionError("Closed connection"), {
    name: "KafkaJSConnectionClosedError",
  });
}

/** kafkajs's shape after a reconnect failed inside its retrier. */
function reconnectFailed(): KafkaJSNonRetriableError {
  const refused = new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:9092");
  return Object.assign(new KafkaJSNonRetriableError(refused), { cause: refused });
}

class FlakySender implements BatchSender {
  readonly requests: ProducerBatch[] = [];
  constructor(private readonly failures: Error[]) {}
  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    this.requests.push(batch);
    const failure = this.failures.shift();
    if (failure) throw failure;
    return [{ topicName: "t", partition: 0, errorCode: 0, baseOffset: "7", logAppendTime: "-1" }];
  }
}

function producerOver(sender: BatchSender, unavailableRetryMs: number): KafkaProducer {
  return new KafkaProducer(
    sender,
    new PartitionRecorder(),
    {
      compression: CompressionTypes.None,
      lingerMs: 0,
      maxBatchSize: 100,
      maxBatchBytes: 1 << 20,
      unavailableRetryMs,
    },
    { name: "flaky" },
  );
}

const record = { key: null, value: Buffer.from("v"), headers: [] };
const T0 = Partition.of("t", 0);

afterEach(() => {
  vi.useRealTimers();
});

describe("isBrokerUnavailable", () => {
  it("recognises connection failures, also behind kafkajs's retry wrappers", () => {
    expect(isBrokerUnavailable(new KafkaJSConnectionError("refused"))).toBe(true);
    expect(isBrokerUnavailable(connectionClosed())).toBe(true);
    expect(isBrokerUnavailable(reconnectFailed())).toBe(true);
    const closed = connectionClosed();
    expect(
      isBrokerUnavailable(new KafkaJSNumberOfRetriesExceeded(closed, { retryCount: 5, retryTime: 9000 })),
    ).toBe(true);
  });

  it("recognises a coordinator or leader that is loading or moving", () => {
    for (const type of ["GROUP_LOAD_IN_PROGRESS", "NOT_COORDINATOR_FOR_GROUP", "NOT_LEADER_FOR_PARTITION"]) {
      expect(isBrokerUnavailable(protocolError(type))).toBe(true);
    }
  });

  it("does not excuse errors about the request itself or the group membership", () => {
    for (const type of ["OUT_OF_ORDER_SEQUENCE_NUMBER", "UNKNOWN_TOPIC_OR_PARTITION", "ILLEGAL_GENERATION"]) {
      expect(isBrokerUnavailable(protocolError(type))).toBe(false);
    }
    expect(isBrokerUnavailable(new Error("boom"))).toBe(false);
    expect(isBrokerUnavailable("ECONNREFUSED")).toBe(false);
  });
});

describe("KafkaProducer while the cluster is unavailable", () => {
  it("sends the same request again until the broker is back, and acknowledges once", async () => {
    vi.useFakeTimers();
    const sender = new FlakySender([reconnectFailed(), connectionClosed()]);
    const producer = producerOver(sender, 60_000);
    const acked = producer.produce(T0, record);
    await vi.runAllTimersAsync();
    await expect(acked).resolves.toMatchObject({ offset: 7 });
    expect(sender.requests).toHaveLength(3);
    // The very same message objects: they keep their partition and sequence numbers.
    const [first, ...again] = sender.requests.map((request) => request.topicMessages?.[0]?.messages[0]);
    for (const message of again) expect(message).toBe(first);
  });

  it("fails at once on an error that is not about availability", async () => {
    const cause = protocolError("OUT_OF_ORDER_SEQUENCE_NUMBER");
    const sender = new FlakySender([cause]);
    const producer = producerOver(sender, 60_000);
    const outcome = await producer.produce(T0, record).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(ProduceFailed);
    expect((outcome as ProduceFailed).cause).toBe(cause);
    expect(sender.requests).toHaveLength(1);
  });

  it("gives up with ProduceFailed once the outage outlasts its budget", async () => {
    vi.useFakeTimers();
    const sender = new FlakySender(Array.from({ length: 100 }, () => reconnectFailed()));
    const producer = producerOver(sender, 3000);
    const outcome = producer.produce(T0, record).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await outcome).toBeInstanceOf(ProduceFailed);
    // 250 + 500 + 1000 ms of backoff fit in 3 s; the next 2 s would not.
    expect(sender.requests).toHaveLength(4);
  });

  it("does not retry at all with a zero budget", async () => {
    const sender = new FlakySender([reconnectFailed()]);
    const producer = producerOver(sender, 0);
    expect(await producer.produce(T0, record).catch((error: unknown) => error)).toBeInstanceOf(ProduceFailed);
    expect(sender.requests).toHaveLength(1);
  });
});
