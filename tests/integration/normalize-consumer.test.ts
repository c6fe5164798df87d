import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Options } from "../../config/options.ts";
import { kafkaBackend } from "../../consumers/backends.ts";
import type { ConsumerSettings } from "../../consumers/definition.ts";
import { KafkaConsumer, kafkaConsumerConfig } from "../../consumers/kafka-consumer.ts";
import { normalizeConsumer } from "../../consumers/normalize/definition.ts";
import { createNormalizeCodecs, type NormalizeCodecs } from "../../consumers/normalize/worker-task.ts";
import { startConsumer } from "../../consumers/runner.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";
import { DLQ_HEADERS } from "../../pipelines/dlq.ts";
import type { BrokerValue, KafkaPayload } from "../../pipelines/types.ts";
import { kafkaClientConfig } from "../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import { loadSchemaManifest, parseAvroSchema } from "../../schemas/registry/manifest.ts";
import { eventIdToKey } from "../../schemas/relay/codec.ts";
import {
  eventId,
  expectedStored,
  type RawInput,
  rawRecord,
  relayInputs,
  vectorInputs,
} from "../unit/normalize-consumer/harness.ts";
import { KafkaTestTopics, kafkaOptions, pollRecords, requireKafka, uniqueName } from "./support/kafka.ts";

// The normalize consumer on the real Kafka of scripts/services.sh, wired as
// `ingest consumer run normalize` wires it (runner + kafka backend), with the embedded
// registry: 20 000 events-raw records built from the normalization vectors and Relay's
// own messages (fresh event ids), one in a thousand undecodable. Every output must decode,
// validate against the events-normalized schema and equal normalizeEvent of its input;
// the group's committed offsets must reach the end offsets. Topics and groups are unique
// per run; the topics are deleted afterwards.

const EVENTS = 20_000;
const BAD_EVERY = 1000;
const logger = silentLogger();
const options: Options = {
  ...kafkaOptions,
  autoOffsetReset: "earliest",
  kafkaFetchMaxWaitMs: 100,
  joinTimeoutMs: 10_000,
  dlqMaxInvalidRatio: 1,
};

let topics: KafkaTestTopics;
let producers: KafkaProducerFactory;
let codecs: NormalizeCodecs;
let templates: RawInput[];

interface Run {
  readonly input: string;
  readonly output: string;
  readonly dlq: string;
  readonly groupId: string;
  /** Event id → its input record, for the good records. */
  readonly sent: Map<string, RawInput["record"]>;
  readonly bad: number;
}

/** Produces EVENTS records: templates with fresh ids, every BAD_EVERY-th not Avro at all. */
async function produceInputs(prefix: string): Promise<Run> {
  const [input, output, dlq] = await Promise.all([
    topics.create(`${prefix}_raw`, 3),
    topics.create(`${prefix}_normalized`, 3),
    topics.create(`${prefix}_raw_dlq`, 1),
  ]);
  const producer = producers(`${prefix}-it`);
  const sent = new Map<string, RawInput["record"]>();
  let bad = 0;
  const CHUNK = 2000;
  for (let start = 0; start < EVENTS; start += CHUNK) {
    const writes: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(EVENTS, start + CHUNK); i++) {
      const id = eventId(i + 1_000_000);
      if (i % BAD_EVERY === BAD_EVERY - 1) {
        bad++;
        writes.push(
          producer.produce(input, {
            key: eventIdToKey(id),
            value: Buffer.from(`not avro ${i}`),
            headers: [],
          }),
        );
        continue;
      }
      const template = templates[i % templates.length] as RawInput;
      const record = { ...template.record, event_id: id, payload: withEventId(template.record.payload, id) };
      sent.set(id, record);
      writes.push(
        producer.produce(input, { key: eventIdToKey(id), value: codecs.raw.encode(record), headers: [] }),
      );
    }
    await Promise.all(writes);
  }
  return { input, output, dlq, groupId: uniqueName(`${prefix}_group`), sent, bad };
}

/** relay-intake guarantees the payload's id is the record's. */
function withEventId(payload: string, id: string): string {
  const event = JSON.parse(payload) as Record<string, unknown>;
  return JSON.stringify({ ...event, event_id: id });
}

