import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadOptions, type Options } from "../../../config/options.ts";
import type { ConsumerContext, ConsumerSettings } from "../../../consumers/definition.ts";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { buildStorageStrategy } from "../../../consumers/storage/build-strategy.ts";
import type { ErrorRow } from "../../../consumers/storage/error-row.ts";
import type { GroupRow } from "../../../consumers/storage/group-row.ts";
import {
  type EventQuery,
  type IssueAggregate,
  type IssueQuery,
  type RowFailure,
  StorageError,
  type StorageSink,
  type StoredEvent,
  type WriteResult,
} from "../../../consumers/storage/sink.ts";
import { SqliteSink } from "../../../consumers/storage/sqlite-sink.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { type KafkaPayload, Partition } from "../../../pipelines/index.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import type { ProducerFactory } from "../../../producers/types.ts";
import { type RunningChain, runChain } from "../../helpers/consumer-chain.ts";

export { headersOf, records } from "../../helpers/memory-broker.ts";
export { metricValue } from "../../helpers/metrics.ts";
export { waitFor } from "../../helpers/wait.ts";

export const EVENTS = "events";
export const EVENTS_DLQ = "events-dlq";
export const GROUP = "storage-consumer";
export const PROJECT_ID = 6036610;

const STORAGE_FIXTURES = join(import.meta.dirname, "../../fixtures/storage/events");
const OWN_FIXTURES = join(import.meta.dirname, "fixtures");

