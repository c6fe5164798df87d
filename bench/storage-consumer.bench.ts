// The storage consumer's chain on the in-memory broker into the embedded SQLite sink
// (`ingest dev`), against a bare loop doing the same decode, row mapping and batched writes
// over the same buffers. Messages are Sentry's fixture inserts with fresh event ids (every
// 20th the 8 KB Android event whose `100.0` floats take the lossless parse).
// Prints msgs/s for both and a JSON line with ratio = chain ÷ bare loop.
// Run: node --import tsx bench/storage-consumer.bench.ts   (BENCH_MESSAGES, BENCH_ROUNDS)
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "lossless-json";
import { loadOptions } from "../config/options.ts";
import { MemoryConsumer } from "../consumers/memory-consumer.ts";
import { buildStorageStrategy } from "../consumers/storage/build-strategy.ts";
import { decodeEventsRecord, type StorageItem } from "../consumers/storage/decode.ts";
import { rowMappingConfig } from "../consumers/storage/error-row.ts";
import { SqliteSink } from "../consumers/storage/sqlite-sink.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { type KafkaPayload, Partition, StreamProcessor, streamProcessorConfig } from "../pipelines/index.ts";
import { MemoryBroker } from "../producers/memory-broker.ts";
import { benchRounds, report } from "./harness.ts";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 30_000);
const ROUNDS = process.env.BENCH_ROUNDS ? benchRounds() : 3;
const BATCH = 10_000;
const TOPIC = "events";
const FIXTURES = join(import.meta.dirname, "../tests/fixtures/storage/events");
// Commit as soon as a batch is written, so the measure ends with the last write, not a commit tick.
const options = loadOptions({}, { commitIntervalMs: 0 });

type Tuple = [number, string, Record<string, unknown>, unknown];
const templates = ["errors1", "null-tag-keys", "null-values", "sdk-info-java", "weird-transaction-source"]
  .concat(["error-with-null-threads"])
  .map((name) => parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as Tuple);

function message(i: number): KafkaPayload {
  const [version, operation, body, state] = templates[i % 20 === 0 ? 5 : i % 5] as Tuple;
  const eventId = randomUUID().replaceAll("-", "");
  const value = stringify([
    version,
    operation,
    { ...body, event_id: eventId, data: { ...(body.data as Record<string, unknown>), event_id: eventId } },
    state,
  ]);
  return { key: Buffer.from(String(body.project_id)), value: Buffer.from(value ?? ""), headers: [] };
}

async function bareLoop(broker: MemoryBroker): Promise<number> {
  const sink = SqliteSink.open(":memory:");
  const config = { rowMapping: rowMappingConfig(options) };
  const started = performance.now();
  let batch: StorageItem[] = [];
  const flush = async () => {
    await sink.insertErrors(batch.map((item) => item.row));
    await sink.upsertGroups(batch.map((item) => item.group));
    batch = [];
  };
  for (const record of broker.log(Partition.of(TOPIC, 0))) {
    batch.push(decodeEventsRecord(record, config));
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  const elapsed = performance.now() - started;
  await sink.close();
  return elapsed;
}

async function chain(broker: MemoryBroker, round: number): Promise<number> {
  const sink = SqliteSink.open(":memory:");
  const group = `bench-${round}`;
  const metrics = createMetrics();
  const logger = silentLogger();
  const settings = {
    name: "storage",
    groupId: group,
    inputs: [TOPIC],
    outputs: [],
    dlq: new Map<string, string>(),
    maxBatchSize: BATCH,
    maxBatchTimeMs: 1000,
    concurrency: 1,
  };
  const factory = buildStorageStrategy(
    { settings, options, producerFactory: broker.producerFactory(), metrics, logger },
    { sink },
  );
  const consumer = new MemoryConsumer(broker, group);
  const processor = new StreamProcessor(
    { consumer, factory, metrics, logger },
    { ...streamProcessorConfig(options, { name: "storage", topic: TOPIC }), pollTimeoutMs: 1 },
  );
  const started = performance.now();
  const running = processor.run();
  const p = Partition.of(TOPIC, 0);
  while ((broker.committedOffset(group, p) ?? 0) < MESSAGES) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const elapsed = performance.now() - started;
  processor.signalShutdown();
  await running;
  const stored = (await sink.readIssues({ projectId: 6036610, limit: 100 })).reduce((n, i) => n + i.count, 0);
  await sink.close();
  if (stored === 0) throw new Error("the chain stored nothing");
  return elapsed;
}

const broker = new MemoryBroker();
broker.createTopic(TOPIC, 1);
let bytes = 0;
for (let i = 0; i < MESSAGES; i++) {
  const payload = message(i);
  bytes += payload.value.length;
  broker.produce(Partition.of(TOPIC, 0), payload);
}
console.log(
  `storage consumer: ${MESSAGES} messages, ${Math.round(bytes / MESSAGES)} bytes on average, ${ROUNDS} rounds`,
);

const bareTimes: number[] = [];
const chainTimes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bareTimes.push(await bareLoop(broker));
  chainTimes.push(await chain(broker, round));
  console.log(
    `round ${round + 1}: bare ${Math.round((MESSAGES / (bareTimes[round] as number)) * 1000)} msgs/s, ` +
      `chain ${Math.round((MESSAGES / (chainTimes[round] as number)) * 1000)} msgs/s`,
  );
}
const bareRate = (MESSAGES / Math.min(...bareTimes)) * 1000;
const chainRate = (MESSAGES / Math.min(...chainTimes)) * 1000;
report({
  bench: "storage-consumer",
  metric: "msgs_per_sec_sqlite",
  value: chainRate,
  unit: "msgs/s",
  baseline: bareRate,
  note: "chain (processor, decode, Reduce, write, commit) into SQLite; baseline = bare decode + batched writes",
});
