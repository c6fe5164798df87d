import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadOptions, type Options } from "../../../config/options.ts";
import { memoryBackend } from "../../../consumers/backends.ts";
import type { ConsumerContext, ConsumerSettings } from "../../../consumers/definition.ts";
import { normalizeConfigFromOptions } from "../../../consumers/normalize/config.ts";
import { normalizeConsumer } from "../../../consumers/normalize/definition.ts";
import { isRejected, normalizeEvent, toStoredEvent } from "../../../consumers/normalize/normalize.ts";
import { createNormalizeCodecs, type NormalizeCodecs } from "../../../consumers/normalize/worker-task.ts";
import type { Consumer } from "../../../consumers/types.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { Partition } from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import type { EventKind, EventNormalizedRecord, EventRawRecord } from "../../../schemas/avro/types.ts";
import { relayCodec } from "../../../schemas/codecs.ts";
import { eventIdToKey } from "../../../schemas/relay/codec.ts";
import { type RunningChain, runChain } from "../../helpers/consumer-chain.ts";
import { committedAll as committedAllOf, records } from "../../helpers/memory-broker.ts";
import { waitFor } from "../../helpers/wait.ts";

export { headersOf as headers, records } from "../../helpers/memory-broker.ts";
export { waitFor } from "../../helpers/wait.ts";

// The normalize consumer's definition and chain on the in-memory broker, fed `events-raw` records built from the normalization vectors
// and from Relay's own messages in tests/fixtures/formats.

export const EVENTS_RAW = "events-raw";
export const EVENTS_NORMALIZED = "events-normalized";
export const EVENTS_RAW_DLQ = "events-raw-dlq";
export const GROUP = "normalize-consumer";

const FIXTURES = join(import.meta.dirname, "../../fixtures");
const NORMALIZATION = join(FIXTURES, "normalization");
const FORMATS = join(FIXTURES, "formats");

/** Fixed reception time for vectors without one (2024-01-01T00:00:00Z). */
export const DEFAULT_RECEIVED = 1_704_067_200;

let codecs: Promise<NormalizeCodecs> | undefined;
export function testCodecs(): Promise<NormalizeCodecs> {
  codecs ??= createNormalizeCodecs(loadOptions({}));
  return codecs;
}

export function newBroker(inputPartitions = 1): MemoryBroker {
  const broker = new MemoryBroker();
  broker.createTopic(EVENTS_RAW, inputPartitions);
  broker.createTopic(EVENTS_NORMALIZED, 1);
  broker.createTopic(EVENTS_RAW_DLQ, 1);
  return broker;
}

export function testSettings(overrides: Partial<ConsumerSettings> = {}): ConsumerSettings {
  return {
    name: "normalize",
    groupId: GROUP,
    inputs: [EVENTS_RAW],
    outputs: [EVENTS_NORMALIZED],
    dlq: new Map([[EVENTS_RAW, EVENTS_RAW_DLQ]]),
    maxBatchSize: 8,
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
      joinTimeoutMs: 10_000,
      backpressurePauseAfterMs: 100,
      // Suites feed bad records in a row on purpose.
      dlqMaxInvalidRatio: 1,
      ...overrides,
    },
  );
}

export type RunningNormalize = RunningChain<Consumer>;

type Setup = { settings?: Partial<ConsumerSettings>; options?: Partial<Options>; codecs?: NormalizeCodecs };

/**
 * The definition's resources and chain under a StreamProcessor wired as runner.ts wires it
 * (tests/helpers/consumer-chain.ts). definition.test.ts runs the runner itself.
 */
export async function startNormalize(broker: MemoryBroker, setup: Setup = {}): Promise<RunningNormalize> {
  const options = testOptions(setup.options);
  const settings = testSettings(setup.settings);
  const metrics = createMetrics();
  const backend = memoryBackend(broker, options);
  const context: ConsumerContext = {
    settings,
    options,
    producerFactory: backend.producerFactory,
    metrics,
    logger: silentLogger(),
  };
  const resources =
    setup.codecs === undefined
      ? await normalizeConsumer.openResources(context, "embedded")
      : { deps: { codecs: setup.codecs }, close: async () => {} };
  return runChain({
    consumer: backend.createConsumer(settings),
    factory: normalizeConsumer.buildStrategy(context, resources.deps),
    settings,
    options,
    dlqProducerFactory: backend.producerFactory,
    metrics,
    afterStop: async () => {
      await resources.close();
      await backend.close();
    },
  });
}

// --- inputs ------------------------------------------------------------------------------------

export interface RawInput {
  /** Where the input came from, for test names. */
  readonly name: string;
  readonly record: EventRawRecord;
}

