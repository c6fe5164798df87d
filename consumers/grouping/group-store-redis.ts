import type { Redis, Result } from "ioredis";
import {
  keySegment,
  PIPELINE_CHUNK,
  pipelineResults,
  projectKeyPart,
  redisCall,
  StateStoreError,
} from "../../config/redis.ts";
import {
  checkRequest,
  checkRow,
  type GroupAssignment,
  type GroupAssignmentRequest,
  type GroupEventMeta,
  type GroupRow,
  type GroupStats,
  type GroupStore,
  type RestoreResult,
} from "./group-store.ts";
import { ASSIGN_GROUP_LUA, RESTORE_GROUP_LUA } from "./group-store-lua.ts";
import { GROUP_SEQUENCE_KEY, GROUPING_STATE_KEY, GroupingStateLostError } from "./state-fence.ts";

// Redis keys (prefix = option `redisKeyPrefix`, `ingest:` by default):
//   <prefix>group-seq                        group id sequence, shared by all projects
//   <prefix>grp:<project>:hash:<hash>        → group id
//   <prefix>grp:<project>:group:<group id>   hash: first_seen, last_seen, last_event_id,
//                                            times_seen, title, culprit, level
//   <prefix>grp:<project>:ev:<event id>      "<group id>:<is new>" with TTL (redelivery marker)
//
// Durability: Redis is a cache of the grouping state, not its record. Tests run Redis
// without persistence and production may lose it; the record is ClickHouse's `groups`
// table written by the storage consumer, and `restore` (via `ingest groups rebuild`)
// puts it back. The hash and group keys carry no TTL and must not be evicted
// (maxmemory-policy noeviction, or volatile-* which only touches the TTL'd markers):
// an evicted hash key would make the next event create a second group for it.
// Assignment refuses to run while the grouping-state fence (`<prefix>grouping-state`) is
// missing (state-fence.ts), so a wiped Redis never allocates; `restore` does not look at
// the fence, as the rebuild restores exactly while it is down.

declare module "ioredis" {
  interface RedisCommander<Context> {
    ingestAssignGroup(
      numberOfKeys: number,
      ...keysAndArgs: ReadonlyArray<string | number>
    ): Result<[string, number, number], Context>;
    ingestRestoreGroup(
      numberOfKeys: number,
      ...keysAndArgs: ReadonlyArray<string | number>
    ): Result<number, Context>;
  }
}

// Events per pipeline: one script call each, a few keys each, well under the ~10k
// commands per pipeline Redis advises (specs/conventions.md §1e).
const ASSIGN_CHUNK = 500;

