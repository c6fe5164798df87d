// consumers/storage/migrate.ts
import { createHash } from "node:crypto";
import { checkDatabaseName, queryRows } from "./clickhouse-client.js";
import { clickHouseErrorCode } from "./clickhouse-errors.js";
import { CLICKHOUSE_MIGRATIONS } from "./migrations/index.js";
import {
  capabilitiesOf,
  parseServerVersion
} from "./migrations/server-version.js";
var ALREADY_EXISTS_CODES = /* @__PURE__ */ new Set([
  57,
  // TABLE_ALREADY_EXISTS
  82
  // DATABASE_ALREADY_EXISTS
]);
async function detectServerVersion(client) {
  const rows = await queryRows(client, "SELECT version() AS version");
  return parseServerVersion(rows[0]?.version ?? "");
}
async function runIdempotent(client, query) {
  try {
    await client.command({ query });
  } catch (error) {
    const code = clickHouseErrorCode(error);
    if (code !== null && ALREADY_EXISTS_CODES.has(code)) return;
    throw error;
  }
}
function checksum(statements) {
  return createHash("sha256").update(statements.join(";\n")).digest("hex").slice(0, 16);
}
async function migrate(client, options) {
  const database = checkDatabaseName(options.database);
  const migrations = options.migrations ?? CLICKHOUSE_MIGRATIONS;
  const server = await detectServerVersion(client);
  const capabilities = capabilitiesOf(server);
  const context = { database, capabilities };
  await runIdempotent(client, `CREATE DATABASE IF NOT EXISTS \`${database}\``);
  await runIdempotent(
    client,
    `CREATE TABLE IF NOT EXISTS \`${database}\`.\`schema_migrations\` (\`version\` UInt32, \`name\` String, \`checksum\` String, \`applied_at\` DateTime) ENGINE = ReplacingMergeTree() ORDER BY version`
  );
  const done = await queryRows(
    client,
    `SELECT version FROM \`${database}\`.\`schema_migrations\` FINAL`
  );
  const appliedVersions = new Set(done.map((row) => Number(row.version)));
  const applied = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (appliedVersions.has(migration.version)) continue;
    const statements = migration.statements(context);
    for (const statement of statements) await runIdempotent(client, statement);
    await client.insert({
      table: `\`${database}\`.\`schema_migrations\``,
      format: "JSONEachRow",
      values: [
        {
          version: migration.version,
          name: migration.name,
          checksum: checksum(statements),
          applied_at: Math.floor(Date.now() / 1e3)
        }
      ]
    });
    applied.push({ version: migration.version, name: migration.name });
    options.logger?.info(
      { database, migration: migration.name, version: migration.version, server: server.text },
      "storage.migration_applied"
    );
  }
  return { server, capabilities, applied, alreadyApplied: appliedVersions.size };
}
export {
  detectServerVersion,
  migrate
};
//# sourceMappingURL=migrate.js.map
