import { createHash } from "node:crypto";
import type { ClickHouseClient } from "@clickhouse/client";
import type { Logger } from "../../observability/logger.ts";
import { checkDatabaseName, queryRows } from "./clickhouse-client.ts";
import { clickHouseErrorCode } from "./clickhouse-errors.ts";
import { CLICKHOUSE_MIGRATIONS } from "./migrations/index.ts";
import {
  capabilitiesOf,
  parseServerVersion,
  type ServerCapabilities,
  type ServerVersion,
} from "./migrations/server-version.ts";
import type { ClickHouseMigration } from "./migrations/types.ts";

// Applies the ClickHouse migrations that the `schema_migrations` table does not list yet.
// ClickHouse has no transactions and no locks, so two migrators (two consumers starting at
// once, or `ingest storage migrate` during a deploy) may run the same step together. That
// is safe because every statement is idempotent (IF NOT EXISTS; the "already exists" error
// a CREATE race can still produce counts as success) and the record is an insert into a
// ReplacingMergeTree keyed by version: two records of one version collapse into one.

/** "Already exists" answers of a CREATE ... IF NOT EXISTS that lost a race. */
const ALREADY_EXISTS_CODES = new Set([
  57, // TABLE_ALREADY_EXISTS
  82, // DATABASE_ALREADY_EXISTS
]);

export interface MigrateOptions {
  readonly database: string;
  readonly logger?: Logger;
  /** Only for tests: the migration list to apply instead of the project's. */
  readonly migrations?: readonly ClickHouseMigration[];
}

export interface MigrationReport {
  readonly server: ServerVersion;
  readonly capabilities: ServerCapabilities;
  readonly applied: ReadonlyArray<{ readonly version: number; readonly name: string }>;
  readonly alreadyApplied: number;
}

export async function detectServerVersion(client: ClickHouseClient): Promise<ServerVersion> {
  const rows = await queryRows<{ version: string }>(client, "SELECT version() AS version");
  return parseServerVersion(rows[0]?.version ?? "");
}

async function runIdempotent(client: ClickHouseClient, query: string): Promise<void> {
  try {
    await client.command({ query });
  } catch (error) {
    const code = clickHouseErrorCode(error);
    if (code !== null && ALREADY_EXISTS_CODES.has(code)) return;
    throw error;
  }
}

function checksum(statements: readonly string[]): string {
  return createHash("sha256").update(statements.join(";\n")).digest("hex").slice(0, 16);
}

export async function migrate(client: ClickHouseClient, options: MigrateOptions): Promise<MigrationReport> {
  const database = checkDatabaseName(options.database);
  const migrations = options.migrations ?? CLICKHOUSE_MIGRATIONS;
  const server = await detectServerVersion(client);
  const capabilities = capabilitiesOf(server);
  const context = { database, capabilities };

  await runIdempotent(client, `CREATE DATABASE IF NOT EXISTS \`${database}\``);
  await runIdempotent(
    client,
    `CREATE TABLE IF NOT EXISTS \`${database}\`.\`schema_migrations\` ` +
      "(`version` UInt32, `name` String, `checksum` String, `applied_at` DateTime) " +
      "ENGINE = ReplacingMergeTree() ORDER BY version",
  );
  const done = await queryRows<{ version: number }>(
    client,
    `SELECT version FROM \`${database}\`.\`schema_migrations\` FINAL`,
  );
  const appliedVersions = new Set(done.map((row) => Number(row.version)));

  const applied: Array<{ version: number; name: string }> = [];
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
          applied_at: Math.floor(Date.now() / 1000),
        },
      ],
    });
    applied.push({ version: migration.version, name: migration.name });
    options.logger?.info(
      { database, migration: migration.name, version: migration.version, server: server.text },
      "storage.migration_applied",
    );
  }
  return { server, capabilities, applied, alreadyApplied: appliedVersions.size };
}
