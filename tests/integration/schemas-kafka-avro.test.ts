import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaConsumer, kafkaConsumerConfig } from "../../consumers/kafka-consumer.ts";
import { silentLogger } from "../../observability/logger.ts";
import type { KafkaPayload } from "../../pipelines/types.ts";
import { kafkaClientConfig } from "../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import { AvroCodec } from "../../schemas/avro/codec.ts";
import type { EventRawRecord } from "../../schemas/avro/types.ts";
import { DecodeError } from "../../schemas/errors.ts";
import { EmbeddedSchemaRegistry } from "../../schemas/registry/embedded.ts";
import { loadSchemaManifest } from "../../schemas/registry/manifest.ts";
import { eventIdToKey } from "../../schemas/relay/codec.ts";
import { committedSchema, sampleRaw, writeSchemasDir } from "../unit/schemas/schema-dirs.ts";
import { KafkaTestTopics, kafkaOptions, pollRecords, requireKafka, uniqueName } from "./support/kafka.ts";

// Avro records in Confluent wire format through a real broker, with the embedded registry
// (the default when SCHEMA_REGISTRY_URL is unset): what relay-intake writes to events-raw is
// what normalize reads back, including records written by an older schema version.

const logger = silentLogger();
let topics: KafkaTestTopics;
let factory: KafkaProducerFactory;
const consumers: KafkaConsumer[] = [];

function consumer(): KafkaConsumer {
  const c = new KafkaConsumer(
    kafkaConsumerConfig(
      {
        ...kafkaOptions,
        autoOffsetReset: "earliest",
        kafkaSessionTimeoutMs: 10_000,
        kafkaFetchMaxWaitMs: 100,
      },
      uniqueName("schemas-avro-group"),
    ),
    { client: kafkaClientConfig(kafkaOptions), logger },
  );
  consumers.push(c);
  return c;
}

function record(i: number): EventRawRecord {
  const eventId = i.toString(16).padStart(32, "0");
  return sampleRaw({
    event_id: eventId,
    project_id: 1 + (i % 3),
    organization_id: i % 2 === 0 ? null : 7,
    payload: JSON.stringify({ event_id: eventId, message: `event ${i}`, extra: { i } }),
    attachments: i % 4 === 0 ? [] : sampleRaw().attachments,
  });
}

beforeAll(async () => {
  await requireKafka();
  topics = new KafkaTestTopics();
  factory = createKafkaProducerFactory({ ...kafkaOptions, kafkaProducerLingerMs: 0 }, { logger });
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.close()));
  await factory?.close();
  await topics?.cleanup();
});

describe("events-raw Avro records through Kafka with the embedded registry", () => {
  it("arrive decoded equal to what was produced, keyed by event id", async () => {
    const registry = EmbeddedSchemaRegistry.fromDirectory();
    const manifest = loadSchemaManifest();
    const raw = manifest.subjects.get("events-raw-value")!;
    const codec = await AvroCodec.create<EventRawRecord>(
      "events-raw-value",
      raw.versions.at(-1)!.text,
      registry,
      raw.versions.map((v) => v.id),
    );
    const topic = await topics.create("schemas-avro", 3);
    const producer = factory("schemas-avro");
    const sent = Array.from({ length: 60 }, (_, i) => record(i));
    await Promise.all(
      sent.map((r) =>
        producer.produce(topic, { key: eventIdToKey(r.event_id), value: codec.encode(r), headers: [] }),
      ),
    );

    const c = consumer();
    c.subscribe([topic]);
    const received = await pollRecords(c, sent.length, 60_000);
    expect(received).toHaveLength(sent.length);
    const decoded = received.map((r) => {
      expect(r.payload.value[0]).toBe(0);
      expect(r.payload.value.readUInt32BE(1)).toBe(1);
      const value = codec.decode(r.payload.value);
      expect(r.payload.key?.toString("hex")).toBe(value.event_id);
      return value;
    });
    const byId = (a: EventRawRecord, b: EventRawRecord) => a.event_id.localeCompare(b.event_id);
    expect(decoded.sort(byId)).toEqual([...sent].sort(byId));
  });

  it("lets a newer reader decode records an older producer wrote, and dead-letters unknown ids", async () => {
    const v1 = committedSchema("events-raw.v1.avsc");
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: "sampling_weight", type: ["null", "double"], default: null }],
    };
    const dirV1 = writeSchemasDir([
      { subject: "events-raw-value", schema: "events-raw", version: 1, id: 1, avro: v1 },
    ]);
    const dirV2 = writeSchemasDir([
      { subject: "events-raw-value", schema: "events-raw", version: 1, id: 1, avro: v1 },
      { subject: "events-raw-value", schema: "events-raw", version: 2, id: 3, avro: v2 },
    ]);
    const oldProducer = await AvroCodec.create<EventRawRecord>(
      "events-raw-value",
      JSON.stringify(v1),
      EmbeddedSchemaRegistry.fromDirectory(dirV1),
    );
    const newConsumer = await AvroCodec.create<EventRawRecord & { sampling_weight: number | null }>(
      "events-raw-value",
      JSON.stringify(v2),
      EmbeddedSchemaRegistry.fromDirectory(dirV2),
      [1, 3],
    );
    const topic = await topics.create("schemas-avro-evolve", 1);
    const producer = factory("schemas-avro-evolve");
    const unknownId = Buffer.from(oldProducer.encode(record(1)));
    unknownId.writeUInt32BE(4242, 1);
    const messages: KafkaPayload[] = [
      { key: null, value: oldProducer.encode(record(0)), headers: [] },
      { key: null, value: newConsumer.encode({ ...record(1), sampling_weight: 0.25 }), headers: [] },
      { key: null, value: unknownId, headers: [] },
    ];
    for (const m of messages) await producer.produce(topic, m);

    const c = consumer();
    c.subscribe([topic]);
    const received = await pollRecords(c, 3, 60_000);
    expect(received.map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(newConsumer.decode(received[0]!.payload.value)).toEqual({ ...record(0), sampling_weight: null });
    expect(newConsumer.decode(received[1]!.payload.value)).toEqual({ ...record(1), sampling_weight: 0.25 });
    const error = await newConsumer.decodeAsync(received[2]!.payload.value).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).reason).toBe("unknown-schema-id");
  });
});
