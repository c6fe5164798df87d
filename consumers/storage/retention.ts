import type { ClickHouseClient } from "@clickhouse/client";
import { checkDatabaseName, queryRows } from "./clickhouse-client.ts";
import { detectServerVersion } from "./migrate.ts";
import { capabilitiesOf } from "./migrations/server-version.ts";

// Retention without TTL (formats.md §5.2): 18.16 has no table TTL, but the errors table is
// partitioned by (retention_days, toMonday(timestamp)), so a whole partition expires at
// once. A partition is dropped when its week plus its retention has passed: every event in
// it is then older than its retention. Servers with TTL expire rows themselves.

const DAY_MS = 86_400_000;
const PARTITION = /^\((\d+),\s*'(\d{4}-\d{2}-\d{2})'\)$/;

export interface ErrorsPartition {
  readonly retentionDays: number;
  /** The partition's Monday, YYYY-MM-DD. */
  readonly monday: string;
}

/** The partitions (as system.parts prints them) whose newest possible event has expired. */
export function expiredPartitions(partitions: Iterable<string>, nowMs: number): ErrorsPartition[] {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const expired: ErrorsPartition[] = [];
  for (const text of partitions) {
    const match = PARTITION.exec(text);
    if (!match) continue;
    const retentionDays = Number(match[1]);
    const monday = match[2] as string;
    const end = Date.parse(`${monday}T00:00:00Z`) + (7 + retentionDays) * DAY_MS;
    if (end < today) expired.push({ retentionDays, monday });
  }
  return expired;
}

/** Drops expired partitions of `errors`; returns what was dropped (nothing where TTL exists). */
export async function dropExpiredErrorPartitions(
  client: ClickHouseClient,
  database: string,
  nowMs: number = Date.now(),
): Promise<ErrorsPartition[]> {
  checkDatabaseName(database);
  if (capabilitiesOf(await detectServerVersion(client)).ttl) return [];
  const rows = await queryRows<{ partition: string }>(
    client,
    `SELECT DISTINCT partition FROM system.parts WHERE database = '${database}' AND table = 'errors' AND active`,
  );
  const expired = expiredPartitions(
    rows.map((row) => row.partition),
    nowMs,
  );
  for (const { retentionDays, monday } of expired) {
    await client.command({
      query: `ALTER TABLE \`${database}\`.\`errors\` DROP PARTITION (${retentionDays}, '${monday}')`,
    });
  }
  return expired;
}
