import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSchemasRegister } from "../../cli/commands/schemas.ts";
import { KafkaConsumer, kafkaConsumerConfig } from "../../consumers/kafka-consumer.ts";
import { silentLogger } from "../../observability/logger.ts";
import { kafkaClientConfig } from "../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import { AvroCodec } from "../../schemas/avro/codec.ts";
import type { EventRawRecord } from "../../schemas/avro/types.ts";
import { DecodeError } from "../../schemas/errors.ts";
import { ConfluentSchemaRegistry } from "../../schemas/registry/confluent.ts";
import { parseAvroSchema } from "../../schemas/registry/manifest.ts";
import { SchemaIncompatibleError } from "../../schemas/registry/types.ts";
import { catchDecode } from "../unit/schemas/fixtures.ts";
import { committedSchema, sampleRaw } from "../unit/schemas/schema-dirs.ts";
import { KafkaTestTopics, kafkaOptions, pollRecords, requireKafka, uniqueName } from "./support/kafka.ts";

// The Confluent-compatible path (SCHEMA_REGISTRY_URL set) against a real registry server:
// rivven-schema from scripts/registry.sh (start it with `bash scripts/registry.sh up`).
// Subjects are per run (`<unique topic>-value`), since the registry outlives test runs.

const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL || "http://127.0.0.1:8081";
const logger = silentLogger();
const v1 = committedSchema("events-raw.v1.avsc");
const v2 = {
  ...v1,
  fields: [...v1.fields, { name: "sampling_weight", type: ["null", "double"], default: null }],
};

/**
 * The schema text with a doc naming `subject`. The registry outlives test runs and ids are
 * global per schema text; rivven-schema (unlike Confluent's registry) then adds no version to
 * a new subject for a text another subject already has, so each run registers its own texts.
 */
function textFor(schema: object, subject: string): string {
  return JSON.stringify({ ...schema, doc: `test schema for ${subject}` });
}

let topics: KafkaTestTopics;
let factory: KafkaProducerFactory;
const consumers: KafkaConsumer[] = [];

async function requireRegistry(): Promise<void> {
  const failure = (why: string) =>
    new Error(
      `no schema registry answers at ${REGISTRY_URL} (${why}); start one with: bash scripts/registry.sh up`,
    );
  let response: Response;
  try {
    response = await fetch(`${REGISTRY_URL}/subjects`, { signal: AbortSignal.timeout(3000) });
  } catch (error) {
    throw failure(error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) throw failure(`HTTP ${response.status}`);
}

beforeAll(async () => {
  await requireRegistry();
  await requireKafka();
  topics = new KafkaTestTopics();
  factory = createKafkaProducerFactory({ ...kafkaOptions, kafkaProducerLingerMs: 0 }, { logger });
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.close()));
  await factory?.close();
  await topics?.cleanup();
});

describe("ConfluentSchemaRegistry against a real registry", () => {
  it("registers idempotently and serves schemas by id and by subject", async () => {
    const registry = new ConfluentSchemaRegistry(REGISTRY_URL);
    const subject = `${uniqueName("schemas-reg")}-value`;
    const v1Text = textFor(v1, subject);
    const id = await registry.register(subject, v1Text);
    expect(await registry.register(subject, v1Text)).toBe(id);
    expect(await registry.latest(subject)).toMatchObject({ id });
    const text = await registry.getSchema(id);
    expect(parseAvroSchema(text!).equals(parseAvroSchema(v1Text))).toBe(true);
    expect(await registry.getSchema(2_000_000_000)).toBeUndefined();
    expect(await registry.latest(`${uniqueName("never-registered")}-value`)).toBeUndefined();
  });

  it("refuses a backward-incompatible version and accepts a compatible one", async () => {
    const registry = new ConfluentSchemaRegistry(REGISTRY_URL);
    const subject = `${uniqueName("schemas-evolve")}-value`;
    const first = await registry.register(subject, textFor(v1, subject));
    const incompatible = { ...v1, fields: [...v1.fields, { name: "must_have", type: "string" }] };
    await expect(registry.register(subject, textFor(incompatible, subject))).rejects.toBeInstanceOf(
      SchemaIncompatibleError,
    );
    const second = await registry.register(subject, textFor(v2, subject));
    expect(second).not.toBe(first);
    expect((await registry.latest(subject))?.id).toBe(second);
  });

  it("registers every committed schema with `ingest schemas register`", async () => {
    const lines: string[] = [];
    const code = await runSchemasRegister(
      { schemasDir: path.resolve("schemas"), registry: new ConfluentSchemaRegistry(REGISTRY_URL) },
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    );
    expect(code).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(/^events-raw-value v1 \(avro\/events-raw\.v1\.avsc\) -> id \d+$/),
      expect.stringMatching(/^events-normalized-value v1 \(avro\/events-normalized\.v1\.avsc\) -> id \d+$/),
    ]);
  });
});

