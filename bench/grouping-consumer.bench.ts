// The grouping consumer's whole chain (decode, project lookup, grouping, save_event's
// changes, group assignment, eventstream inserts, produce, commit) on the in-memory broker:
//   - with the in-process stores, against a bare loop doing the same domain work over the
//     same records without the framework (ratio = chain ÷ bare loop);
//   - with the Redis stores on the real Redis of scripts/services.sh, against the
//     in-process chain (ratio = Redis ÷ memory: what the Redis round trips cost);
//   - with the CPU step in 2 worker threads (concurrency 2), against concurrency 1.
// Chains are timed after their first 10% of events (warm-up), the bare loop as a whole.
// Events: ~3 KB SDK-shaped exceptions (bench/grouping-events.ts) normalized once by the
// normalize consumer's code, each record with its own event id.
// Run: node --import tsx bench/grouping-consumer.bench.ts   (BENCH_MESSAGES, BENCH_ROUNDS)
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { loadOptions, type Options } from "../config/options.ts";
import { parseProjects, StaticProjectConfigSource } from "../config/projects.ts";
import { createRedisClient } from "../config/redis.ts";
import { buildGroupingStrategy, type GroupingDeps } from "../consumers/grouping/build-strategy.ts";
import { createEventsNormalizedCodec } from "../consumers/grouping/definition.ts";
import { insertPayload } from "../consumers/grouping/eventstream-output.ts";
import {
  MemoryGroupEnvironmentStore,
  RedisGroupEnvironmentStore,
} from "../consumers/grouping/group-environments.ts";
import { MemoryGroupStore } from "../consumers/grouping/group-store-memory.ts";
import { RedisGroupStore } from "../consumers/grouping/group-store-redis.ts";
import { type PreparedEvent, prepareEvent } from "../consumers/grouping/prepare.ts";
import { groupingSettingsOf } from "../consumers/grouping/project-config.ts";
import { MemoryGroupingStateFence, RedisGroupingStateFence } from "../consumers/grouping/state-fence.ts";
import { MemoryConsumer } from "../consumers/memory-consumer.ts";
import { normalizeConfigFromOptions } from "../consumers/normalize/config.ts";
import { isRejected, normalizeEvent, toStoredEvent } from "../consumers/normalize/normalize.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { Partition, StreamProcessor, streamProcessorConfig, systemClock } from "../pipelines/index.ts";
import { MemoryBroker } from "../producers/memory-broker.ts";
import type { EventNormalizedRecord } from "../schemas/avro/types.ts";
import { typicalEvent } from "./grouping-events.ts";
import { benchRounds, report } from "./harness.ts";

const BENCH = "grouping-consumer";
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const ROUNDS = process.env.BENCH_ROUNDS ? benchRounds() : 3;
const TEMPLATES = 200;
const WARMUP = Math.floor(MESSAGES / 10);
const BATCH = 500;
const INPUT = "events-normalized";
const OUTPUT = "events";
const PROJECT_ID = 1;
const options: Options = loadOptions(process.env, {
  commitIntervalMs: 0,
  redisKeyPrefix: `bench:grouping:${randomUUID()}:`,
});
const projectsFile = parseProjects(
  "version: 1\nprojects:\n  - { id: 1, organizationId: 1, slug: bench, publicKeys: [e12d836b15bb49d7bbf99e64295d995b] }\n",
  "bench-projects.yaml",
);
const project = groupingSettingsOf(projectsFile.get(PROJECT_ID)!);
const codec = await createEventsNormalizedCodec(options);
const limits = { maxBytes: options.maxPayloadBytes, maxDepth: options.maxJsonDepth };

