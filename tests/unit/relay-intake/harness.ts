import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { loadOptions, type Options } from "../../../config/options.ts";
import type { ProjectConfigSource, ProjectSettings } from "../../../config/projects.ts";
import { StateUnavailableError } from "../../../config/redis.ts";
import { type ConsumerBackend, memoryBackend } from "../../../consumers/backends.ts";
import type { ConsumerDefinition, ConsumerSettings } from "../../../consumers/definition.ts";
import { FileAttachmentStore } from "../../../consumers/relay-intake/attachment-store.ts";
import type { RelayIntakeDeps } from "../../../consumers/relay-intake/build-strategy.ts";
import {
  type ChunkStore,
  type CollectedChunks,
  MemoryChunkStore,
} from "../../../consumers/relay-intake/chunk-store.ts";
import {
  type DedupeClaim,
  type DedupeStore,
  MemoryDedupeStore,
} from "../../../consumers/relay-intake/dedupe.ts";
import { createEventsRawCodec, relayIntakeConsumer } from "../../../consumers/relay-intake/definition.ts";
import type { RunningConsumer } from "../../../consumers/runner.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics, type Metrics } from "../../../observability/metrics.ts";
import type { BrokerValue, KafkaPayload, Topic } from "../../../pipelines/types.ts";
import { Partition, systemClock } from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import { MemoryProducer } from "../../../producers/memory-producer.ts";
import type { EventRawRecord } from "../../../schemas/avro/types.ts";
import type { Codec } from "../../../schemas/codec.ts";
import { eventIdToKey } from "../../../schemas/relay/codec.ts";
import { runChain } from "../../helpers/consumer-chain.ts";
import { committedAll as committedAllOf, records } from "../../helpers/memory-broker.ts";
import { projectSource } from "./messages.ts";

export { headersOf as headers, records } from "../../helpers/memory-broker.ts";
export { metricValue } from "../../helpers/metrics.ts";
export { waitFor } from "../../helpers/wait.ts";

// The relay-intake chain as `ingest consumer run` / `ingest dev` run it (runner.ts over the
// in-memory broker), with in-memory dedupe and chunk stores that can be made to fail like
// an unreachable Redis, and a throw-away attachment folder.

export const EVENTS = "ingest-events";
export const ATTACHMENTS = "ingest-attachments";
export const EVENTS_RAW = "events-raw";
export const USER_REPORTS = "user-reports";
export const EVENTS_DLQ = "ingest-events-dlq";
export const ATTACHMENTS_DLQ = "ingest-attachments-dlq";
export const GROUP = "ingest-consumer";
export const INPUT_PARTITIONS = 2;

let codec: Promise<Codec<EventRawRecord>> | undefined;
export function eventsRawCodec(): Promise<Codec<EventRawRecord>> {
  codec ??= createEventsRawCodec(loadOptions({}));
  return codec;
}

export function newBroker(): MemoryBroker {
  const broker = new MemoryBroker();
  broker.createTopic(EVENTS, INPUT_PARTITIONS);
  broker.createTopic(ATTACHMENTS, INPUT_PARTITIONS);
  broker.createTopic(EVENTS_RAW, 3);
  broker.createTopic(USER_REPORTS, 1);
  broker.createTopic(EVENTS_DLQ, 1);
  broker.createTopic(ATTACHMENTS_DLQ, 1);
  return broker;
}

export function testSettings(overrides: Partial<ConsumerSettings> = {}): ConsumerSettings {
  return {
    name: "relay-intake",
    groupId: GROUP,
    inputs: [EVENTS, ATTACHMENTS],
    outputs: [EVENTS_RAW, USER_REPORTS],
    dlq: new Map([
      [EVENTS, EVENTS_DLQ],
      [ATTACHMENTS, ATTACHMENTS_DLQ],
    ]),
    maxBatchSize: 10,
    maxBatchTimeMs: 20,
    concurrency: 1,
    ...overrides,
  };
}

