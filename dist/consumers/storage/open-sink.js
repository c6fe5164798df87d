// consumers/storage/open-sink.ts
import { createStorageClickHouseClient } from "./clickhouse-client.js";
import { ClickHouseSink, clickHouseSinkConfig } from "./clickhouse-sink.js";
import { migrate } from "./migrate.js";
import { dropExpiredErrorPartitions } from "./retention.js";
import { SqliteSink } from "./sqlite-sink.js";
var SINK_KINDS = ["clickhouse", "sqlite"];
function isSinkKind(value) {
  return SINK_KINDS.includes(value);
}
function openStorageSink(kind, deps) {
  if (kind === "sqlite") return SqliteSink.open(deps.options.sqlitePath);
  return new ClickHouseSink({
    client: createStorageClickHouseClient(deps.options),
    config: clickHouseSinkConfig(deps.options),
    logger: deps.logger,
    metrics: deps.metrics,
    signal: deps.signal
  });
}
async function migrateClickHouse(options, logger) {
  const client = createStorageClickHouseClient(options);
  try {
    return await migrate(client, { database: options.clickhouseDatabase, logger });
  } finally {
    await client.close();
  }
}
async function expireClickHouse(options) {
  const client = createStorageClickHouseClient(options);
  try {
    return await dropExpiredErrorPartitions(client, options.clickhouseDatabase);
  } finally {
    await client.close();
  }
}
export {
  SINK_KINDS,
  expireClickHouse,
  isSinkKind,
  migrateClickHouse,
  openStorageSink
};
//# sourceMappingURL=open-sink.js.map