describe("Avro through Kafka with registry ids", () => {
  it("a consumer with a newer schema and a cold cache reads an older producer's records", async () => {
    const topic = await topics.create("schemas-registry", 2);
    const subject = `${topic}-value`;
    const v1Text = textFor(v1, subject);
    const v2Text = textFor(v2, subject);
    const producerCodec = await AvroCodec.create<EventRawRecord>(
      subject,
      v1Text,
      new ConfluentSchemaRegistry(REGISTRY_URL),
    );
    const producer = factory("schemas-registry");
    const sent = Array.from({ length: 20 }, (_, i) =>
      sampleRaw({ event_id: i.toString(16).padStart(32, "0"), project_id: 10 + i }),
    );
    await Promise.all(
      sent.map((r) => producer.produce(topic, { key: null, value: producerCodec.encode(r), headers: [] })),
    );
    const bogus = Buffer.from(producerCodec.encode(sent[0]!));
    bogus.writeUInt32BE(2_000_000_001, 1);
    await producer.produce(topic, { key: null, value: bogus, headers: [] });

    // A separate registry client: nothing cached, as in another process.
    const consumerCodec = await AvroCodec.create<EventRawRecord & { sampling_weight: number | null }>(
      subject,
      v2Text,
      new ConfluentSchemaRegistry(REGISTRY_URL),
    );
    expect(consumerCodec.writerId).not.toBe(producerCodec.writerId);

    const c = new KafkaConsumer(
      kafkaConsumerConfig(
        {
          ...kafkaOptions,
          autoOffsetReset: "earliest",
          kafkaSessionTimeoutMs: 10_000,
          kafkaFetchMaxWaitMs: 100,
        },
        uniqueName("schemas-registry-group"),
      ),
      { client: kafkaClientConfig(kafkaOptions), logger },
    );
    consumers.push(c);
    c.subscribe([topic]);
    const received = await pollRecords(c, sent.length + 1, 60_000);
    expect(received).toHaveLength(sent.length + 1);

    const decoded: EventRawRecord[] = [];
    let unknown = 0;
    for (const r of received) {
      const id = r.payload.value.readUInt32BE(1);
      if (id === 2_000_000_001) {
        const error = await consumerCodec.decodeAsync(r.payload.value).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DecodeError);
        expect((error as DecodeError).reason).toBe("unknown-schema-id");
        unknown++;
        continue;
      }
      expect(id).toBe(producerCodec.writerId);
      decoded.push(await consumerCodec.decodeAsync(r.payload.value));
      // Once fetched, the writer schema is cached: the synchronous path works too.
      expect(consumerCodec.decode(r.payload.value)).toEqual(decoded.at(-1));
    }
    expect(unknown).toBe(1);
    const byId = (a: EventRawRecord, b: EventRawRecord) => a.event_id.localeCompare(b.event_id);
    expect(decoded.sort(byId)).toEqual(sent.map((r) => ({ ...r, sampling_weight: null })).sort(byId));
    expect(catchDecode(() => consumerCodec.decode(bogus)).reason).toBe("unknown-schema-id");
  });
});