export function testOptions(overrides: Partial<Options> = {}): Options {
  return loadOptions(
    {},
    {
      commitIntervalMs: 10,
      joinTimeoutMs: 5000,
      backpressurePauseAfterMs: 100,
      stateRetryInitialMs: 5,
      stateRetryMaxMs: 20,
      // A suite feeds many bad records in a row on purpose.
      dlqMaxInvalidRatio: 1,
      ...overrides,
    },
  );
}

/** Makes every call fail like an unreachable Redis while `down` is set. */
export class Outage {
  down = false;
  failures = 0;
  check(store: string, operation: string): void {
    if (!this.down) return;
    this.failures++;
    throw new StateUnavailableError(store, operation, {
      cause: new Error("connect ECONNREFUSED 127.0.0.1:6379"),
    });
  }
}

class FlakyDedupe implements DedupeStore {
  constructor(
    private readonly inner: DedupeStore,
    private readonly outage: Outage,
  ) {}
  async claim(projectId: number, eventId: string, windowSeconds: number, claimant: string): Promise<boolean> {
    this.outage.check("dedupe", "claim");
    return this.inner.claim(projectId, eventId, windowSeconds, claimant);
  }
  async claimMany(claims: ReadonlyArray<DedupeClaim>, windowSeconds: number): Promise<boolean[]> {
    this.outage.check("dedupe", "claimMany");
    return this.inner.claimMany(claims, windowSeconds);
  }
  async release(projectId: number, eventId: string, claimant: string): Promise<boolean> {
    this.outage.check("dedupe", "release");
    return this.inner.release(projectId, eventId, claimant);
  }
}

class FlakyChunks implements ChunkStore {
  constructor(
    private readonly inner: ChunkStore,
    private readonly outage: Outage,
  ) {}
  async putChunk(p: number, e: string, a: string, i: number, bytes: Uint8Array, ttl: number): Promise<void> {
    this.outage.check("chunks", "putChunk");
    return this.inner.putChunk(p, e, a, i, bytes, ttl);
  }
  async collect(p: number, e: string, a: string, count: number): Promise<CollectedChunks> {
    this.outage.check("chunks", "collect");
    return this.inner.collect(p, e, a, count);
  }
  async delete(p: number, e: string, a: string, count: number): Promise<void> {
    this.outage.check("chunks", "delete");
    return this.inner.delete(p, e, a, count);
  }
}

class FlakyProjects implements ProjectConfigSource {
  constructor(
    private readonly inner: ProjectConfigSource,
    private readonly outage: Outage,
  ) {}
  async get(projectId: number): Promise<ProjectSettings | undefined> {
    this.outage.check("projects", "get");
    return this.inner.get(projectId);
  }
}

export interface IntakeSetup {
  readonly settings?: Partial<ConsumerSettings>;
  readonly options?: Partial<Options>;
  /** Shared by consumers of one test, like one Redis. */
  readonly dedupe?: DedupeStore;
  readonly chunks?: ChunkStore;
  readonly outage?: Outage;
}

export interface RunningIntake {
  readonly running: RunningConsumer;
  /** The producers the chain made, by the name it gave them. */
  readonly producers: ReadonlyMap<string, MemoryProducer>;
  readonly metrics: Metrics;
  readonly attachmentDir: string;
  readonly outage: Outage;
  stop(): Promise<void>;
}

const dirs: string[] = [];
export function cleanupDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** What consumers/runner.ts does: resources, chain, per-topic DLQ, processor. */
async function runIntake(
  definition: ConsumerDefinition<RelayIntakeDeps>,
  input: { settings: ConsumerSettings; options: Options; backend: ConsumerBackend; metrics: Metrics },
): Promise<RunningConsumer> {
  const { settings, options, backend, metrics } = input;
  const logger = silentLogger();
  const context = { settings, options, producerFactory: backend.producerFactory, metrics, logger };
  const resources = await definition.openResources(context, "embedded");
  const inner = definition.buildStrategy(context, resources.deps);
  const chain = runChain({
    consumer: backend.createConsumer(settings),
    factory: {
      createWithPartitions: (commit, partitions) => inner.createWithPartitions(commit, partitions),
      shutdown: async () => {
        await inner.shutdown();
        await resources.close();
      },
    },
    settings,
    options,
    dlqProducerFactory: backend.producerFactory,
    metrics,
    logger,
  });
  return {
    settings,
    processor: chain.processor,
    done: chain.done,
    health: () => ({ healthy: !chain.processor.stuck }),
    shutdown: () => chain.processor.signalShutdown(),
  };
}

