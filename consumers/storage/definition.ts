import type { ConsumerContext, ConsumerDefinition, OpenedResources, ResourceMode } from "../definition.ts";
import { buildStorageStrategy, type StorageDeps } from "./build-strategy.ts";
import { migrateClickHouse, openStorageSink } from "./open-sink.ts";

async function openStorageResources(
  context: ConsumerContext,
  mode: ResourceMode,
): Promise<OpenedResources<StorageDeps>> {
  const { options, logger, metrics } = context;
  if (mode === "production" && options.storageAutoMigrate) {
    const report = await migrateClickHouse(options, logger);
    logger.info(
      {
        database: options.clickhouseDatabase,
        server: report.server,
        applied: report.applied.map((migration) => migration.name),
        alreadyApplied: report.alreadyApplied,
      },
      "storage.migrated",
    );
  }
  // Aborting interrupts the sink's backoff waits, so a stop during an outage does not wait
  // out the retry budget. (The SQLite file is migrated on open.)
  const closing = new AbortController();
  const sink = openStorageSink(mode === "production" ? "clickhouse" : "sqlite", {
    options,
    logger,
    metrics,
    signal: closing.signal,
  });
  return {
    deps: { sink },
    async close() {
      closing.abort();
      await sink.close();
    },
  };
}

/** `events` → ClickHouse errors and groups (SQLite in embedded mode). */
export const storageConsumer: ConsumerDefinition<StorageDeps> = {
  name: "storage",
  openResources: openStorageResources,
  buildStrategy: buildStorageStrategy,
};
