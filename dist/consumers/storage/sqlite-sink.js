// consumers/storage/sqlite-sink.ts
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { collectGroupRows, mergeGroupRows } from "./group-row.js";
import { migrateSqlite } from "./migrations/sqlite.js";
var UPSERT_ERROR = `
  INSERT INTO errors (project_id, event_id, timestamp, group_id, primary_hash, deleted, retention_days, received,
    platform, type, title, message, culprit, location, level, environment, release, user, tags, row)
  VALUES (@project_id, @event_id, @timestamp, @group_id, @primary_hash, @deleted, @retention_days, @received,
    @platform, @type, @title, @message, @culprit, @location, @level, @environment, @release, @user, @tags, @row)
  ON CONFLICT (project_id, event_id) DO UPDATE SET
    timestamp = excluded.timestamp, group_id = excluded.group_id, primary_hash = excluded.primary_hash,
    deleted = excluded.deleted, retention_days = excluded.retention_days, received = excluded.received,
    platform = excluded.platform, type = excluded.type, title = excluded.title, message = excluded.message,
    culprit = excluded.culprit, location = excluded.location, level = excluded.level,
    environment = excluded.environment, release = excluded.release, user = excluded.user,
    tags = excluded.tags, row = excluded.row
  WHERE excluded.deleted >= errors.deleted`;
var SELECT_GROUP = "SELECT * FROM groups WHERE project_id = ? AND group_id = ?";
var REPLACE_GROUP = `
  INSERT OR REPLACE INTO groups (project_id, group_id, primary_hash, hashes, first_seen, last_seen, times_seen,
    title, culprit, level, metadata, version)
  VALUES (@project_id, @group_id, @primary_hash, @hashes, @first_seen, @last_seen, @times_seen,
    @title, @culprit, @level, @metadata, @version)`;
var ISSUES = `
  WITH ev AS (
    SELECT group_id, timestamp, user, title, culprit, level FROM errors
    WHERE project_id = @project_id AND deleted = 0 AND timestamp >= @since
      AND (@group_id IS NULL OR group_id = @group_id)
  ), agg AS (
    SELECT group_id, count(*) AS event_count, count(DISTINCT NULLIF(user, '')) AS user_count,
      min(timestamp) AS first_seen, max(timestamp) AS last_seen
    FROM ev GROUP BY group_id
  )
  SELECT agg.*,
    (SELECT title FROM ev WHERE ev.group_id = agg.group_id ORDER BY timestamp DESC LIMIT 1) AS last_title,
    (SELECT culprit FROM ev WHERE ev.group_id = agg.group_id ORDER BY timestamp DESC LIMIT 1) AS last_culprit,
    (SELECT level FROM ev WHERE ev.group_id = agg.group_id AND level IS NOT NULL
      ORDER BY timestamp DESC LIMIT 1) AS last_level,
    g.title AS group_title, g.culprit AS group_culprit, g.level AS group_level
  FROM agg LEFT JOIN groups g ON g.project_id = @project_id AND g.group_id = agg.group_id
  WHERE @after_last_seen IS NULL OR agg.last_seen < @after_last_seen
    OR (agg.last_seen = @after_last_seen AND agg.group_id < @after_group_id)
  ORDER BY agg.last_seen DESC, agg.group_id DESC
  LIMIT @limit`;
var EVENTS = `
  SELECT event_id, project_id, group_id, timestamp, received, primary_hash, platform, type, title, message,
    culprit, location, level, environment, release, user, tags
  FROM errors
  WHERE project_id = @project_id AND group_id = @group_id AND deleted = 0
    AND (@after_timestamp IS NULL OR timestamp < @after_timestamp
      OR (timestamp = @after_timestamp AND event_id < @after_event_id))
  ORDER BY timestamp DESC, event_id DESC
  LIMIT @limit`;