function templates(): Record<string, unknown>[] {
  const now = Date.now() / 1000;
  const config = normalizeConfigFromOptions(options, { receivedAt: now, projectId: PROJECT_ID });
  return Array.from({ length: TEMPLATES }, (_, seed) => {
    const raw = { ...typicalEvent(seed + 1), timestamp: now - 60 };
    const result = normalizeEvent(raw, config);
    if (isRejected(result)) throw new Error(`template ${seed} rejected: ${result.rejected.reason}`);
    return toStoredEvent(result);
  });
}

function record(payload: Record<string, unknown>, eventId: string): EventNormalizedRecord {
  return {
    kind: "event",
    event_id: eventId,
    project_id: PROJECT_ID,
    organization_id: 1,
    source_topic: "ingest-events",
    start_time: Math.floor(Date.now() / 1000),
    received: payload.received as number,
    ingested_at_ms: Date.now(),
    remote_addr: null,
    client: null,
    platform: String(payload.platform),
    type: String(payload.type),
    level: String(payload.level),
    timestamp: payload.timestamp as number,
    release: null,
    environment: null,
    retention_days: null,
    attachments: [],
    processing_errors: [],
    payload: JSON.stringify({ ...payload, event_id: eventId }),
  };
}

const broker = new MemoryBroker();
broker.createTopic(INPUT, 1);
let bytes = 0;
{
  const bases = templates();
  for (let i = 0; i < MESSAGES; i++) {
    const value = codec.encode(record(bases[i % TEMPLATES]!, randomUUID().replaceAll("-", "")));
    bytes += value.length;
    broker.produce(Partition.of(INPUT, 0), { key: null, value, headers: [] });
  }
}
console.log(
  `grouping consumer: ${MESSAGES} events, ${Math.round(bytes / MESSAGES)} bytes on average, ${ROUNDS} rounds`,
);

function memoryDeps(): GroupingDeps {
  return {
    store: new MemoryGroupStore(systemClock, options.groupEventMarkerTtlSeconds),
    environments: new MemoryGroupEnvironmentStore(),
    fence: new MemoryGroupingStateFence(),
    projects: new StaticProjectConfigSource(projectsFile),
    eventsNormalizedCodec: codec,
  };
}

