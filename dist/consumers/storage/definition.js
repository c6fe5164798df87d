// consumers/storage/definition.ts
import { buildStorageStrategy } from "./build-strategy.js";
import { migrateClickHouse, openStorageSink } from "./open-sink.js";
async function openStorageResources(context, mode) {
  const { options, logger, metrics } = context;
  if (mode === "production" && options.storageAutoMigrate) {
    const report = await migrateClickHouse(options, logger);
    logger.info(
      {
        database: options.clickhouseDatabase,
        server: report.server,
        applied: report.applied.map((migration) => migration.name),
        alreadyApplied: report.alreadyApplied
      },
      "storage.migrated"
    );
  }
  const closing = new AbortController();
  const sink = openStorageSink(mode === "production" ? "clickhouse" : "sqlite", {
    options,
    logger,
    metrics,
    signal: closing.signal
  });
  return {
    deps: { sink },
    async close() {
      closing.abort();
      await sink.close();
    }
  };
}
var storageConsumer = {
  name: "storage",
  openResources: openStorageResources,
  buildStrategy: buildStorageStrategy
};
export {
  storageConsumer
};
//# sourceMappingURL=definition.js.map
