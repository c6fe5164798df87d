// consumers/storage/migrations/sqlite.ts
var SQLITE_MIGRATIONS = [
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
    `
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
    `
  }
];
function migrateSqlite(db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
  );
  const isApplied = db.prepare(
    "SELECT version FROM schema_migrations WHERE version = ?"
  );
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"
  );
  const applied = [];
  for (const migration of SQLITE_MIGRATIONS) {
    db.transaction(() => {
      if (isApplied.get(migration.version)) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Math.floor(Date.now() / 1e3));
      applied.push({ version: migration.version, name: migration.name });
    }).immediate();
  }
  return applied;
}
export {
  SQLITE_MIGRATIONS,
  migrateSqlite
};
//# sourceMappingURL=sqlite.js.map
