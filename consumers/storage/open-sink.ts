import type { Options } from "../../config/options.ts";
import type { Logger } from "../../observability/logger.ts";
import type { Metrics } from "../../observability/metrics.ts";
import { createStorageClickHouseClient } from "./clickhouse-client.ts";
import { ClickHouseSink, clickHouseSinkConfig } from "./clickhouse-sink.ts";
import { type MigrationReport, migrate } from "./migrate.ts";
import { dropExpiredErrorPartitions, type ErrorsPartition } from "./retention.ts";
import type { StorageSink } from "./sink.ts";
import { SqliteSink } from "./sqlite-sink.ts";

export const SINK_KINDS = ["clickhouse", "sqlite"] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

export function isSinkKind(value: string): value is SinkKind {
  return (SINK_KINDS as readonly string[]).includes(value);
}

export interface OpenSinkDeps {
  readonly options: Options;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly signal?: AbortSignal;
}

/** The configured sink. SQLite files are created and migrated on open; ClickHouse is not touched yet. */
export function openStorageSink(kind: SinkKind, deps: OpenSinkDeps): StorageSink {
  if (kind === "sqlite") return SqliteSink.open(deps.options.sqlitePath);
  return new ClickHouseSink({
    client: createStorageClickHouseClient(deps.options),
    config: clickHouseSinkConfig(deps.options),
    logger: deps.logger,
    metrics: deps.metrics,
    signal: deps.signal,
  });
}

/** Applies the ClickHouse migrations to the configured database (`ingest storage migrate`, --auto-migrate). */
export async function migrateClickHouse(options: Options, logger: Logger): Promise<MigrationReport> {
  const client = createStorageClickHouseClient(options);
  try {
    return await migrate(client, { database: options.clickhouseDatabase, logger });
  } finally {
    await client.close();
  }
}

/** Drops expired errors partitions of the configured database (`ingest storage expire`). */
export async function expireClickHouse(options: Options): Promise<ErrorsPartition[]> {
  const client = createStorageClickHouseClient(options);
  try {
    return await dropExpiredErrorPartitions(client, options.clickhouseDatabase);
  } finally {
    await client.close();
  }
}