interface Vector {
  readonly name: string;
  readonly scope: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Scopes whose input is a whole event (the others feed single interfaces or raw text). */
const EVENT_SCOPES = new Set(["store", "store-processor-only", "store-python", "validate", "trimming-only"]);

export function eventId(n: number): string {
  return (0xa000_0000 + n).toString(16).padStart(32, "0");
}

export function rawRecord(payload: string, overrides: Partial<EventRawRecord> = {}): EventRawRecord {
  return {
    kind: "event",
    event_id: eventId(0),
    project_id: 42,
    organization_id: 7,
    source_topic: "ingest-events",
    start_time: DEFAULT_RECEIVED,
    received: DEFAULT_RECEIVED,
    ingested_at_ms: DEFAULT_RECEIVED * 1000 + 5,
    remote_addr: null,
    client: null,
    attachments: [],
    processing_errors: [],
    payload,
    ...overrides,
  };
}

export function vectorText(name: string, kind: "input" | "expected"): string {
  return readFileSync(join(NORMALIZATION, `${name}.${kind}.json`), "utf8");
}

/**
 * Every whole-event normalization vector as an events-raw record: its received_at as the
 * record's `received`, its client_ip as `remote_addr`, its project_id as the project.
 */
export function vectorInputs(): RawInput[] {
  const vectors = JSON.parse(readFileSync(join(NORMALIZATION, "index.json"), "utf8")) as Vector[];
  return vectors
    .filter((vector) => EVENT_SCOPES.has(vector.scope))
    .map((vector, n) => {
      const config = vector.config;
      const received =
        typeof config.received_at === "string" ? Date.parse(config.received_at) / 1000 : DEFAULT_RECEIVED;
      return {
        name: vector.name,
        record: rawRecord(vectorText(vector.name, "input"), {
          event_id: eventId(n + 1),
          received,
          start_time: Math.trunc(received),
          remote_addr: typeof config.client_ip === "string" ? config.client_ip : null,
          project_id: typeof config.project_id === "number" ? config.project_id : 42,
        }),
      };
    });
}

function kindOf(payload: Record<string, unknown>): EventKind {
  return payload.type === "transaction" ? "transaction" : payload.type === "feedback" ? "feedback" : "event";
}

/** Relay's own `event` messages (sentry-kafka-schemas examples) as relay-intake forwards them. */
export function relayInputs(): RawInput[] {
  const inputs: RawInput[] = [];
  for (const folder of ["ingest-events", "ingest-transactions", "ingest-feedback-events"]) {
    const codec = relayCodec();
    for (const file of readdirSync(join(FORMATS, folder))
      .filter((f) => f.endsWith(".msgpack"))
      .sort()) {
      const message = codec.decode(readFileSync(join(FORMATS, folder, file)));
      if (message.type !== "event") continue;
      const text = message.payload.toString("utf8");
      const payload = JSON.parse(text) as Record<string, unknown>;
      const received = typeof payload.received === "number" ? payload.received : message.start_time;
      inputs.push({
        name: `${folder}/${file}`,
        record: rawRecord(text, {
          kind: kindOf(payload),
          event_id: message.event_id,
          project_id: message.project_id,
          source_topic: folder,
          start_time: message.start_time,
          received,
          remote_addr: message.remote_addr ?? null,
          client: null,
        }),
      });
    }
  }
  return inputs;
}

// --- the broker ----------------------------------------------------------------------------

export async function sendRaw(broker: MemoryBroker, record: EventRawRecord, partition = 0): Promise<void> {
  const c = await testCodecs();
  sendBytes(broker, c.raw.encode(record), eventIdToKey(record.event_id), partition);
}

export function sendBytes(
  broker: MemoryBroker,
  value: Buffer,
  key: Buffer | null = null,
  partition = 0,
): void {
  broker.produce(Partition.of(EVENTS_RAW, partition), { key, value, headers: [] });
}

export async function normalizedRecords(broker: MemoryBroker): Promise<EventNormalizedRecord[]> {
  const c = await testCodecs();
  return records(broker, EVENTS_NORMALIZED).map((r) => c.normalized.decode(r.payload.value));
}

export function committedAll(broker: MemoryBroker): boolean {
  return committedAllOf(broker, GROUP, [EVENTS_RAW]);
}

/** Runs the consumer until every input record is committed, then stops it. */
export async function runToEnd(broker: MemoryBroker, setup: Setup = {}): Promise<RunningNormalize> {
  const consumer = await startNormalize(broker, setup);
  try {
    await waitFor(() => committedAll(broker), 20_000);
  } finally {
    await consumer.stop();
  }
  return consumer;
}

/**
 * What the consumer must write for `record`: `normalizeEvent` of the payload with the
 * StoreNormalizer settings the record and the options give, computed here independently of
 * the chain; undefined when the normalizer rejects the event.
 */
export function expectedStored(
  record: EventRawRecord,
  options: Options,
): Record<string, unknown> | undefined {
  const config = normalizeConfigFromOptions(options, {
    receivedAt: record.received,
    clientIp: record.remote_addr ?? undefined,
    client: record.client ?? undefined,
    projectId: record.project_id,
    fallbackEventId: record.event_id,
  });
  const result = normalizeEvent(JSON.parse(record.payload), config);
  return isRejected(result) ? undefined : toStoredEvent(result);
}
