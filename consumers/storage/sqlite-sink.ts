import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { ErrorRow } from "./error-row.ts";
import { collectGroupRows, type GroupRow, mergeGroupRows } from "./group-row.ts";
import { migrateSqlite } from "./migrations/sqlite.ts";
import type {
  EventQuery,
  IssueAggregate,
  IssueQuery,
  RowFailure,
  StorageSink,
  StoredEvent,
  WriteResult,
} from "./sink.ts";

// The embedded writer (`ingest dev`): the same rows, tables and answers as ClickHouse,
// in one SQLite file. A re-inserted event replaces its row unless the stored copy has a
// higher `deleted` (ClickHouse's ReplacingMergeTree(deleted) keeps the highest too); group
// rows fold through the same merge as the ClickHouse writer's.

const UPSERT_ERROR = `
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

const SELECT_GROUP = "SELECT * FROM groups WHERE project_id = ? AND group_id = ?";

const REPLACE_GROUP = `
  INSERT OR REPLACE INTO groups (project_id, group_id, primary_hash, hashes, first_seen, last_seen, times_seen,
    title, culprit, level, metadata, version)
  VALUES (@project_id, @group_id, @primary_hash, @hashes, @first_seen, @last_seen, @times_seen,
    @title, @culprit, @level, @metadata, @version)`;

// Counts and times come from the events (like ClickHouse's aggregate over errors FINAL);
// display fields prefer the group row, else the latest event's, as the ClickHouse reader does.
const ISSUES = `
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

const EVENTS = `
  SELECT event_id, project_id, group_id, timestamp, received, primary_hash, platform, type, title, message,
    culprit, location, level, environment, release, user, tags
  FROM errors
  WHERE project_id = @project_id AND group_id = @group_id AND deleted = 0
    AND (@after_timestamp IS NULL OR timestamp < @after_timestamp
      OR (timestamp = @after_timestamp AND event_id < @after_event_id))
  ORDER BY timestamp DESC, event_id DESC
  LIMIT @limit`;

interface IssueRow {
  group_id: number;
  event_count: number;
  user_count: number;
  first_seen: number;
  last_seen: number;
  last_title: string;
  last_culprit: string;
  last_level: string | null;
  group_title: string | null;
  group_culprit: string | null;
  group_level: string | null;
}

interface EventRow {
  event_id: string;
  project_id: number;
  group_id: number;
  timestamp: number;
  received: number;
  primary_hash: string;
  platform: string;
  type: string;
  title: string;
  message: string;
  culprit: string;
  location: string | null;
  level: string | null;
  environment: string | null;
  release: string | null;
  user: string;
  tags: string;
}

interface GroupDbRow extends Omit<GroupRow, "hashes"> {
  hashes: string;
}

function errorParams(row: ErrorRow) {
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
    row: JSON.stringify(row),
  };
}

function failureOf(index: number, error: InstanceType<typeof Database.SqliteError>): RowFailure {
  return { index, code: error.code, message: error.message };
}

/** The SQLite file with its folders created, in WAL mode so readers do not block the writer. */
export function openSqliteDatabase(path: string): Database.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  return db;
}

export class SqliteSink implements StorageSink {
  readonly kind = "sqlite" as const;

  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating folders and file as needed) and migrates the SQLite file. */
  static open(path: string): SqliteSink {
    const db = openSqliteDatabase(path);
    migrateSqlite(db);
    return new SqliteSink(db);
  }

  async insertErrors(rows: ReadonlyArray<ErrorRow>): Promise<WriteResult> {
    const statement = this.db.prepare(UPSERT_ERROR);
    const failures: RowFailure[] = [];
    this.db.transaction(() => {
      rows.forEach((row, index) => {
        try {
          statement.run(errorParams(row));
        } catch (error) {
          // A failed statement rolls back alone; the rest of the batch stays in the transaction.
          if (!(error instanceof Database.SqliteError)) throw error;
          failures.push(failureOf(index, error));
        }
      });
    })();
    return { stored: rows.length - failures.length, failures };
  }

  async upsertGroups(rows: ReadonlyArray<GroupRow>): Promise<WriteResult> {
    const select = this.db.prepare<[number, number], GroupDbRow>(SELECT_GROUP);
    const replace = this.db.prepare(REPLACE_GROUP);
    const failures: RowFailure[] = [];
    this.db.transaction(() => {
      for (const list of collectGroupRows(rows).values()) {
        const first = list[0] as GroupRow;
        const stored = select.get(first.project_id, first.group_id);
        const existing = stored ? { ...stored, hashes: JSON.parse(stored.hashes) as string[] } : undefined;
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

  async readIssues(query: IssueQuery): Promise<IssueAggregate[]> {
    const rows = this.db.prepare<Record<string, number | null>, IssueRow>(ISSUES).all({
      project_id: query.projectId,
      since: query.since ?? 0,
      group_id: query.groupId ?? null,
      after_last_seen: query.after?.lastSeen ?? null,
      after_group_id: query.after?.groupId ?? null,
      limit: query.limit,
    });
    return rows.map((row) => ({
      groupId: row.group_id,
      count: row.event_count,
      userCount: row.user_count,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      title: row.group_title ?? row.last_title,
      culprit: row.group_culprit ?? row.last_culprit,
      level: row.group_level ?? row.last_level,
    }));
  }

  async readEvents(query: EventQuery): Promise<StoredEvent[]> {
    const rows = this.db.prepare<Record<string, number | string | null>, EventRow>(EVENTS).all({
      project_id: query.projectId,
      group_id: query.groupId,
      after_timestamp: query.after?.timestamp ?? null,
      after_event_id: query.after?.eventId ?? null,
      limit: query.limit,
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
      tags: JSON.parse(row.tags) as Array<[string, string]>,
    }));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
