// cli/dev-grouping-seed.ts
import { rebuildGroupingState } from "../consumers/grouping/rebuild.js";
import { migrateSqlite } from "../consumers/storage/migrations/sqlite.js";
import { openSqliteDatabase } from "../consumers/storage/sqlite-sink.js";
var GROUPS_PAGE = 5e3;
var SqliteGroupRecordSource = class {
  constructor(db) {
    this.db = db;
  }
  db;
  async projectIds() {
    return this.db.prepare("SELECT DISTINCT project_id FROM groups ORDER BY project_id").all().map((row) => row.project_id);
  }
  async *groups(projectId) {
    const page = this.db.prepare(
      `SELECT group_id, primary_hash, hashes, first_seen, last_seen, times_seen, title, culprit, level
       FROM groups WHERE project_id = ? AND group_id > ? ORDER BY group_id LIMIT ?`
    );
    let after = 0;
    for (; ; ) {
      const rows = page.all(projectId, after, GROUPS_PAGE);
      if (rows.length === 0) return;
      yield rows.map((row) => {
        const hashes = JSON.parse(row.hashes);
        return {
          groupId: row.group_id,
          firstSeen: row.first_seen,
          lastSeen: row.last_seen,
          timesSeen: row.times_seen,
          title: row.title,
          culprit: row.culprit,
          level: row.level,
          hashes: hashes.includes(row.primary_hash) ? hashes : [row.primary_hash, ...hashes]
        };
      });
      after = rows[rows.length - 1].group_id;
      if (rows.length < GROUPS_PAGE) return;
    }
  }
  async environments(projectId) {
    return this.db.prepare(
      "SELECT group_id, environment FROM errors WHERE project_id = ? GROUP BY group_id, environment"
    ).all(projectId).map((row) => ({ groupId: row.group_id, environment: row.environment ?? "" }));
  }
};
function groupingSeededFromSqlite(definition, sqlitePath, onSeeded) {
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
            clearer: { clearAll: async () => 0 }
          },
          { all: true }
        );
        onSeeded({
          projects: report.projects.length,
          groups: report.projects.reduce((sum, p) => sum + p.groups, 0)
        });
      } catch (error) {
        await resources.close();
        throw error;
      } finally {
        db.close();
      }
      return resources;
    }
  };
}
export {
  SqliteGroupRecordSource,
  groupingSeededFromSqlite
};
//# sourceMappingURL=dev-grouping-seed.js.map
