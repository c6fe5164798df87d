// The normalize consumer's chain on the in-memory broker (`ingest dev`): events-raw records
// built from Relay's own messages and the normalization vectors (fresh ids, the same inputs
// as tests/unit/normalize-consumer), through processor → decode → normalize → encode →
// Produce → commit, at concurrency 1 (main thread) and 2 (worker pool). Figures:
//   events_per_sec_main      chain at concurrency 1; baseline = a bare loop over the same
//                            task (RecordNormalizer.normalize), i.e. the chain's overhead
//   events_per_sec_workers2  chain at concurrency 2; baseline = the concurrency-1 chain
// Run: node --import tsx bench/normalize-consumer.bench.ts   (BENCH_MESSAGES, BENCH_ROUNDS)
import { loadOptions } from "../config/options.ts";
import { MemoryConsumer } from "../consumers/memory-consumer.ts";
import { buildNormalizeStrategy } from "../consumers/normalize/build-strategy.ts";
import {
  createNormalizeCodecs,
  normalizeTaskSettings,
  RecordNormalizer,
} from "../consumers/normalize/worker-task.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import {
  type BrokerValue,
  type KafkaPayload,
  Partition,
  StreamProcessor,
  streamProcessorConfig,
} from "../pipelines/index.ts";
import { MemoryBroker } from "../producers/memory-broker.ts";
import { eventIdToKey } from "../schemas/relay/codec.ts";
import {
  eventId,
  expectedStored,
  relayInputs,
  vectorInputs,
} from "../tests/unit/normalize-consumer/harness.ts";
import { benchRounds, report } from "./harness.ts";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
// Untimed records first, in every mode: the JIT warms up, and the workers' first batch
// loads the task module and builds their codecs (about 2 s, once per consumer process).
const WARMUP = 2000;
const TOTAL = WARMUP + MESSAGES;
const ROUNDS = process.env.BENCH_ROUNDS ? benchRounds() : 3;
const INPUT = "events-raw";
const OUTPUT = "events-normalized";
// Commit as soon as records are produced, so a measure ends with the last record, not a tick.
const options = loadOptions({}, { commitIntervalMs: 0 });
const codecs = await createNormalizeCodecs(options);

// Relay's real SDK events weigh most: they are what production carries; the small vectors
// exercise the odd paths (trimming, IPs, timestamps).
const relay = relayInputs();
const templates = [...relay, ...relay, ...relay, ...vectorInputs()].filter(
  (input) => expectedStored(input.record, options) !== undefined,
);

const broker = new MemoryBroker();
broker.createTopic(INPUT, 1);
let bytes = 0;
for (let i = 0; i < TOTAL; i++) {
  const template = (templates[i % templates.length] as (typeof templates)[number]).record;
  const id = eventId(i);
  const event = JSON.parse(template.payload) as Record<string, unknown>;
  const value = codecs.raw.encode({
    ...template,
    event_id: id,
    payload: JSON.stringify({ ...event, event_id: id }),
  });
  bytes += value.length;
  broker.produce(Partition.of(INPUT, 0), { key: eventIdToKey(id), value, headers: [] });
}
const inputRecords: BrokerValue<KafkaPayload>[] = broker.log(Partition.of(INPUT, 0));
console.log(
  `normalize consumer: ${MESSAGES} records (+${WARMUP} warm-up), ${Math.round(bytes / TOTAL)} bytes on average, ${ROUNDS} rounds`,
);

async function bareLoop(): Promise<number> {
  const normalizer = new RecordNormalizer(codecs, normalizeTaskSettings(options));
  let out = 0;
  for (const record of inputRecords.slice(0, WARMUP))
    out += (await normalizer.normalize(record)).value.length;
  const started = performance.now();
  for (const record of inputRecords.slice(WARMUP)) out += (await normalizer.normalize(record)).value.length;
  const elapsed = performance.now() - started;
  if (out === 0) throw new Error("the bare loop produced nothing");
  return elapsed;
}

async function chain(concurrency: number, round: number): Promise<number> {
  const group = `bench-${concurrency}-${round}`;
  if (broker.hasTopic(OUTPUT)) broker.deleteTopic(OUTPUT);
  broker.createTopic(OUTPUT, 1);
  const metrics = createMetrics();
  const logger = silentLogger();
  const settings = {
    name: "normalize",
    groupId: group,
    inputs: [INPUT],
    outputs: [OUTPUT],
    dlq: new Map<string, string>(),
    maxBatchSize: 500,
    maxBatchTimeMs: 50,
    concurrency,
  };
  const factory = buildNormalizeStrategy(
    { settings, options, producerFactory: broker.producerFactory(), metrics, logger },
    { codecs },
  );
  const processor = new StreamProcessor(
    { consumer: new MemoryConsumer(broker, group), factory, metrics, logger },
    { ...streamProcessorConfig(options, { name: "normalize", topic: INPUT }), pollTimeoutMs: 1 },
  );
  const running = processor.run();
  const p = Partition.of(INPUT, 0);
  const committed = () => broker.committedOffset(group, p) ?? 0;
  while (committed() < WARMUP) await new Promise((resolve) => setTimeout(resolve, 1));
  const from = committed();
  const started = performance.now();
  while (committed() < TOTAL) await new Promise((resolve) => setTimeout(resolve, 2));
  const elapsed = ((performance.now() - started) * MESSAGES) / (TOTAL - from);
  processor.signalShutdown();
  await running;
  const written = broker.endOffset(Partition.of(OUTPUT, 0));
  if (written !== TOTAL) throw new Error(`the chain wrote ${written} of ${TOTAL} records`);
  return elapsed;
}

const bare: number[] = [];
const main: number[] = [];
const pooled: number[] = [];
const rate = (ms: number) => Math.round((MESSAGES / ms) * 1000);
for (let round = 0; round < ROUNDS; round++) {
  bare.push(await bareLoop());
  main.push(await chain(1, round));
  pooled.push(await chain(2, round));
  console.log(
    `round ${round + 1}: bare ${rate(bare[round] as number)} events/s, ` +
      `chain ${rate(main[round] as number)} events/s, 2 workers ${rate(pooled[round] as number)} events/s`,
  );
}
const bareRate = rate(Math.min(...bare));
const mainRate = rate(Math.min(...main));
const pooledRate = rate(Math.min(...pooled));
report({
  bench: "normalize-consumer",
  metric: "events_per_sec_main",
  value: mainRate,
  unit: "events/s",
  baseline: bareRate,
  note: "chain at concurrency 1; baseline = bare decode + normalize + encode loop",
});
report({
  bench: "normalize-consumer",
  metric: "events_per_sec_workers2",
  value: pooledRate,
  unit: "events/s",
  baseline: mainRate,
  note: "chain with a worker pool of 2; baseline = the chain at concurrency 1",
});
