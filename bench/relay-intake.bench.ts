// Events per second through the relay-intake consumer (decode, project lookup, batching,
// dedupe claims, Avro encode, produce, commit) on the in-memory broker, with ~3 KB Relay
// event messages, two ways:
//   memory  in-process dedupe and chunk stores (what `ingest dev` runs)
//   redis   the Redis stores against the Redis of scripts/services.sh (auto-pipelined
//           client from config/redis.ts, a key prefix unique to the run, removed after)
// Figures: the memory rate against the floor of the same per-event work outside the
// framework (decode + parse + Avro encode in a loop), and the Redis rate against the memory
// rate (target ratio ≥ 0.5). Each rate is the best of BENCH_ROUNDS (default 5) runs of
// BENCH_EVENTS (default 20000) events, the three measured in a rotating order each round.
// Run: node --import tsx bench/relay-intake.bench.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOptions, type Options } from "../config/options.ts";
import { ProjectsFile, StaticProjectConfigSource } from "../config/projects.ts";
import { createRedisClient } from "../config/redis.ts";
import { loadTopology } from "../config/topology.ts";
import { memoryBackend } from "../consumers/backends.ts";
import type { ConsumerSettings } from "../consumers/definition.ts";
import { FileAttachmentStore } from "../consumers/relay-intake/attachment-store.ts";
import { buildRelayIntakeStrategy, type RelayIntakeDeps } from "../consumers/relay-intake/build-strategy.ts";
import { MemoryChunkStore, RedisChunkStore } from "../consumers/relay-intake/chunk-store.ts";
import { decodeIntakeRecord, intakeLimits } from "../consumers/relay-intake/decode.ts";
import { MemoryDedupeStore, RedisDedupeStore } from "../consumers/relay-intake/dedupe.ts";
import { createEventsRawCodec } from "../consumers/relay-intake/definition.ts";
import { eventRawRecord } from "../consumers/relay-intake/process-event.ts";
import { resolveConsumerSettings } from "../consumers/settings.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { StreamProcessor, streamProcessorConfig } from "../pipelines/processor.ts";
import { type BrokerValue, type KafkaPayload, Partition, systemClock } from "../pipelines/types.ts";
import { MemoryBroker } from "../producers/memory-broker.ts";
import { relayEventMessage } from "../schemas/relay/build.ts";
import { encodeRelayMessage, eventIdToKey } from "../schemas/relay/codec.ts";
import { report } from "./harness.ts";

const BENCH = "relay-intake";
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PAYLOAD_BYTES = 3 * 1024;

const options: Options = loadOptions(process.env, { commitIntervalMs: 100 });
const topology = await loadTopology(options.topologyFile);
const settings: ConsumerSettings = resolveConsumerSettings(topology, "relay-intake", options);
const codec = await createEventsRawCodec(options);
const projects = new StaticProjectConfigSource(
  new ProjectsFile([
    {
      id: 1,
      organizationId: 1,
      slug: "bench",
      publicKeys: ["e12d836b15bb49d7bbf99e64295d995b"],
      groupingConfig: "newstyle:2023-01-11",
      stackTraceRules: "",
      fingerprintRules: "",
    },
  ]),
);

function eventId(n: number): string {
  return `${(n + 1).toString(16).padStart(8, "0")}a1bb4e0d9b4ab4a0d1f1c2a3`;
}

/** An SDK-shaped error event of PAYLOAD_BYTES as Relay writes it (normalized JSON). */
function payload(n: number): Buffer {
  const frames = Array.from({ length: 12 }, (_, i) => ({
    filename: `app/views/handler_${i}.py`,
    abs_path: `/srv/app/app/views/handler_${i}.py`,
    function: `handle_request_${i}`,
    module: `app.views.handler_${i}`,
    lineno: 40 + i,
    in_app: i > 6,
  }));
  const event: Record<string, unknown> = {
    event_id: eventId(n),
    level: "error",
    version: "7",
    type: "error",
    platform: "python",
    timestamp: 1_714_564_790.123 + n,
    received: 1_714_564_791.5 + n,
    environment: "production",
    release: "backend@24.5.0",
    tags: [
      ["route", `/api/0/issues/${n}/`],
      ["server_name", "web-7f9c"],
    ],
    exception: {
      values: [
        {
          type: "ValueError",
          value: `invalid literal for int() with base 10: '${n}'`,
          stacktrace: { frames },
        },
      ],
    },
    sdk: { name: "sentry.python.django", version: "1.40.6" },
  };
  let text = JSON.stringify(event);
  if (text.length < PAYLOAD_BYTES) {
    event.extra = { padding: "x".repeat(PAYLOAD_BYTES - text.length - 24) };
    text = JSON.stringify(event);
  }
  return Buffer.from(text);
}

const messages: KafkaPayload[] = Array.from({ length: EVENTS }, (_, n) => ({
  key: eventIdToKey(eventId(n)),
  value: encodeRelayMessage(
    relayEventMessage({ payload: payload(n), eventId: eventId(n), projectId: 1, startTime: 1_714_564_791 }),
  ),
  headers: [],
}));