/** Raw text of an `events` fixture (inserts from tests/fixtures/storage, replacements from ./fixtures). */
export function fixtureText(name: string): string {
  const own = join(OWN_FIXTURES, `${name}.json`);
  try {
    return readFileSync(own, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return readFileSync(join(STORAGE_FIXTURES, `${name}.json`), "utf8");
  }
}

/** The 32-hex event id of the n-th synthetic event. */
export function eventId(n: number): string {
  return (0xe000_0000 + n).toString(16).padStart(32, "0");
}

/** The dashed form the rows store. */
export function dashed(id: string): string {
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}

/** errors1.json (Sentry's example insert) with a fresh event id, in the given group. */
export function insertMessage(n: number, options: { readonly groupId?: number } = {}): Buffer {
  const tuple = JSON.parse(fixtureText("errors1")) as [number, string, Record<string, unknown>, unknown];
  const body = tuple[2];
  const id = eventId(n);
  body.event_id = id;
  (body.data as Record<string, unknown>).event_id = id;
  body.group_id = options.groupId ?? 124;
  body.group_ids = [body.group_id];
  return Buffer.from(JSON.stringify(tuple));
}

export function payload(value: Buffer | string, key = String(PROJECT_ID)): KafkaPayload {
  return {
    key: Buffer.from(key),
    value: typeof value === "string" ? Buffer.from(value) : value,
    headers: [
      ["operation", Buffer.from("insert")],
      ["version", Buffer.from("2")],
    ],
  };
}

/**
 * The SQLite sink (in memory) with faults on demand: inserts that fail as an unreachable
 * store would after the sink's retries, rows the store rejects, and a groups upsert that
 * never answers (a consumer killed between insert and commit).
 */
export class FaultySink implements StorageSink {
  readonly kind = "sqlite" as const;
  readonly inner = SqliteSink.open(":memory:");
  /** Every event id handed to a successful insert, duplicates included. */
  readonly inserted: string[] = [];
  insertCalls = 0;
  groupCalls = 0;
  /** Rows of every successful insert, in order. */
  readonly rows: ErrorRow[] = [];
  /** Row count of every insertErrors call that reached the store. */
  readonly batchSizes: number[] = [];
  /** While true every insertErrors call fails with storage_unavailable. */
  down = false;
  /** Thrown by every insertErrors call while set (a store refusing the statement itself). */
  fatal: StorageError | null = null;
  private unavailable = 0;
  private rejectWhen: (row: ErrorRow) => string | null = () => null;
  private hangGroups = false;

  /** The next `count` insertErrors calls fail with storage_unavailable. */
  failInserts(count: number): void {
    this.unavailable = count;
  }

  /** Rows for which `why` returns a message are refused, the rest stored. */
  rejectRows(why: (row: ErrorRow) => string | null): void {
    this.rejectWhen = why;
  }

  /** From now on upsertGroups never settles. */
  hangGroupUpserts(): void {
    this.hangGroups = true;
  }

  async insertErrors(rows: ReadonlyArray<ErrorRow>): Promise<WriteResult> {
    this.insertCalls++;
    if (this.fatal !== null) throw this.fatal;
    if (this.down || this.unavailable > 0) {
      if (!this.down) this.unavailable--;
      throw new StorageError("storage_unavailable", "test: store unreachable");
    }
    const failures: RowFailure[] = [];
    const accepted: ErrorRow[] = [];
    rows.forEach((row, index) => {
      const why = this.rejectWhen(row);
      if (why === null) accepted.push(row);
      else failures.push({ index, code: "27", message: why });
    });
    const result = await this.inner.insertErrors(accepted);
    if (result.failures.length > 0) throw new Error("the inner SQLite sink refused a row");
    this.inserted.push(...accepted.map((row) => row.event_id));
    this.rows.push(...accepted);
    this.batchSizes.push(rows.length);
    return { stored: accepted.length, failures };
  }

  async upsertGroups(rows: ReadonlyArray<GroupRow>): Promise<WriteResult> {
    this.groupCalls++;
    if (this.hangGroups) return new Promise<WriteResult>(() => {});
    return this.inner.upsertGroups(rows);
  }

  readIssues(query: IssueQuery): Promise<IssueAggregate[]> {
    return this.inner.readIssues(query);
  }

  readEvents(query: EventQuery): Promise<StoredEvent[]> {
    return this.inner.readEvents(query);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Stored events of a project, deduplicated by the store (count over all groups). */
export async function storedCount(sink: StorageSink, projectId = PROJECT_ID): Promise<number> {
  const issues = await sink.readIssues({ projectId, limit: 1000 });
  return issues.reduce((sum, issue) => sum + issue.count, 0);
}

export function testOptions(overrides: Partial<Options> = {}): Options {
  return loadOptions(
    {},
    {
      storageRetryInitialMs: 5,
      storageRetryMaxMs: 20,
      commitIntervalMs: 0,
      backpressurePauseAfterMs: 50,
      joinTimeoutMs: 1000,
      maxPollIntervalMs: 0,
      ...overrides,
    },
  );
}

export function testSettings(overrides: Partial<ConsumerSettings> = {}): ConsumerSettings {
  return {
    name: "storage",
    groupId: GROUP,
    inputs: [EVENTS],
    outputs: [],
    dlq: new Map([[EVENTS, EVENTS_DLQ]]),
    maxBatchSize: 100,
    maxBatchTimeMs: 20,
    concurrency: 1,
    ...overrides,
  };
}

export function newBroker(partitions = 1): MemoryBroker {
  const broker = new MemoryBroker();
  broker.createTopic(EVENTS, partitions);
  broker.createTopic(EVENTS_DLQ, 1);
  return broker;
}

export type RunningConsumer = RunningChain<MemoryConsumer>;

/** The storage chain under a StreamProcessor over the in-memory broker, as `ingest dev` runs it. */
export function startConsumer(
  broker: MemoryBroker,
  sink: StorageSink,
  setup: {
    readonly options?: Options;
    readonly settings?: ConsumerSettings;
    /** The chain's producers (its DLQ writes of rejected rows); the broker's by default. */
    readonly producerFactory?: ProducerFactory;
  } = {},
): RunningConsumer {
  const options = setup.options ?? testOptions();
  const settings = setup.settings ?? testSettings();
  const metrics = createMetrics();
  const context: ConsumerContext = {
    settings,
    options,
    producerFactory: setup.producerFactory ?? broker.producerFactory(),
    metrics,
    logger: silentLogger(),
  };
  return runChain({
    consumer: new MemoryConsumer(broker, settings.groupId),
    factory: buildStorageStrategy(context, { sink }),
    settings,
    options,
    dlqProducerFactory: broker.producerFactory(),
    metrics,
  });
}

export function committed(broker: MemoryBroker, index = 0): number | undefined {
  return broker.committedOffset(GROUP, Partition.of(EVENTS, index));
}
