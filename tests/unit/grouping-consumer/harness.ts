import { loadOptions, type Options } from "../../../config/options.ts";
import { parseProjects, StaticProjectConfigSource } from "../../../config/projects.ts";
import { StateUnavailableError } from "../../../config/redis.ts";
import type { ConsumerContext, ConsumerSettings } from "../../../consumers/definition.ts";
import { buildGroupingStrategy, type GroupingDeps } from "../../../consumers/grouping/build-strategy.ts";
import { createEventsNormalizedCodec } from "../../../consumers/grouping/definition.ts";
import { MemoryGroupEnvironmentStore } from "../../../consumers/grouping/group-environments.ts";
import type {
  GroupAssignment,
  GroupAssignmentRequest,
  GroupEventMeta,
  GroupRow,
  GroupStats,
  GroupStore,
  RestoreResult,
} from "../../../consumers/grouping/group-store.ts";
import { MemoryGroupStore } from "../../../consumers/grouping/group-store-memory.ts";
import {
  type GroupingStateFence,
  GroupingStateLostError,
  type RebuildLock,
} from "../../../consumers/grouping/state-fence.ts";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { normalizeConfigFromOptions } from "../../../consumers/normalize/config.ts";
import { isRejected, normalizeEvent, toStoredEvent } from "../../../consumers/normalize/normalize.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics, type Metrics } from "../../../observability/metrics.ts";
import { type KafkaPayload, Partition, systemClock } from "../../../pipelines/index.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import type { AvroCodec } from "../../../schemas/avro/codec.ts";
import type { EventNormalizedRecord } from "../../../schemas/avro/types.ts";
import { parseEventStreamMessage } from "../../../schemas/eventstream/codec.ts";
import type { InsertMessage } from "../../../schemas/eventstream/types.ts";
import { type RunningChain, runChain } from "../../helpers/consumer-chain.ts";

// The grouping chain under a StreamProcessor over the in-memory broker, with the in-process
// stores (or faulty wrappers of them), as `ingest dev` runs it. Input records are built the
// way the pipeline builds them: an SDK event normalized by the normalize consumer's domain
// code, wrapped in an events-normalized Avro record.

export const INPUT = "events-normalized";
export const OUTPUT = "events";
export const INPUT_DLQ = "events-normalized-dlq";
export const GROUP = "grouping-consumer";

export const PROJECTS_YAML = `
version: 1
projects:
  - id: 1
    organizationId: 10
    slug: one
    publicKeys: [e12d836b15bb49d7bbf99e64295d995b]
  - id: 2
    organizationId: 20
    slug: two
    publicKeys: [0f6a1c2e3d4b5a69788796a5b4c3d2e1]
  - id: 6036610
    organizationId: 123
    slug: android
    publicKeys: [aaaaaaaabbbbbbbbccccccccdddddddd]
`;

export function testOptions(overrides: Partial<Options> = {}): Options {
  return loadOptions(
    {},
    {
      stateRetryInitialMs: 5,
      stateRetryMaxMs: 20,
      commitIntervalMs: 0,
      backpressurePauseAfterMs: 50,
      joinTimeoutMs: 2000,
      maxPollIntervalMs: 0,
      ...overrides,
    },
  );
}

export function testSettings(overrides: Partial<ConsumerSettings> = {}): ConsumerSettings {
  return {
    name: "grouping",
    groupId: GROUP,
    inputs: [INPUT],
    outputs: [OUTPUT],
    dlq: new Map([[INPUT, INPUT_DLQ]]),
    maxBatchSize: 50,
    maxBatchTimeMs: 20,
    concurrency: 1,
    ...overrides,
  };
}

export function newBroker(partitions = 1): MemoryBroker {
  const broker = new MemoryBroker();
  broker.createTopic(INPUT, partitions);
  broker.createTopic(OUTPUT, 1);
  broker.createTopic(INPUT_DLQ, 1);
  return broker;
}

/** The 32-hex event id of the n-th synthetic event. */
export function eventId(n: number): string {
  return (0xa000_0000 + n).toString(16).padStart(32, "0");
}

