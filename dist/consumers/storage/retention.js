// consumers/storage/retention.ts
import { checkDatabaseName, queryRows } from "./clickhouse-client.js";
import { detectServerVersion } from "./migrate.js";
import { capabilitiesOf } from "./migrations/server-version.js";
var DAY_MS = 864e5;
var PARTITION = /^\((\d+),\s*'(\d{4}-\d{2}-\d{2})'\)$/;
function expiredPartitions(partitions, nowMs) {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const expired = [];
  for (const text of partitions) {
    const match = PARTITION.exec(text);
    if (!match) continue;
    const retentionDays = Number(match[1]);
    const monday = match[2];
    const end = Date.parse(`${monday}T00:00:00Z`) + (7 + retentionDays) * DAY_MS;
    if (end < today) expired.push({ retentionDays, monday });
  }
  return expired;
}
async function dropExpiredErrorPartitions(client, database, nowMs = Date.now()) {
  checkDatabaseName(database);
  if (capabilitiesOf(await detectServerVersion(client)).ttl) return [];
  const rows = await queryRows(
    client,
    `SELECT DISTINCT partition FROM system.parts WHERE database = '${database}' AND table = 'errors' AND active`
  );
  const expired = expiredPartitions(
    rows.map((row) => row.partition),
    nowMs
  );
  for (const { retentionDays, monday } of expired) {
    await client.command({
      query: `ALTER TABLE \`${database}\`.\`errors\` DROP PARTITION (${retentionDays}, '${monday}')`
    });
  }
  return expired;
}
export {
  dropExpiredErrorPartitions,
  expiredPartitions
};
//# sourceMappingURL=retention.js.map