/** The same domain work in a plain loop: decode, prepare, assign per batch, build inserts. */
async function bareLoop(): Promise<number> {
  const deps = memoryDeps();
  const started = performance.now();
  let batch: PreparedEvent[] = [];
  let produced = 0;
  const flush = async () => {
    const assignments = await deps.store.assignMany(
      batch.map((e) => ({
        projectId: e.projectId,
        hashes: e.hashes,
        event: {
          eventId: e.eventId,
          timestamp: e.timestamp,
          title: e.title,
          culprit: e.culprit,
          level: e.level,
        },
      })),
    );
    batch.forEach((event, i) => {
      const outcome = {
        groupId: assignments[i]!.groupId,
        isNew: false,
        isNewGroupEnvironment: false,
        groupFirstSeen: 0,
      };
      produced += insertPayload(event, outcome, { defaultRetentionDays: 90 }).value.length > 0 ? 1 : 0;
    });
    batch = [];
  };
  for (const r of broker.log(Partition.of(INPUT, 0))) {
    batch.push(prepareEvent({ record: codec.decode(r.payload.value), project, limits }));
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  if (produced !== MESSAGES) throw new Error(`the bare loop built ${produced} inserts`);
  return performance.now() - started;
}

async function chain(deps: GroupingDeps, round: string, concurrency: number): Promise<number> {
  const output = `${OUTPUT}-${round}`;
  broker.createTopic(output, 1);
  const group = `bench-${round}`;
  const metrics = createMetrics();
  const logger = silentLogger();
  const settings = {
    name: "grouping",
    groupId: group,
    inputs: [INPUT],
    outputs: [output],
    dlq: new Map<string, string>(),
    maxBatchSize: BATCH,
    maxBatchTimeMs: 100,
    concurrency,
  };
  const factory = buildGroupingStrategy(
    { settings, options, producerFactory: broker.producerFactory(), metrics, logger },
    deps,
  );
  const processor = new StreamProcessor(
    { consumer: new MemoryConsumer(broker, group), factory, metrics, logger },
    { ...streamProcessorConfig(options, { name: "grouping", topic: INPUT }), pollTimeoutMs: 1 },
  );
  const running = processor.run();
  const p = Partition.of(INPUT, 0);
  // Timed from the first WARMUP events on: worker threads load their modules and every
  // chain compiles the grouping rules on its first events, which a long-running consumer
  // pays once.
  let started: number | undefined;
  let from = 0;
  for (let done = 0; done < MESSAGES; done = broker.committedOffset(group, p) ?? 0) {
    if (started === undefined && done >= WARMUP) {
      started = performance.now();
      from = done;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const elapsed = ((performance.now() - (started as number)) * MESSAGES) / (MESSAGES - from);
  processor.signalShutdown();
  await running;
  const inserts = broker.endOffset(Partition.of(output, 0));
  broker.deleteTopic(output);
  if (inserts !== MESSAGES) throw new Error(`the chain produced ${inserts} inserts for ${MESSAGES} events`);
  return elapsed;
}

async function redisDeps(redis: Redis): Promise<GroupingDeps> {
  const prefix = `${options.redisKeyPrefix}${randomUUID()}:`;
  return {
    store: new RedisGroupStore(redis, prefix, options.groupEventMarkerTtlSeconds),
    environments: new RedisGroupEnvironmentStore(redis, prefix),
    // A prefix of its own: nothing was ever assigned under it, a fresh deployment.
    fence: new RedisGroupingStateFence(redis, prefix, {
      note: "bench",
      idHeadroom: options.groupingIdHeadroom,
      freshDeployment: { neverEmitted: async () => true },
    }),
    projects: new StaticProjectConfigSource(projectsFile),
    eventsNormalizedCodec: codec,
  };
}

async function deletePrefix(redis: Redis): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${options.redisKeyPrefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}

const redis = createRedisClient(options, { connectionName: "bench-grouping" });
try {
  await redis.ping();
} catch (error) {
  throw new Error(
    `Redis is not reachable at ${options.redisUrl}: start it with bash scripts/services.sh up redis`,
    {
      cause: error,
    },
  );
}

const times = {
  bare: [] as number[],
  memory: [] as number[],
  redis: [] as number[],
  workers: [] as number[],
};
const rate = (ms: number) => Math.round((MESSAGES / ms) * 1000);
try {
  for (let round = 0; round < ROUNDS; round++) {
    times.bare.push(await bareLoop());
    times.memory.push(await chain(memoryDeps(), `memory-${round}`, 1));
    times.redis.push(await chain(await redisDeps(redis), `redis-${round}`, 1));
    times.workers.push(await chain(memoryDeps(), `workers-${round}`, 2));
    console.log(
      `round ${round + 1}: bare ${rate(times.bare[round]!)} events/s, chain ${rate(times.memory[round]!)}, ` +
        `chain+Redis ${rate(times.redis[round]!)}, chain 2 workers ${rate(times.workers[round]!)}`,
    );
  }
} finally {
  await deletePrefix(redis);
  redis.disconnect();
}

const best = (list: number[]) => (MESSAGES / Math.min(...list)) * 1000;
report({
  bench: BENCH,
  metric: "chain_memory_events_per_s",
  value: best(times.memory),
  unit: "events/s",
  baseline: best(times.bare),
  note: "in-process stores vs the bare domain loop",
});
report({
  bench: BENCH,
  metric: "chain_redis_events_per_s",
  value: best(times.redis),
  unit: "events/s",
  baseline: best(times.memory),
  note: "Redis stores vs in-process stores",
});
report({
  bench: BENCH,
  metric: "chain_workers2_events_per_s",
  value: best(times.workers),
  unit: "events/s",
  baseline: best(times.memory),
  note: "grouping in 2 worker threads vs the main thread",
});