const NOW = Date.now() / 1000;

/** Normalizes an SDK event as the normalize consumer does and wraps it as events-normalized. */
export function normalizedRecord(
  raw: Record<string, unknown>,
  projectId: number,
  overrides: Partial<EventNormalizedRecord> = {},
): EventNormalizedRecord {
  const options = testOptions();
  const id = typeof raw.event_id === "string" ? raw.event_id : eventId(0);
  const config = normalizeConfigFromOptions(options, { receivedAt: NOW, projectId, fallbackEventId: id });
  const result = normalizeEvent(raw, config);
  if (isRejected(result)) throw new Error(`normalization rejected the test event: ${result.rejected.reason}`);
  const stored = toStoredEvent(result);
  return recordFor(stored, projectId, overrides);
}

/** An events-normalized record around an already normalized payload. */
export function recordFor(
  payload: Record<string, unknown>,
  projectId: number,
  overrides: Partial<EventNormalizedRecord> = {},
): EventNormalizedRecord {
  const str = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);
  return {
    kind: "event",
    event_id: str(payload.event_id, eventId(0)),
    project_id: projectId,
    organization_id: null,
    source_topic: "ingest-events",
    start_time: Math.floor(NOW),
    received: typeof payload.received === "number" ? payload.received : NOW,
    ingested_at_ms: Math.floor(NOW * 1000),
    remote_addr: null,
    client: null,
    platform: str(payload.platform, "other"),
    type: str(payload.type, "default"),
    level: str(payload.level, "error"),
    timestamp: typeof payload.timestamp === "number" ? payload.timestamp : NOW,
    release: typeof payload.release === "string" ? payload.release : null,
    environment: typeof payload.environment === "string" ? payload.environment : null,
    retention_days: null,
    attachments: [],
    processing_errors: [],
    payload: JSON.stringify(payload),
    ...overrides,
  };
}

/** A message event with a custom fingerprint: events with equal `fingerprint` share a group. */
export function fingerprintEvent(
  n: number,
  fingerprint: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    event_id: eventId(n),
    timestamp: NOW - 60 + n / 1000,
    platform: "python",
    level: "error",
    message: `boom ${n}`,
    fingerprint: [fingerprint],
    ...extra,
  };
}

let codecPromise: Promise<AvroCodec<EventNormalizedRecord>> | undefined;

export function codec(): Promise<AvroCodec<EventNormalizedRecord>> {
  codecPromise ??= createEventsNormalizedCodec(testOptions());
  return codecPromise;
}

export async function produceRecords(
  broker: MemoryBroker,
  records: Iterable<EventNormalizedRecord>,
  partitions = 1,
): Promise<void> {
  const c = await codec();
  let i = 0;
  for (const record of records) {
    const payload: KafkaPayload = { key: Buffer.from(record.event_id), value: c.encode(record), headers: [] };
    broker.produce(Partition.of(INPUT, i++ % partitions), payload);
  }
}

/** The decoded `events` output, in order. */
export function outputMessages(
  broker: MemoryBroker,
): Array<{ message: InsertMessage; payload: KafkaPayload }> {
  return broker.log(Partition.of(OUTPUT, 0)).map((record) => {
    const message = parseEventStreamMessage(record.payload.value, { maxBytes: 25_000_000, maxDepth: 66 });
    if (message.operation !== "insert") throw new Error(`unexpected ${message.operation}`);
    return { message, payload: record.payload };
  });
}

export function dlqRecords(broker: MemoryBroker) {
  return broker.log(Partition.of(INPUT_DLQ, 0));
}

export function headersOf(value: KafkaPayload): Record<string, string> {
  return Object.fromEntries(value.headers.map(([k, v]) => [k, v.toString("utf8")]));
}

export function committed(broker: MemoryBroker, index = 0): number | undefined {
  return broker.committedOffset(GROUP, Partition.of(INPUT, index));
}

/** A group store whose Redis can be "down": every call fails as state_unavailable meanwhile. */
export class FlakyGroupStore implements GroupStore {
  down = false;
  failedCalls = 0;
  readonly inner: MemoryGroupStore;

