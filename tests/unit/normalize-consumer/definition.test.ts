import { describe, expect, it } from "vitest";
import { memoryBackend } from "../../../consumers/backends.ts";
import type { ConsumerContext } from "../../../consumers/definition.ts";
import { normalizeConsumer } from "../../../consumers/normalize/definition.ts";
import { NORMALIZE_DLQ_REASONS } from "../../../consumers/normalize/reasons.ts";
import type { NormalizeCodecs } from "../../../consumers/normalize/worker-task.ts";
import { startConsumer } from "../../../consumers/runner.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { DLQ_HEADERS } from "../../../pipelines/dlq.ts";
import { RunTaskAsync, RunTaskInWorkers } from "../../../pipelines/index.ts";
import { AvroCodec } from "../../../schemas/avro/codec.ts";
import type { EventRawRecord } from "../../../schemas/avro/types.ts";
import { RegistryUnavailableError } from "../../../schemas/errors.ts";
import { loadSchemaManifest } from "../../../schemas/registry/manifest.ts";
import type { SchemaRegistry, SchemaVersion } from "../../../schemas/registry/types.ts";
import {
  committedAll,
  EVENTS_RAW_DLQ,
  eventId,
  headers,
  newBroker,
  normalizedRecords,
  rawRecord,
  records,
  runToEnd,
  sendBytes,
  testCodecs,
  testOptions,
  testSettings,
  waitFor,
} from "./harness.ts";

function context(overrides: Partial<ConsumerContext> = {}): ConsumerContext {
  const broker = newBroker();
  return {
    settings: testSettings(),
    options: testOptions(),
    producerFactory: broker.producerFactory(),
    metrics: createMetrics(),
    logger: silentLogger(),
    ...overrides,
  };
}

/**
 * A Confluent-like registry that knows the events-raw schema under two ids, the second of
 * which it fails to serve `failures` times (connection refused, 5xx) before answering.
 */
class FlakyRegistry implements SchemaRegistry {
  readonly kind = "confluent";
  calls = 0;
  constructor(
    private readonly text: string,
    private failures: number,
  ) {}
  async register(): Promise<number> {
    return 500;
  }
  async getSchema(id: number): Promise<string | undefined> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw new RegistryUnavailableError(`get schema ${id}`, { cause: new Error("ECONNREFUSED") });
    }
    return id === 501 ? this.text : undefined;
  }
  async latest(): Promise<SchemaVersion | undefined> {
    return undefined;
  }
}

describe("normalizeConsumer definition", () => {
  it("is named normalize and opens the codecs of both topics", async () => {
    expect(normalizeConsumer.name).toBe("normalize");
    const resources = await normalizeConsumer.openResources(context(), "production");
    const { raw, normalized } = resources.deps.codecs;
    expect(raw.subject).toBe("events-raw-value");
    expect(normalized.subject).toBe("events-normalized-value");
    await resources.close();
  });

  it("runs through the runner like `ingest consumer run normalize`", async () => {
    const broker = newBroker();
    const c = await testCodecs();
    const options = testOptions();
    for (let n = 0; n < 5; n++) {
      sendBytes(broker, c.raw.encode(rawRecord(`{"message":"event ${n}"}`, { event_id: eventId(n) })));
    }
    const running = await startConsumer(normalizeConsumer, {
      settings: testSettings(),
      options,
      backend: memoryBackend(broker, options),
      mode: "embedded",
      metrics: createMetrics(),
      logger: silentLogger(),
    });
    await waitFor(() => committedAll(broker));
    running.shutdown();
    await running.done;
    const outputs = await normalizedRecords(broker);
    expect(outputs.map((o) => JSON.parse(o.payload).logentry)).toEqual(
      [0, 1, 2, 3, 4].map((n) => ({ formatted: `event ${n}` })),
    );
  });

  it("runs the task on the main thread at concurrency 1 and in worker threads above", async () => {
    const deps = { codecs: await testCodecs() };
    const single = normalizeConsumer.buildStrategy(context(), deps);
    expect(single.createWithPartitions(() => {}, new Map())).toBeInstanceOf(RunTaskAsync);
    await single.shutdown();
    const pooled = normalizeConsumer.buildStrategy(
      context({ settings: testSettings({ concurrency: 2 }) }),
      deps,
    );
    expect(pooled.createWithPartitions(() => {}, new Map())).toBeInstanceOf(RunTaskInWorkers);
    await pooled.shutdown();
  });

  it("refuses a worker pool when the registry URL is an override its threads cannot see", () => {
    const ctx = context({
      settings: testSettings({ concurrency: 2 }),
      options: testOptions({ schemaRegistryUrl: "http://127.0.0.1:1/" }),
    });
    expect(() => normalizeConsumer.buildStrategy(ctx, {} as { codecs: NormalizeCodecs })).toThrow(
      /SCHEMA_REGISTRY_URL/,
    );
  });

  it("retries an unavailable registry instead of dead-lettering, and dead-letters ids it does not know", async () => {
    const text = loadSchemaManifest().subjects.get("events-raw-value")?.versions[0]?.text ?? "";
    const registry = new FlakyRegistry(text, 3);
    const raw = await AvroCodec.create<EventRawRecord>("events-raw-value", text, registry);
    const codecs: NormalizeCodecs = { raw, normalized: (await testCodecs()).normalized };
    const withId = (record: EventRawRecord, id: number): Buffer => {
      const bytes = raw.encode(record);
      bytes.writeUInt32BE(id, 1);
      return bytes;
    };
    const broker = newBroker();
    sendBytes(broker, withId(rawRecord('{"message":"older writer"}', { event_id: eventId(1) }), 501));
    sendBytes(broker, withId(rawRecord('{"message":"unknown writer"}', { event_id: eventId(2) }), 502));
    await runToEnd(broker, { codecs });

    expect((await normalizedRecords(broker)).map((o) => o.event_id)).toEqual([eventId(1)]);
    expect(registry.calls).toBe(5);
    const dlq = records(broker, EVENTS_RAW_DLQ).map(headers);
    expect(dlq.map((h) => h[DLQ_HEADERS.reason])).toEqual(["unknown-schema-id"]);
  });

  it("keeps its dead-letter reasons a closed list of distinct codes", () => {
    expect(new Set(NORMALIZE_DLQ_REASONS).size).toBe(NORMALIZE_DLQ_REASONS.length);
    for (const reason of NORMALIZE_DLQ_REASONS) expect(reason).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
