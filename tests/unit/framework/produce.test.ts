import { describe, expect, it } from "vitest";
import { createMetrics } from "../../../observability/metrics.ts";
import { InvalidStateError, MessageRejected } from "../../../pipelines/errors.ts";
import { Produce, ProduceFailed } from "../../../pipelines/strategies/produce.ts";
import { type KafkaPayload, Message, Partition } from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import { brokerMessage, kafkaPayload, offsets, P0, RecordingStep, settle } from "./helpers.ts";

const RESULT = "results";

function setup() {
  const broker = new MemoryBroker();
  broker.createTopic(RESULT, 1);
  const producer = broker.producer();
  const next = new RecordingStep<KafkaPayload>();
  return { broker, producer, next, step: new Produce(producer, RESULT, next, { maxBufferSize: 2 }) };
}

describe("Produce", () => {
  it("writes the record to the result topic immediately on submit", () => {
    const { broker, step } = setup();
    step.submit(brokerMessage(kafkaPayload("hello"), 0));
    expect(broker.log(Partition.of(RESULT, 0)).map((r) => r.payload.value.toString())).toEqual(["hello"]);
  });

  it("forwards the original message on poll once the broker acknowledged it, polling the next step", async () => {
    const { producer, next, step } = setup();
    producer.holdAcks();
    const original = brokerMessage(kafkaPayload("a"), 5);
    step.submit(original);
    step.poll();
    expect(next.accepted).toEqual([]);
    producer.releaseAcks();
    await settle();
    step.poll();
    expect(next.accepted).toEqual([original]);
    expect(next.count("poll")).toBe(2);
  });

  it("rejects the third outstanding submit with a buffer of two", () => {
    const { producer, step } = setup();
    producer.holdAcks();
    step.submit(brokerMessage(kafkaPayload("a"), 0));
    step.submit(brokerMessage(kafkaPayload("b"), 1));
    expect(() => step.submit(brokerMessage(kafkaPayload("c"), 2))).toThrow(MessageRejected);
  });

  it("forwards poll when idle", () => {
    const { next, step } = setup();
    step.poll();
    expect(next.count("poll")).toBe(1);
  });

  it("keeps a filtered message in its place without producing it", async () => {
    const { broker, producer, next, step } = setup();
    producer.holdAcks();
    step.submit(brokerMessage(kafkaPayload("a"), 0));
    step.submit(Message.filtered(offsets([P0, 2])));
    step.poll();
    expect(next.accepted).toEqual([]);
    producer.releaseAcks();
    await settle();
    step.poll();
    expect(next.payloads().map((p) => (p === "filtered" ? p : (p as KafkaPayload).value.toString()))).toEqual(
      ["a", "filtered"],
    );
    expect(broker.endOffset(Partition.of(RESULT, 0))).toBe(1);
  });

  it("crashes when a write fails", async () => {
    const { producer, step } = setup();
    producer.failNext(new Error("broker down"));
    step.submit(brokerMessage(kafkaPayload("a"), 0));
    await settle();
    expect(() => step.poll()).toThrow(ProduceFailed);
  });

  it("counts acknowledged writes", async () => {
    const { broker } = setup();
    const metrics = createMetrics();
    const next = new RecordingStep<KafkaPayload>();
    const step = new Produce(broker.producer(), RESULT, next, {
      instrumentation: { metrics, consumer: "c", step: "p" },
    });
    step.submit(brokerMessage(kafkaPayload("a"), 0));
    step.close();
    await step.join(1000);
    expect(await metrics.registry.metrics()).toContain(
      'ingest_messages_produced_total{consumer="c",topic="results"} 1',
    );
  });

  it("throws on submit after close", () => {
    const { step } = setup();
    step.close();
    expect(() => step.submit(brokerMessage(kafkaPayload("a"), 0))).toThrow(InvalidStateError);
  });
});
