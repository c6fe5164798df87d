import type BetterSqlite3 from "better-sqlite3";

// The SQLite twin of the ClickHouse tables, for `ingest dev` and tests without servers.
// Same meaning, SQLite-shaped: the primary key (project_id, event_id) plays the part of the
// ReplacingMergeTree sorting key, the full errors row is kept as JSON beside the columns the
// queries need, and groups have one row per (project_id, group_id). Migrations are
// versioned and forward-only like the ClickHouse ones; SQLite has transactions, so each
// runs with its record under an immediate (write) lock.

interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: "create_errors",
    sql: `
      CREATE TABLE IF NOT EXISTS errors (
        project_id INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        group_id INTEGER NOT NULL,
        primary_hash TEXT NOT NULL,
        deleted INTEGER NOT NULL,
        retention_days INTEGER NOT NULL,
        received INTEGER NOT NULL,
        platform TEXT NOT NULL,
        type TEXT NOT NULL,
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        culprit TEXT NOT NULL,
        location TEXT,
        level TEXT,
        environment TEXT,
        release TEXT,
        user TEXT NOT NULL,
        tags TEXT NOT NULL,
        row TEXT NOT NULL,
        PRIMARY KEY (project_id, event_id)
      );
      CREATE INDEX IF NOT EXISTS errors_by_group ON errors (project_id, group_id, timestamp);
      CREATE INDEX IF NOT EXISTS errors_by_time ON errors (project_id, timestamp);
    `,
  },
  {
    version: 2,
    name: "create_groups",
    sql: `
      CREATE TABLE IF NOT EXISTS groups (
        project_id INTEGER NOT NULL,
        group_id INTEGER NOT NULL,
        primary_hash TEXT NOT NULL,
        hashes TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        times_seen INTEGER NOT NULL,
        title TEXT NOT NULL,
        culprit TEXT NOT NULL,
        level TEXT NOT NULL,
        metadata TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (project_id, group_id)
      );
    `,
  },
];

export function migrateSqlite(db: BetterSqlite3.Database): Array<{ version: number; name: string }> {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const isApplied = db.prepare<[number], { version: number }>(
    "SELECT version FROM schema_migrations WHERE version = ?",
  );
  const record = db.prepare<[number, string, number]>(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  const applied: Array<{ version: number; name: string }> = [];
  for (const migration of SQLITE_MIGRATIONS) {
    db.transaction(() => {
      if (isApplied.get(migration.version)) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Math.floor(Date.now() / 1000));
      applied.push({ version: migration.version, name: migration.name });
    }).immediate();
  }
  return applied;
}
