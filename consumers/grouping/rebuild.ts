import type { Redis } from "ioredis";
import { redisCall } from "../../config/redis.ts";
import type { GroupEnvironmentStore } from "./group-environments.ts";
import type { GroupRow, GroupStore } from "./group-store.ts";
import { type GroupingStateFence, whileLocked } from "./state-fence.ts";

// `ingest groups rebuild`: puts the grouping state back into Redis from its durable record,
// the ClickHouse `groups` table the storage consumer writes (hash → group, first/last
// seen, times seen, title, culprit, level) and the errors table (which environments each
// group was seen in). The record source is an interface so this stays free of ClickHouse;
// the CLI supplies the reader.
//
// Two situations:
// - The fence is standing (state intact): the rows are written over what Redis has
//   (`GroupStore.restore`: the record is authoritative for the groups it holds). Consumers
//   may keep running.
// - The fence is gone (Redis lost its data): consumers are holding their batches and the
//   assignment script refuses to allocate. Only a rebuild of all projects may set the fence
//   again (it vouches for all of them), and only one at a time: the rebuild lock. With it
//   held, the rebuild first waits until the record is settled (storage drained `events`),
//   because an assignment emitted before the loss but not yet stored is missing from the
//   record: its hash would get a second group and, worse, its id would be below the
//   restored sequence and be handed out again. Then it clears whatever keys exist (nothing
//   can have allocated from the empty state, but a half-finished earlier rebuild may have
//   written), restores every project, and sets the fence with the sequence raised past the
//   largest recorded id plus the headroom (state-fence.ts says what the headroom covers).
//   Setting the fence checks the lock in the same atomic step: if Redis was wiped again
//   meanwhile, the lock went with it and the rebuild fails instead of vouching for a
//   half-restored state.

export interface GroupRecordSource {
  /** Every project the record holds groups of. */
  projectIds(): Promise<number[]>;
  /** The project's groups, in pages. */
  groups(projectId: number): AsyncIterable<ReadonlyArray<GroupRow>>;
  /** The (group, environment) pairs the project's stored events show. */
  environments(projectId: number): Promise<Array<{ groupId: number; environment: string }>>;
  /**
   * Resolves once the record holds every assignment emitted so far (the storage consumer
   * has no lag on `events`); rejects when that does not happen in time. A source without
   * it cannot restore a lost state.
   */
  settled?(): Promise<void>;
}

/** Removes the grouping keys (hashes, groups, markers, environments) of every project. */
/** A `groups` row as storage keeps it (ClickHouse or the dev SQLite file), decoded. */
export interface StoredGroupRecord {
  readonly group_id: number;
  readonly first_seen: number;
  readonly last_seen: number;
  readonly times_seen: number;
  readonly title: string;
  readonly culprit: string;
  readonly level: string;
  readonly primary_hash: string;
  readonly hashes: ReadonlyArray<string>;
}

/** The restore form of a stored group: its primary hash is always among its hashes. */
export function groupRowFromStored(record: StoredGroupRecord): GroupRow {
  return {
    groupId: record.group_id,
    firstSeen: record.first_seen,
    lastSeen: record.last_seen,
    timesSeen: record.times_seen,
    title: record.title,
    culprit: record.culprit,
    level: record.level,
    hashes: record.hashes.includes(record.primary_hash)
      ? record.hashes
      : [record.primary_hash, ...record.hashes],
  };
}

export interface GroupingStateClearer {
  clearAll(): Promise<number>;
}

export interface RebuildTarget {
  readonly store: GroupStore;
  readonly environments: GroupEnvironmentStore;
  readonly fence: GroupingStateFence;
  readonly clearer: GroupingStateClearer;
}

export type RebuildScope = { readonly all: true } | { readonly projectId: number };

export interface ProjectRebuild {
  readonly projectId: number;
  readonly groups: number;
  readonly hashes: number;
  readonly environments: number;
  /** Largest group id restored (0 when none). */
  readonly largestGroupId: number;
}

export interface RebuildReport {
  /** The fence was missing: Redis had lost the grouping state. */
  readonly stateWasLost: boolean;
  /** Keys deleted before restoring (only when the state was lost). */
  readonly clearedKeys: number;
  readonly projects: ProjectRebuild[];
  /** Milliseconds spent waiting for the record to settle (only when the state was lost). */
  readonly settleMs: number;
}