function errorParams(row) {
  return {
    project_id: row.project_id,
    event_id: row.event_id,
    timestamp: row.timestamp,
    group_id: row.group_id,
    primary_hash: row.primary_hash,
    deleted: row.deleted,
    retention_days: row.retention_days,
    received: row.received,
    platform: row.platform ?? "",
    type: row.type,
    title: row.title,
    message: row.message,
    culprit: row.culprit,
    location: row.location,
    level: row.level,
    environment: row.environment,
    release: row.release,
    user: row.user,
    tags: JSON.stringify(row["tags.key"].map((key, index) => [key, row["tags.value"][index]])),
    row: JSON.stringify(row)
  };
}
function failureOf(index, error) {
  return { index, code: error.code, message: error.message };
}
function openSqliteDatabase(path) {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  return db;
}
var SqliteSink = class _SqliteSink {
  constructor(db) {
    this.db = db;
  }
  db;
  kind = "sqlite";
  /** Opens (creating folders and file as needed) and migrates the SQLite file. */
  static open(path) {
    const db = openSqliteDatabase(path);
    migrateSqlite(db);
    return new _SqliteSink(db);
  }
  async insertErrors(rows) {
    const statement = this.db.prepare(UPSERT_ERROR);
    const failures = [];
    this.db.transaction(() => {
      rows.forEach((row, index) => {
        try {
          statement.run(errorParams(row));
        } catch (error) {
          if (!(error instanceof Database.SqliteError)) throw error;
          failures.push(failureOf(index, error));
        }
      });
    })();
    return { stored: rows.length - failures.length, failures };
  }
  async upsertGroups(rows) {
    const select = this.db.prepare(SELECT_GROUP);
    const replace = this.db.prepare(REPLACE_GROUP);
    const failures = [];
    this.db.transaction(() => {
      for (const list of collectGroupRows(rows).values()) {
        const first = list[0];
        const stored = select.get(first.project_id, first.group_id);
        const existing = stored ? { ...stored, hashes: JSON.parse(stored.hashes) } : void 0;
        const merged = mergeGroupRows(existing, list);
        try {
          replace.run({ ...merged, hashes: JSON.stringify(merged.hashes) });
        } catch (error) {
          if (!(error instanceof Database.SqliteError)) throw error;
          for (const row of list) failures.push(failureOf(rows.indexOf(row), error));
        }
      }
    })();
    failures.sort((a, b) => a.index - b.index);
    return { stored: rows.length - failures.length, failures };
  }
  async readIssues(query) {
    const rows = this.db.prepare(ISSUES).all({
      project_id: query.projectId,
      since: query.since ?? 0,
      group_id: query.groupId ?? null,
      after_last_seen: query.after?.lastSeen ?? null,
      after_group_id: query.after?.groupId ?? null,
      limit: query.limit
    });
    return rows.map((row) => ({
      groupId: row.group_id,
      count: row.event_count,
      userCount: row.user_count,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      title: row.group_title ?? row.last_title,
      culprit: row.group_culprit ?? row.last_culprit,
      level: row.group_level ?? row.last_level
    }));
  }
  async readEvents(query) {
    const rows = this.db.prepare(EVENTS).all({
      project_id: query.projectId,
      group_id: query.groupId,
      after_timestamp: query.after?.timestamp ?? null,
      after_event_id: query.after?.eventId ?? null,
      limit: query.limit
    });
    return rows.map((row) => ({
      eventId: row.event_id,
      projectId: row.project_id,
      groupId: row.group_id,
      timestamp: row.timestamp,
      received: row.received,
      primaryHash: row.primary_hash,
      platform: row.platform === "" ? null : row.platform,
      type: row.type,
      title: row.title,
      message: row.message,
      culprit: row.culprit,
      location: row.location,
      level: row.level,
      environment: row.environment,
      release: row.release,
      user: row.user,
      tags: JSON.parse(row.tags)
    }));
  }
  async close() {
    this.db.close();
  }
};
export {
  SqliteSink,
  openSqliteDatabase
};
//# sourceMappingURL=sqlite-sink.js.map
