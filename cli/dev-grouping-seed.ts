import type Database from "better-sqlite3";
import type { ConsumerDefinition } from "../consumers/definition.ts";
import type { GroupingDeps } from "../consumers/grouping/build-strategy.ts";
import type { GroupRow } from "../consumers/grouping/group-store.ts";
import {
  type GroupRecordSource,
  groupRowFromStored,
  rebuildGroupingState,
} from "../consumers/grouping/rebuild.ts";
import { migrateSqlite } from "../consumers/storage/migrations/sqlite.ts";
import { openSqliteDatabase } from "../consumers/storage/sqlite-sink.ts";

// `ingest dev` keeps its grouping state in process, but its events in a SQLite file that
// outlives the process. Started again on the same file with an empty group store, it would
// hand out group ids from 1 again, and a new issue would take the id (and the issue page)
// of an old one. So the embedded grouping state starts from the file: the same rebuild
// `ingest groups rebuild` does from ClickHouse, read from SQLite's `groups` and `errors`.

/** Groups read per query (keyset pages by group id). */
const GROUPS_PAGE = 5000;

interface SqliteGroup {
  group_id: number;
  primary_hash: string;
  hashes: string;
  first_seen: number;
  last_seen: number;
  times_seen: number;
  title: string;
  culprit: string;
  level: string;
}

/** The storage consumer's SQLite tables as the record a grouping rebuild reads. */
export class SqliteGroupRecordSource implements GroupRecordSource {
  constructor(private readonly db: Database.Database) {}

  async projectIds(): Promise<number[]> {
    return this.db
      .prepare<[], { project_id: number }>("SELECT DISTINCT project_id FROM groups ORDER BY project_id")
      .all()
      .map((row) => row.project_id);
  }

  async *groups(projectId: number): AsyncIterable<ReadonlyArray<GroupRow>> {
    const page = this.db.prepare<[number, number, number], SqliteGroup>(
      `SELECT group_id, primary_hash, hashes, first_seen, last_seen, times_seen, title, culprit, level
       FROM groups WHERE project_id = ? AND group_id > ? ORDER BY group_id LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const rows = page.all(projectId, after, GROUPS_PAGE);
      if (rows.length === 0) return;
      yield rows.map((row) => groupRowFromStored({ ...row, hashes: JSON.parse(row.hashes) as string[] }));
      after = rows[rows.length - 1]!.group_id;
      if (rows.length < GROUPS_PAGE) return;
    }
  }

  async environments(projectId: number): Promise<Array<{ groupId: number; environment: string }>> {
    return this.db
      .prepare<[number], { group_id: number; environment: string | null }>(
        "SELECT group_id, environment FROM errors WHERE project_id = ? GROUP BY group_id, environment",
      )
      .all(projectId)
      .map((row) => ({ groupId: row.group_id, environment: row.environment ?? "" }));
  }
}

export interface SeedReport {
  readonly projects: number;
  readonly groups: number;
}

/**
 * The grouping definition with its embedded resources restored from the SQLite file at
 * `sqlitePath` (created and migrated if new) before its chain is built.
 */
export function groupingSeededFromSqlite(
  definition: ConsumerDefinition<GroupingDeps>,
  sqlitePath: string,
  onSeeded: (report: SeedReport) => void,
): ConsumerDefinition<GroupingDeps> {
  return {
    ...definition,
    openResources: async (context, mode) => {
      const resources = await definition.openResources(context, mode);
      const db = openSqliteDatabase(sqlitePath);
      try {
        migrateSqlite(db);
        const report = await rebuildGroupingState(
          new SqliteGroupRecordSource(db),
          {
            store: resources.deps.store,
            environments: resources.deps.environments,
            fence: resources.deps.fence,
            // The in-process store starts empty: there is nothing stale to clear.
            clearer: { clearAll: async () => 0 },
          },
          { all: true },
        );
        onSeeded({
          projects: report.projects.length,
          groups: report.projects.reduce((sum, p) => sum + p.groups, 0),
        });
      } catch (error) {
        await resources.close();
        throw error;
      } finally {
        db.close();
      }
      return resources;
    },
  };
}