export class RedisGroupStore implements GroupStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly markerTtlSeconds: number,
  ) {
    if (!Number.isSafeInteger(markerTtlSeconds) || markerTtlSeconds < 1) {
      throw new RangeError(`marker TTL must be a positive number of seconds, got ${markerTtlSeconds}`);
    }
    // Without numberOfKeys the caller passes it: the key count varies with the hashes.
    // ioredis sends EVAL once per connection, then EVALSHA, and recovers from NOSCRIPT.
    redis.defineCommand("ingestAssignGroup", { lua: ASSIGN_GROUP_LUA });
    redis.defineCommand("ingestRestoreGroup", { lua: RESTORE_GROUP_LUA });
  }

  async assign(
    projectId: number,
    hashes: ReadonlyArray<string>,
    event: GroupEventMeta,
  ): Promise<GroupAssignment> {
    const request = { projectId, hashes, event };
    checkRequest(request);
    const reply = await redisCall("groups", "assign", () =>
      this.redis.ingestAssignGroup(...this.assignArgs(request)),
    );
    return toAssignment(reply);
  }

  async assignMany(requests: ReadonlyArray<GroupAssignmentRequest>): Promise<GroupAssignment[]> {
    requests.forEach(checkRequest);
    const out: GroupAssignment[] = [];
    for (let start = 0; start < requests.length; start += ASSIGN_CHUNK) {
      const chunk = requests.slice(start, start + ASSIGN_CHUNK);
      const pipeline = this.redis.pipeline();
      for (const request of chunk) pipeline.ingestAssignGroup(...this.assignArgs(request));
      const results = await redisCall("groups", "assignMany", () => pipeline.exec());
      // A failed chunk is retried whole by the caller: the event markers make the
      // already-applied events answer the same without counting again.
      for (const reply of pipelineResults(results, chunk.length, "groups", "assignMany")) {
        out.push(toAssignment(reply as [string, number, number]));
      }
    }
    return out;
  }

  async restore(projectId: number, rows: Iterable<GroupRow>): Promise<RestoreResult> {
    const project = projectKeyPart(projectId);
    let groups = 0;
    let hashes = 0;
    let pipeline = this.redis.pipeline();
    let queued = 0;
    const flush = async () => {
      if (queued === 0) return;
      const results = await redisCall("groups", "restore", () => pipeline.exec());
      pipelineResults(results, queued, "groups", "restore");
      pipeline = this.redis.pipeline();
      queued = 0;
    };
    for (const row of rows) {
      checkRow(row);
      const keys = [
        this.sequenceKey(),
        `${this.groupKeyPrefix(project)}${row.groupId}`,
        ...row.hashes.map((h) => this.hashKey(project, h)),
      ];
      const fields = [
        ["first_seen", String(row.firstSeen)],
        ["last_seen", String(row.lastSeen)],
        ["last_event_id", row.lastEventId ?? ""],
        ["times_seen", String(row.timesSeen)],
        ["title", row.title],
        ["culprit", row.culprit],
        ["level", row.level],
      ].flat();
      pipeline.ingestRestoreGroup(keys.length, ...keys, String(row.groupId), ...fields);
      groups += 1;
      hashes += row.hashes.length;
      if (++queued >= PIPELINE_CHUNK) await flush();
    }
    await flush();
    return { groups, hashes };
  }

  async getGroup(projectId: number, groupId: number): Promise<GroupStats | undefined> {
    const key = `${this.groupKeyPrefix(projectKeyPart(projectId))}${groupId}`;
    const fields = await redisCall("groups", "getGroup", () => this.redis.hgetall(key));
    if (fields.times_seen === undefined) return undefined;
    return {
      groupId,
      firstSeen: Number(fields.first_seen),
      lastSeen: Number(fields.last_seen),
      timesSeen: Number(fields.times_seen),
      title: fields.title ?? "",
      culprit: fields.culprit ?? "",
      level: fields.level ?? "",
    };
  }

  async lookupHash(projectId: number, hash: string): Promise<number | undefined> {
    const key = this.hashKey(projectKeyPart(projectId), hash);
    const value = await redisCall("groups", "lookupHash", () => this.redis.get(key));
    return value === null ? undefined : Number(value);
  }

  private assignArgs(request: GroupAssignmentRequest): [number, ...string[]] {
    const project = projectKeyPart(request.projectId);
    const { event } = request;
    const keys = [
      `${this.keyPrefix}${GROUPING_STATE_KEY}`,
      this.sequenceKey(),
      `${this.keyPrefix}grp:${project}:ev:${keySegment(event.eventId)}`,
      ...request.hashes.map((h) => this.hashKey(project, h)),
    ];
    return [
      keys.length,
      ...keys,
      this.groupKeyPrefix(project),
      String(this.markerTtlSeconds),
      String(event.timestamp),
      event.eventId,
      event.title,
      event.culprit,
      event.level,
    ];
  }

  private sequenceKey(): string {
    return `${this.keyPrefix}${GROUP_SEQUENCE_KEY}`;
  }

  private groupKeyPrefix(project: string): string {
    return `${this.keyPrefix}grp:${project}:group:`;
  }

  private hashKey(project: string, hash: string): string {
    return `${this.keyPrefix}grp:${project}:hash:${keySegment(hash)}`;
  }
}

function toAssignment(reply: readonly [string, number, number]): GroupAssignment {
  if (reply[0] === "") throw new GroupingStateLostError();
  const groupId = Number(reply[0]);
  if (!Number.isSafeInteger(groupId) || groupId < 1) {
    throw new StateStoreError("groups", "assign", {
      cause: new Error(`script returned group id ${reply[0]}`),
    });
  }
  return { groupId, isNew: reply[1] === 1, redelivered: reply[2] === 1 };
}