/** A rebuild that would leave the state inconsistent; nothing was vouched for. */
export class RebuildRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RebuildRefusedError";
  }
}

async function rebuildProject(
  source: GroupRecordSource,
  target: RebuildTarget,
  projectId: number,
): Promise<ProjectRebuild> {
  let groups = 0;
  let hashes = 0;
  let largestGroupId = 0;
  for await (const page of source.groups(projectId)) {
    const restored = await target.store.restore(projectId, page);
    groups += restored.groups;
    hashes += restored.hashes;
    for (const row of page) largestGroupId = Math.max(largestGroupId, row.groupId);
  }
  const seen = await source.environments(projectId);
  await target.environments.restore(projectId, seen);
  return { projectId, groups, hashes, environments: seen.length, largestGroupId };
}

async function rebuildProjects(
  source: GroupRecordSource,
  target: RebuildTarget,
  scope: RebuildScope,
  onProject: (project: ProjectRebuild) => void,
): Promise<ProjectRebuild[]> {
  const projectIds = "all" in scope ? await source.projectIds() : [scope.projectId];
  const projects: ProjectRebuild[] = [];
  for (const projectId of projectIds) {
    const project = await rebuildProject(source, target, projectId);
    projects.push(project);
    onProject(project);
  }
  return projects;
}

export async function rebuildGroupingState(
  source: GroupRecordSource,
  target: RebuildTarget,
  scope: RebuildScope,
  onProject: (project: ProjectRebuild) => void = () => {},
): Promise<RebuildReport> {
  const intactReport = async (): Promise<RebuildReport> => ({
    stateWasLost: false,
    clearedKeys: 0,
    projects: await rebuildProjects(source, target, scope, onProject),
    settleMs: 0,
  });
  if (await target.fence.isIntact()) return intactReport();
  if (!("all" in scope)) {
    throw new RebuildRefusedError(
      "Redis holds no grouping state (it was lost or never set up): rebuild all projects with --all",
    );
  }
  const settled = source.settled?.bind(source);
  if (settled === undefined) {
    throw new RebuildRefusedError("this record source cannot tell when it holds every assignment");
  }
  const lock = await target.fence.lockRebuild();
  if (lock === undefined) {
    throw new RebuildRefusedError("another grouping rebuild is running; run this one again once it ended");
  }
  try {
    // Another rebuild may have finished between the check above and taking the lock.
    if (await target.fence.isIntact()) return await intactReport();
    const { result, held } = await whileLocked(lock, async () => {
      const started = Date.now();
      await settled();
      const settleMs = Date.now() - started;
      const clearedKeys = await target.clearer.clearAll();
      const projects = await rebuildProjects(source, target, scope, onProject);
      return { settleMs, clearedKeys, projects };
    });
    const largest = result.projects.reduce((max, p) => Math.max(max, p.largestGroupId), 0);
    const note = `rebuilt from the groups record at ${new Date().toISOString()}`;
    if (!held || !(await target.fence.establish(lock, largest, note))) {
      throw new RebuildRefusedError(
        "the rebuild lock was lost before the fence was set (Redis lost its data again?): run the rebuild again",
      );
    }
    return { stateWasLost: true, ...result };
  } finally {
    await lock.release();
  }
}

/** Glob-escapes a key prefix for SCAN MATCH. */
function matchEscape(prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Deletes `<prefix>grp:*` (the group store's keys, see group-store-redis.ts) and
 * `<prefix>grpenv:*` (group environments). The id sequence stays: restore only raises it,
 * and a sequence above every stored id only skips ids.
 */
export class RedisGroupingStateClearer implements GroupingStateClearer {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async clearAll(): Promise<number> {
    let deleted = 0;
    for (const family of ["grp:", "grpenv:"]) {
      const pattern = `${matchEscape(this.keyPrefix)}${family}*`;
      let cursor = "0";
      do {
        const [next, keys] = await redisCall("groups", "clear", () =>
          this.redis.scan(cursor, "MATCH", pattern, "COUNT", 1000),
        );
        cursor = next;
        if (keys.length > 0) deleted += await redisCall("groups", "clear", () => this.redis.unlink(...keys));
      } while (cursor !== "0");
    }
    return deleted;
  }
}
