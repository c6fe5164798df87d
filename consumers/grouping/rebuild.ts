import type { Redis } from "ioredis";
import { redisCall } from "../../config/redis.ts";
import type { GroupEnvironmentStore } from "./group-environments.ts";
import type { GroupRow, GroupStore } from "./group-store.ts";
import type { GroupingStateFence } from "./state-fence.ts";

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
// - The fence is gone (Redis lost its data): running consumers are holding their batches.
//   Whatever grouping keys exist now were made against the empty state (the id sequence
//   started again at 1, so their ids may name other issues) and are deleted first; then
//   every project is restored and the fence set again, which releases the consumers. Only
//   a rebuild of all projects may do this, since setting the fence vouches for all of them.
//
// What survives a Redis loss is exactly what the storage consumer had written to `groups`
// when the rebuild ran: an assignment whose event was still between grouping and storage
// is not in the record, and that hash gets a new group when it is next seen.

export interface GroupRecordSource {
  /** Every project the record holds groups of. */
  projectIds(): Promise<number[]>;
  /** The project's groups, in pages. */
  groups(projectId: number): AsyncIterable<ReadonlyArray<GroupRow>>;
  /** The (group, environment) pairs the project's stored events show. */
  environments(projectId: number): Promise<Array<{ groupId: number; environment: string }>>;
}

/** Removes the grouping keys (hashes, groups, markers, environments) of every project. */
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
}

export interface RebuildReport {
  /** The fence was missing: Redis had lost the grouping state. */
  readonly stateWasLost: boolean;
  /** Keys deleted before restoring (only when the state was lost). */
  readonly clearedKeys: number;
  readonly projects: ProjectRebuild[];
}

/** A rebuild that would leave the state inconsistent; nothing was written. */
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
  for await (const page of source.groups(projectId)) {
    const restored = await target.store.restore(projectId, page);
    groups += restored.groups;
    hashes += restored.hashes;
  }
  const seen = await source.environments(projectId);
  await target.environments.restore(projectId, seen);
  return { projectId, groups, hashes, environments: seen.length };
}

export async function rebuildGroupingState(
  source: GroupRecordSource,
  target: RebuildTarget,
  scope: RebuildScope,
  onProject: (project: ProjectRebuild) => void = () => {},
): Promise<RebuildReport> {
  const intact = await target.fence.isIntact();
  if (!intact && !("all" in scope)) {
    throw new RebuildRefusedError(
      "Redis holds no grouping state (it was lost or never set up): rebuild all projects with --all",
    );
  }
  const clearedKeys = intact ? 0 : await target.clearer.clearAll();
  const projectIds = "all" in scope ? await source.projectIds() : [scope.projectId];
  const projects: ProjectRebuild[] = [];
  for (const projectId of projectIds) {
    const project = await rebuildProject(source, target, projectId);
    projects.push(project);
    onProject(project);
  }
  if (!intact) await target.fence.establish(`rebuilt from the groups record at ${new Date().toISOString()}`);
  return { stateWasLost: !intact, clearedKeys, projects };
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