async function runConsumer(run: Run, concurrency: number): Promise<number> {
  const settings: ConsumerSettings = {
    name: "normalize",
    groupId: run.groupId,
    inputs: [run.input],
    outputs: [run.output],
    dlq: new Map([[run.input, run.dlq]]),
    maxBatchSize: 500,
    maxBatchTimeMs: 100,
    concurrency,
  };
  const backend = kafkaBackend(options, { logger, metrics: createMetrics() });
  const started = performance.now();
  const running = await startConsumer(normalizeConsumer, {
    settings,
    options,
    backend,
    mode: "production",
    metrics: createMetrics(),
    logger,
  });
  running.done.catch(() => {});
  try {
    const deadline = Date.now() + 150_000;
    while (!(await allCommitted(run.groupId, run.input))) {
      if (Date.now() > deadline) throw new Error("the group did not commit every input record in time");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    running.shutdown();
    await running.done;
    await backend.close();
  }
  return performance.now() - started;
}

async function allCommitted(groupId: string, topic: string): Promise<boolean> {
  const [committed, end] = await Promise.all([
    topics.admin.committedOffsets(groupId, [topic]),
    topics.admin.endOffsets(topic),
  ]);
  return [...end].every(([p, offset]) => committed.get(p) === offset);
}

async function readAll(topic: string, count: number): Promise<BrokerValue<KafkaPayload>[]> {
  const reader = new KafkaConsumer(
    kafkaConsumerConfig({ ...options, kafkaSessionTimeoutMs: 10_000 }, uniqueName("normalize_it_reader")),
    { client: kafkaClientConfig(options), logger },
  );
  try {
    reader.subscribe([topic]);
    return await pollRecords(reader, count, 120_000);
  } finally {
    await reader.close();
  }
}

async function verify(run: Run): Promise<void> {
  const schema = parseAvroSchema(
    loadSchemaManifest().subjects.get("events-normalized-value")?.versions.at(-1)?.text ?? "",
  );
  const outputs = await readAll(run.output, run.sent.size);
  expect(outputs).toHaveLength(run.sent.size);
  const seen = new Set<string>();
  for (const output of outputs) {
    const record = codecs.normalized.decode(output.payload.value);
    expect(schema.isValid(record)).toBe(true);
    expect(output.payload.key?.toString("hex")).toBe(record.event_id);
    const input = run.sent.get(record.event_id);
    expect(input).toBeDefined();
    expect(JSON.parse(record.payload)).toEqual(expectedStored(input as RawInput["record"], options));
    seen.add(record.event_id);
  }
  expect(seen.size).toBe(run.sent.size);
  const dead = await readAll(run.dlq, run.bad);
  expect(dead).toHaveLength(run.bad);
  for (const record of dead) {
    const reason = record.payload.headers.find(([name]) => name === DLQ_HEADERS.reason)?.[1].toString();
    expect(reason).toBe("bad-magic-byte");
  }
}

beforeAll(async () => {
  await requireKafka();
  topics = new KafkaTestTopics(logger);
  producers = createKafkaProducerFactory(options, { logger });
  codecs = await createNormalizeCodecs(options);
  // Templates the normalizer accepts, so every good record has an output to check.
  templates = [...vectorInputs(), ...relayInputs()].filter(
    (input) => expectedStored(input.record, options) !== undefined,
  );
  templates.push({ name: "minimal", record: rawRecord('{"message":"minimal"}') });
});

afterAll(async () => {
  await producers?.close();
  await topics?.cleanup();
});

describe("normalize consumer on Kafka", () => {
  it("normalizes 20 000 events on the main thread, every output valid, offsets committed to the end", async () => {
    const run = await produceInputs("normalize_it_main");
    const ms = await runConsumer(run, 1);
    await verify(run);
    console.log(`normalize consumer (main thread): ${EVENTS} records in ${Math.round(ms)} ms`);
  });

  it("does the same with a worker pool of two threads", async () => {
    const run = await produceInputs("normalize_it_pool");
    const ms = await runConsumer(run, 2);
    await verify(run);
    console.log(`normalize consumer (2 workers): ${EVENTS} records in ${Math.round(ms)} ms`);
  });
});
