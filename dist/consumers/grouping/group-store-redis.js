// consumers/grouping/group-store-redis.ts
import {
  keySegment,
  PIPELINE_CHUNK,
  pipelineResults,
  projectKeyPart,
  redisCall,
  StateStoreError
} from "../../config/redis.js";
import {
  checkRequest,
  checkRow
} from "./group-store.js";
import { ASSIGN_GROUP_LUA, RESTORE_GROUP_LUA } from "./group-store-lua.js";
import { GROUP_SEQUENCE_KEY, GROUPING_STATE_KEY, GroupingStateLostError } from "./state-fence.js";
var ASSIGN_CHUNK = 500;
var RedisGroupStore = class {
  constructor(redis, keyPrefix, markerTtlSeconds) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.markerTtlSeconds = markerTtlSeconds;
    if (!Number.isSafeInteger(markerTtlSeconds) || markerTtlSeconds < 1) {
      throw new RangeError(`marker TTL must be a positive number of seconds, got ${markerTtlSeconds}`);
    }
    redis.defineCommand("ingestAssignGroup", { lua: ASSIGN_GROUP_LUA });
    redis.defineCommand("ingestRestoreGroup", { lua: RESTORE_GROUP_LUA });
  }
  redis;
  keyPrefix;
  markerTtlSeconds;
  async assign(projectId, hashes, event) {
    const request = { projectId, hashes, event };
    checkRequest(request);
    const reply = await redisCall(
      "groups",
      "assign",
      () => this.redis.ingestAssignGroup(...this.assignArgs(request))
    );
    return toAssignment(reply);
  }
  async assignMany(requests) {
    requests.forEach(checkRequest);
    const out = [];
    for (let start = 0; start < requests.length; start += ASSIGN_CHUNK) {
      const chunk = requests.slice(start, start + ASSIGN_CHUNK);
      const pipeline = this.redis.pipeline();
      for (const request of chunk) pipeline.ingestAssignGroup(...this.assignArgs(request));
      const results = await redisCall("groups", "assignMany", () => pipeline.exec());
      for (const reply of pipelineResults(results, chunk.length, "groups", "assignMany")) {
        out.push(toAssignment(reply));
      }
    }
    return out;
  }
  async restore(projectId, rows) {
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
        ...row.hashes.map((h) => this.hashKey(project, h))
      ];
      const fields = [
        ["first_seen", String(row.firstSeen)],
        ["last_seen", String(row.lastSeen)],
        ["last_event_id", row.lastEventId ?? ""],
        ["times_seen", String(row.timesSeen)],
        ["title", row.title],
        ["culprit", row.culprit],
        ["level", row.level]
      ].flat();
      pipeline.ingestRestoreGroup(keys.length, ...keys, String(row.groupId), ...fields);
      groups += 1;
      hashes += row.hashes.length;
      if (++queued >= PIPELINE_CHUNK) await flush();
    }
    await flush();
    return { groups, hashes };
  }
  async getGroup(projectId, groupId) {
    const key = `${this.groupKeyPrefix(projectKeyPart(projectId))}${groupId}`;
    const fields = await redisCall("groups", "getGroup", () => this.redis.hgetall(key));
    if (fields.times_seen === void 0) return void 0;
    return {
      groupId,
      firstSeen: Number(fields.first_seen),
      lastSeen: Number(fields.last_seen),
      timesSeen: Number(fields.times_seen),
      title: fields.title ?? "",
      culprit: fields.culprit ?? "",
      level: fields.level ?? ""
    };
  }
  async lookupHash(projectId, hash) {
    const key = this.hashKey(projectKeyPart(projectId), hash);
    const value = await redisCall("groups", "lookupHash", () => this.redis.get(key));
    return value === null ? void 0 : Number(value);
  }
  assignArgs(request) {
    const project = projectKeyPart(request.projectId);
    const { event } = request;
    const keys = [
      `${this.keyPrefix}${GROUPING_STATE_KEY}`,
      this.sequenceKey(),
      `${this.keyPrefix}grp:${project}:ev:${keySegment(event.eventId)}`,
      ...request.hashes.map((h) => this.hashKey(project, h))
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
      event.level
    ];
  }
  sequenceKey() {
    return `${this.keyPrefix}${GROUP_SEQUENCE_KEY}`;
  }
  groupKeyPrefix(project) {
    return `${this.keyPrefix}grp:${project}:group:`;
  }
  hashKey(project, hash) {
    return `${this.keyPrefix}grp:${project}:hash:${keySegment(hash)}`;
  }
};
function toAssignment(reply) {
  if (reply[0] === "") throw new GroupingStateLostError();
  const groupId = Number(reply[0]);
  if (!Number.isSafeInteger(groupId) || groupId < 1) {
    throw new StateStoreError("groups", "assign", {
      cause: new Error(`script returned group id ${reply[0]}`)
    });
  }
  return { groupId, isNew: reply[1] === 1, redelivered: reply[2] === 1 };
}
export {
  RedisGroupStore
};
//# sourceMappingURL=group-store-redis.js.map
