import type { Redis, Result } from "ioredis";
import {
  keySegment,
  PIPELINE_CHUNK,
  pipelineResults,
  projectKeyPart,
  redisCall,
} from "../../config/redis.ts";
import { GROUPING_STATE_KEY, GroupingStateLostError } from "./state-fence.ts";

// First sightings of a group in an environment: Sentry's `GroupEnvironment.get_or_create`,
// whose "created" flag becomes the eventstream's `is_new_group_environment`. One Redis set
// per (project, group) holds the environment names seen; SADD's reply (1 = added) is the
// answer, atomic under racing consumers: exactly one event is first. Sentry names the
// environment-less environment "", and so do we.
//
// Keys (prefix = option `redisKeyPrefix`): `<prefix>grpenv:<project>:<group id>` → set of
// environment names, no TTL. Like the group keys they are state, not cache; `ingest groups
// rebuild` writes them back from the errors table after Redis lost them.
//
// A sighting is recorded only while the grouping-state fence stands (same rule and reason
// as the assignment script, state-fence.ts): on a wiped Redis an SADD would answer "first"
// for environments the group was seen in long ago and leave a key the rebuild must not
// find. `restore` writes while the fence is down, so it uses a plain SADD.

declare module "ioredis" {
  interface RedisCommander<Context> {
    ingestSightGroupEnvironment(fence: string, key: string, environment: string): Result<number, Context>;
  }
}

// KEYS[1] fence, KEYS[2] the group's environment set; ARGV[1] environment. -1: no fence.
const SIGHT_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('SADD', KEYS[2], ARGV[1])
`;

export interface GroupEnvironmentSighting {
  readonly projectId: number;
  readonly groupId: number;
  readonly environment: string;
}

export interface GroupEnvironmentStore {
  /** Per sighting in input order: true when it is the group's first event in that environment. */
  recordSightings(sightings: ReadonlyArray<GroupEnvironmentSighting>): Promise<boolean[]>;
  /** Marks environments as already seen (rebuild); returns how many were new. */
  restore(
    projectId: number,
    seen: Iterable<{ readonly groupId: number; readonly environment: string }>,
  ): Promise<number>;
}

export class RedisGroupEnvironmentStore implements GroupEnvironmentStore {
  private readonly fenceKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {
    this.fenceKey = `${keyPrefix}${GROUPING_STATE_KEY}`;
    redis.defineCommand("ingestSightGroupEnvironment", { numberOfKeys: 2, lua: SIGHT_LUA });
  }

  async recordSightings(sightings: ReadonlyArray<GroupEnvironmentSighting>): Promise<boolean[]> {
    const added = await this.add(sightings, true);
    if (added.includes(-1)) throw new GroupingStateLostError();
    return added.map((reply) => reply === 1);
  }

  async restore(
    projectId: number,
    seen: Iterable<{ readonly groupId: number; readonly environment: string }>,
  ): Promise<number> {
    const all = [...seen].map((s) => ({ projectId, ...s }));
    return (await this.add(all, false)).filter((reply) => reply === 1).length;
  }

  private async add(sightings: ReadonlyArray<GroupEnvironmentSighting>, fenced: boolean): Promise<number[]> {
    const out: number[] = [];
    for (let start = 0; start < sightings.length; start += PIPELINE_CHUNK) {
      const chunk = sightings.slice(start, start + PIPELINE_CHUNK);
      const pipeline = this.redis.pipeline();
      for (const s of chunk) {
        const key = this.key(s.projectId, s.groupId);
        if (fenced) pipeline.ingestSightGroupEnvironment(this.fenceKey, key, s.environment);
        else pipeline.sadd(key, s.environment);
      }
      const results = await redisCall("group-environments", "record", () => pipeline.exec());
      for (const reply of pipelineResults(results, chunk.length, "group-environments", "record")) {
        out.push(Number(reply));
      }
    }
    return out;
  }

  private key(projectId: number, groupId: number): string {
    return `${this.keyPrefix}grpenv:${projectKeyPart(projectId)}:${keySegment(String(groupId))}`;
  }
}

/** The in-process store for `ingest dev` and unit tests. */
export class MemoryGroupEnvironmentStore implements GroupEnvironmentStore {
  private readonly seen = new Map<string, Set<string>>();

  async recordSightings(sightings: ReadonlyArray<GroupEnvironmentSighting>): Promise<boolean[]> {
    return sightings.map((s) => this.add(s.projectId, s.groupId, s.environment));
  }

  async restore(
    projectId: number,
    seen: Iterable<{ readonly groupId: number; readonly environment: string }>,
  ): Promise<number> {
    let added = 0;
    for (const s of seen) if (this.add(projectId, s.groupId, s.environment)) added += 1;
    return added;
  }

  private add(projectId: number, groupId: number, environment: string): boolean {
    const key = `${projectKeyPart(projectId)}:${groupId}`;
    let environments = this.seen.get(key);
    if (environments === undefined) {
      environments = new Set();
      this.seen.set(key, environments);
    }
    if (environments.has(environment)) return false;
    environments.add(environment);
    return true;
  }
}