/** The same per-event work with no framework, no state: decode, parse, check, build, Avro encode. */
function floorRate(): number {
  const limits = intakeLimits(options);
  const started = performance.now();
  messages.forEach((message, offset) => {
    const record: BrokerValue<KafkaPayload> = {
      kind: "broker",
      payload: message,
      partition: Partition.of("ingest-events", 0),
      offset,
      timestamp: 0,
    };
    const item = decodeIntakeRecord(record, limits);
    if (item.type !== "event") throw new Error("bench messages are events");
    codec.encode(
      eventRawRecord({
        message: item.message,
        facts: item.facts,
        organizationId: 1,
        sourceTopic: "ingest-events",
        attachments: [],
        processingErrors: [],
        now: Date.now(),
      }),
    );
  });
  return (EVENTS / (performance.now() - started)) * 1000;
}

interface Stores {
  readonly deps: Omit<RelayIntakeDeps, "eventsRawCodec" | "projects" | "attachments">;
  close(): Promise<void>;
}

function memoryStores(): Stores {
  return {
    deps: { dedupe: new MemoryDedupeStore(systemClock), chunks: new MemoryChunkStore(systemClock) },
    close: async () => {},
  };
}

let redisRuns = 0;
function redisStores(): Stores {
  const prefix = `bench:relay-intake:${process.pid}:${redisRuns++}:`;
  const redis = createRedisClient(
    { ...options, redisKeyPrefix: prefix },
    { connectionName: "bench-relay-intake" },
  );
  return {
    deps: { dedupe: new RedisDedupeStore(redis, prefix), chunks: new RedisChunkStore(redis, prefix) },
    async close() {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== "0");
      redis.disconnect();
    },
  };
}

/** One run: all events waiting on ingest-events, timed from the processor's start until all are on events-raw. */
async function run(stores: Stores): Promise<number> {
  const broker = new MemoryBroker();
  for (const [name, spec] of Object.entries(topology.topics)) broker.createTopic(name, spec.partitions);
  for (const message of messages) broker.produce("ingest-events", message);
  const dir = mkdtempSync(join(tmpdir(), "bench-relay-intake-"));
  const backend = memoryBackend(broker, options);
  const metrics = createMetrics();
  const context = {
    settings,
    options,
    producerFactory: backend.producerFactory,
    metrics,
    logger: silentLogger(),
  };
  const deps: RelayIntakeDeps = {
    ...stores.deps,
    attachments: new FileAttachmentStore(dir),
    projects,
    eventsRawCodec: codec,
  };
  const processor = new StreamProcessor(
    {
      consumer: backend.createConsumer(settings),
      factory: buildRelayIntakeStrategy(context, deps),
      metrics,
      logger: silentLogger(),
    },
    // The chain's asynchronous steps move on when the loop turns; the default one-second
    // idle poll would only add its tail to the last batches.
    { ...streamProcessorConfig(options, { name: settings.name, topics: settings.inputs }), pollTimeoutMs: 5 },
  );
  const outputs = broker.partitionsOf("events-raw");
  const produced = () => outputs.reduce((sum, p) => sum + broker.endOffset(p), 0);
  const started = performance.now();
  const done = processor.run();
  while (produced() < EVENTS) await new Promise((resolve) => setTimeout(resolve, 2));
  const elapsed = performance.now() - started;
  processor.signalShutdown();
  await done;
  await backend.close();
  await stores.close();
  rmSync(dir, { recursive: true, force: true });
  if (produced() !== EVENTS) throw new Error(`expected ${EVENTS} events on events-raw, found ${produced()}`);
  return (EVENTS / elapsed) * 1000;
}

console.log(
  `relay-intake: ${EVENTS} events of ~${PAYLOAD_BYTES} B payload, batches of ${settings.maxBatchSize}, ` +
    `${ROUNDS} rounds per store, Redis ${options.redisUrl}`,
);
floorRate();
await run(memoryStores());
const floorRates: number[] = [];
const memoryRates: number[] = [];
const redisRates: number[] = [];
// The machine is shared: each round measures all three, in a rotating order, and each
// figure keeps its best round.
const order = ["floor", "memory", "redis"] as const;
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < order.length; i++) {
    const which = order[(round + i) % order.length];
    if (which === "floor") floorRates.push(floorRate());
    else if (which === "memory") memoryRates.push(await run(memoryStores()));
    else redisRates.push(await run(redisStores()));
  }
  console.log(
    `round ${round + 1}: floor ${Math.round(floorRates[round] as number)}, ` +
      `memory ${Math.round(memoryRates[round] as number)}, redis ${Math.round(redisRates[round] as number)} events/s`,
  );
}
const floor = Math.max(...floorRates);
const memory = Math.max(...memoryRates);
const redis = Math.max(...redisRates);
report({
  bench: BENCH,
  metric: "events_per_second_memory_store",
  value: memory,
  unit: "events/s",
  baseline: floor,
  note: "baseline: decode + parse + Avro encode alone",
});
report({
  bench: BENCH,
  metric: "events_per_second_redis_store",
  value: redis,
  unit: "events/s",
  baseline: memory,
  note: "baseline: the in-memory stores; target ratio >= 0.5",
});
