// consumers/grouping/group-environments.ts
import {
  keySegment,
  PIPELINE_CHUNK,
  pipelineResults,
  projectKeyPart,
  redisCall
} from "../../config/redis.js";
import { GROUPING_STATE_KEY, GroupingStateLostError } from "./state-fence.js";
var SIGHT_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('SADD', KEYS[2], ARGV[1])
`;
var RedisGroupEnvironmentStore = class {
  constructor(redis, keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.fenceKey = `${keyPrefix}${GROUPING_STATE_KEY}`;
    redis.defineCommand("ingestSightGroupEnvironment", { numberOfKeys: 2, lua: SIGHT_LUA });
  }
  redis;
  keyPrefix;
  fenceKey;
  async recordSightings(sightings) {
    const added = await this.add(sightings, true);
    if (added.includes(-1)) throw new GroupingStateLostError();
    return added.map((reply) => reply === 1);
  }
  async restore(projectId, seen) {
    const all = [...seen].map((s) => ({ projectId, ...s }));
    return (await this.add(all, false)).filter((reply) => reply === 1).length;
  }
  async add(sightings, fenced) {
    const out = [];
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
  key(projectId, groupId) {
    return `${this.keyPrefix}grpenv:${projectKeyPart(projectId)}:${keySegment(String(groupId))}`;
  }
};
var MemoryGroupEnvironmentStore = class {
  seen = /* @__PURE__ */ new Map();
  async recordSightings(sightings) {
    return sightings.map((s) => this.add(s.projectId, s.groupId, s.environment));
  }
  async restore(projectId, seen) {
    let added = 0;
    for (const s of seen) if (this.add(projectId, s.groupId, s.environment)) added += 1;
    return added;
  }
  add(projectId, groupId, environment) {
    const key = `${projectKeyPart(projectId)}:${groupId}`;
    let environments = this.seen.get(key);
    if (environments === void 0) {
      environments = /* @__PURE__ */ new Set();
      this.seen.set(key, environments);
    }
    if (environments.has(environment)) return false;
    environments.add(environment);
    return true;
  }
};
export {
  MemoryGroupEnvironmentStore,
  RedisGroupEnvironmentStore
};
//# sourceMappingURL=group-environments.js.map
