import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ConsumerContext } from "../../../consumers/definition.ts";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { storageConsumer } from "../../../consumers/storage/definition.ts";
import { SqliteSink } from "../../../consumers/storage/sqlite-sink.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics } from "../../../observability/metrics.ts";
import { Partition, StreamProcessor, streamProcessorConfig } from "../../../pipelines/index.ts";
import { tempDirsRemovedAfterEach } from "../../helpers/temp-dirs.ts";
import {
  committed,
  EVENTS,
  insertMessage,
  newBroker,
  PROJECT_ID,
  payload,
  storedCount,
  testOptions,
  testSettings,
  waitFor,
} from "./harness.ts";

const tempDir = tempDirsRemovedAfterEach("storage-consumer-");

function context(overrides: Parameters<typeof testOptions>[0], broker = newBroker()): ConsumerContext {
  return {
    settings: testSettings(),
    options: testOptions(overrides),
    producerFactory: broker.producerFactory(),
    metrics: createMetrics(),
    logger: silentLogger(),
  };
}

describe("storageConsumer definition", () => {
  it("runs the chain into the SQLite file in embedded mode", async () => {
    const dir = tempDir();
    const sqlitePath = join(dir, "nested", "ingest.sqlite");
    const broker = newBroker();
    for (let n = 0; n < 25; n++)
      broker.produce(Partition.of(EVENTS, 0), payload(insertMessage(n, { groupId: 7 + (n % 2) })));
    const ctx = context({ sqlitePath }, broker);

    const resources = await storageConsumer.openResources(ctx, "embedded");
    expect(resources.deps.sink.kind).toBe("sqlite");
    const processor = new StreamProcessor(
      {
        consumer: new MemoryConsumer(broker, ctx.settings.groupId),
        factory: storageConsumer.buildStrategy(ctx, resources.deps),
        metrics: ctx.metrics,
        logger: ctx.logger,
      },
      { ...streamProcessorConfig(ctx.options, { name: "storage", topic: EVENTS }), pollTimeoutMs: 5 },
    );
    const done = processor.run();
    await waitFor(() => committed(broker) === 25);
    processor.signalShutdown();
    await done;
    await resources.close();

    const reopened = SqliteSink.open(sqlitePath);
    try {
      expect(await storedCount(reopened, PROJECT_ID)).toBe(25);
      const issues = await reopened.readIssues({ projectId: PROJECT_ID, limit: 10 });
      expect(issues.map((issue) => [issue.groupId, issue.count]).sort()).toEqual([
        [7, 13],
        [8, 12],
      ]);
    } finally {
      await reopened.close();
    }
  });

  it("opens a ClickHouse sink in production mode without touching the server unless asked to migrate", async () => {
    const ctx = context({ clickhouseUrl: "http://127.0.0.1:9", storageAutoMigrate: false });
    const resources = await storageConsumer.openResources(ctx, "production");
    expect(resources.deps.sink.kind).toBe("clickhouse");
    await resources.close();
  });

  it("runs the migrations first with storageAutoMigrate, failing when ClickHouse cannot be reached", async () => {
    const ctx = context({
      clickhouseUrl: "http://127.0.0.1:9",
      storageAutoMigrate: true,
    });
    await expect(storageConsumer.openResources(ctx, "production")).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