export async function startIntake(broker: MemoryBroker, setup: IntakeSetup = {}): Promise<RunningIntake> {
  const attachmentDir = mkdtempSync(join(tmpdir(), "relay-intake-"));
  dirs.push(attachmentDir);
  const outage = setup.outage ?? new Outage();
  const options = testOptions({ attachmentStoreDir: attachmentDir, ...setup.options });
  const deps: RelayIntakeDeps = {
    dedupe: new FlakyDedupe(setup.dedupe ?? new MemoryDedupeStore(systemClock), outage),
    chunks: new FlakyChunks(setup.chunks ?? new MemoryChunkStore(systemClock), outage),
    attachments: new FileAttachmentStore(attachmentDir),
    projects: new FlakyProjects(projectSource(), outage),
    eventsRawCodec: await eventsRawCodec(),
  };
  const definition: ConsumerDefinition<RelayIntakeDeps> = {
    ...relayIntakeConsumer,
    openResources: async () => ({ deps, close: async () => {} }),
  };
  const metrics = createMetrics();
  const producers = new Map<string, MemoryProducer>();
  const inner = memoryBackend(broker, options);
  const backend: ConsumerBackend = {
    ...inner,
    producerFactory: (name) => {
      const producer = new MemoryProducer(broker, { name });
      producers.set(name, producer);
      return producer;
    },
  };
  const running = await runIntake(definition, {
    settings: testSettings(setup.settings),
    options,
    backend,
    metrics,
  });
  return {
    running,
    producers,
    metrics,
    attachmentDir,
    outage,
    async stop() {
      running.shutdown();
      await running.done;
    },
  };
}

/**
 * `startIntake` for a suite: after each test, every intake it started is terminated (two
 * signals, as a killed process) and the attachment folders are removed.
 */
export function intakesStoppedAfterEach(): (
  broker: MemoryBroker,
  setup?: IntakeSetup,
) => Promise<RunningIntake> {
  const running: RunningIntake[] = [];
  afterEach(async () => {
    for (const intake of running.splice(0)) {
      intake.running.shutdown();
      intake.running.shutdown();
      await intake.running.done.catch(() => {});
    }
    cleanupDirs();
  });
  return async (broker, setup) => {
    const intake = await startIntake(broker, setup);
    running.push(intake);
    return intake;
  };
}

/** Produces a Relay record keyed by its event id, as Relay does (same event → same partition). */
export function send(
  broker: MemoryBroker,
  topic: Topic,
  value: Buffer,
  eventId?: string,
): BrokerValue<KafkaPayload> {
  return broker.produce(topic, {
    key: eventId === undefined ? null : eventIdToKey(eventId),
    value,
    headers: [],
  });
}

export function sendTo(broker: MemoryBroker, topic: Topic, index: number, value: Buffer, eventId?: string) {
  return broker.produce(Partition.of(topic, index), {
    key: eventId === undefined ? null : eventIdToKey(eventId),
    value,
    headers: [],
  });
}

export async function eventsRaw(broker: MemoryBroker): Promise<EventRawRecord[]> {
  const c = await eventsRawCodec();
  return records(broker, EVENTS_RAW).map((r) => c.decode(r.payload.value));
}

/** True once the group committed every record of both input topics. */
export function committedAll(broker: MemoryBroker): boolean {
  return committedAllOf(broker, GROUP, [EVENTS, ATTACHMENTS]);
}