  constructor(inner = new MemoryGroupStore(systemClock, 3600)) {
    this.inner = inner;
  }

  private check(operation: string): void {
    if (!this.down) return;
    this.failedCalls += 1;
    throw new StateUnavailableError("groups", operation, { cause: new Error("test: Redis down") });
  }

  async assign(
    projectId: number,
    hashes: ReadonlyArray<string>,
    event: GroupEventMeta,
  ): Promise<GroupAssignment> {
    this.check("assign");
    return this.inner.assign(projectId, hashes, event);
  }

  async assignMany(requests: ReadonlyArray<GroupAssignmentRequest>): Promise<GroupAssignment[]> {
    this.check("assignMany");
    return this.inner.assignMany(requests);
  }

  async restore(projectId: number, rows: Iterable<GroupRow>): Promise<RestoreResult> {
    this.check("restore");
    return this.inner.restore(projectId, rows);
  }

  async getGroup(projectId: number, groupId: number): Promise<GroupStats | undefined> {
    this.check("getGroup");
    return this.inner.getGroup(projectId, groupId);
  }

  async lookupHash(projectId: number, hash: string): Promise<number | undefined> {
    this.check("lookupHash");
    return this.inner.lookupHash(projectId, hash);
  }
}

/** A fence that tests lower and raise, as a Redis wipe and a rebuild would. */
export class TestFence implements GroupingStateFence {
  intact = true;
  checks = 0;
  generation = 1;
  lockHeld = false;
  /** The largest recorded id the last `establish` was given. */
  establishedWith: number | undefined;
  async ensureIntact(): Promise<string> {
    this.checks += 1;
    if (!this.intact) throw new GroupingStateLostError();
    return String(this.generation);
  }
  async isIntact(): Promise<boolean> {
    return this.intact;
  }
  async lockRebuild(): Promise<RebuildLock | undefined> {
    if (this.lockHeld) return undefined;
    this.lockHeld = true;
    return {
      token: "test",
      renew: async () => this.lockHeld,
      release: async () => {
        this.lockHeld = false;
      },
    };
  }
  async establish(_lock: RebuildLock, largestRecordedId: number): Promise<boolean> {
    if (!this.lockHeld) return false;
    this.establishedWith = largestRecordedId;
    this.raise();
    return true;
  }
  /** A wipe: the state is gone. */
  lower(): void {
    this.intact = false;
  }
  /** The state is back, under a new generation. */
  raise(): void {
    this.intact = true;
    this.generation += 1;
  }
}

export async function testDeps(overrides: Partial<GroupingDeps> = {}): Promise<GroupingDeps> {
  return {
    store: new MemoryGroupStore(systemClock, 3600),
    environments: new MemoryGroupEnvironmentStore(),
    fence: new TestFence(),
    projects: new StaticProjectConfigSource(parseProjects(PROJECTS_YAML, "test-projects.yaml")),
    eventsNormalizedCodec: await codec(),
    ...overrides,
  };
}

export type RunningConsumer = RunningChain<MemoryConsumer>;

export function startConsumer(
  broker: MemoryBroker,
  deps: GroupingDeps,
  setup: { readonly options?: Options; readonly settings?: ConsumerSettings } = {},
): RunningConsumer {
  const options = setup.options ?? testOptions();
  const settings = setup.settings ?? testSettings();
  const metrics = createMetrics();
  const logger = silentLogger();
  const context: ConsumerContext = {
    settings,
    options,
    producerFactory: broker.producerFactory(),
    metrics,
    logger,
  };
  return runChain({
    consumer: new MemoryConsumer(broker, settings.groupId),
    factory: buildGroupingStrategy(context, deps),
    settings,
    options,
    dlqProducerFactory: broker.producerFactory(),
    metrics,
    logger,
  });
}

export { waitFor } from "../../helpers/wait.ts";

export async function metricValue(
  metrics: Metrics,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await metrics.registry.metrics();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((label) => line.includes(label))) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}
