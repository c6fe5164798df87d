// consumers/relay-intake/dedupe.ts
import {
  keySegment,
  PIPELINE_CHUNK,
  pipelineResults,
  projectKeyPart,
  redisCall
} from "../../config/redis.js";
function recordClaimant(partition, offset) {
  return `${partition.topic}:${partition.index}:${offset}`;
}
function checkWindow(windowSeconds) {
  if (!Number.isSafeInteger(windowSeconds) || windowSeconds < 1) {
    throw new RangeError(`dedupe window must be a positive number of seconds, got ${windowSeconds}`);
  }
}
function dedupeKey(prefix, projectId, eventId) {
  return `${prefix}dedupe:${projectKeyPart(projectId)}:${keySegment(eventId)}`;
}
var CLAIM_LUA = `
local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
if owner == ARGV[1] then return 1 end
return 0
`;
var RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
var RedisDedupeStore = class {
  constructor(redis, keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    redis.defineCommand("ingestDedupeClaim", { numberOfKeys: 1, lua: CLAIM_LUA });
    redis.defineCommand("ingestDedupeRelease", { numberOfKeys: 1, lua: RELEASE_LUA });
  }
  redis;
  keyPrefix;
  async claim(projectId, eventId, windowSeconds, claimant) {
    checkWindow(windowSeconds);
    const key = dedupeKey(this.keyPrefix, projectId, eventId);
    const won = await redisCall(
      "dedupe",
      "claim",
      () => this.redis.ingestDedupeClaim(key, claimant, windowSeconds)
    );
    return won === 1;
  }
  async claimMany(claims, windowSeconds) {
    checkWindow(windowSeconds);
    const out = [];
    for (let start = 0; start < claims.length; start += PIPELINE_CHUNK) {
      const chunk = claims.slice(start, start + PIPELINE_CHUNK);
      const pipeline = this.redis.pipeline();
      for (const c of chunk) {
        pipeline.ingestDedupeClaim(
          dedupeKey(this.keyPrefix, c.projectId, c.eventId),
          c.claimant,
          windowSeconds
        );
      }
      const results = await redisCall("dedupe", "claimMany", () => pipeline.exec());
      for (const won of pipelineResults(results, chunk.length, "dedupe", "claimMany")) out.push(won === 1);
    }
    return out;
  }
  async release(projectId, eventId, claimant) {
    const key = dedupeKey(this.keyPrefix, projectId, eventId);
    return await redisCall("dedupe", "release", () => this.redis.ingestDedupeRelease(key, claimant)) === 1;
  }
};
var MemoryDedupeStore = class {
  constructor(clock) {
    this.clock = clock;
  }
  clock;
  claims = /* @__PURE__ */ new Map();
  claimsSinceSweep = 0;
  async claim(projectId, eventId, windowSeconds, claimant) {
    checkWindow(windowSeconds);
    return this.claimOne(projectId, eventId, windowSeconds, claimant);
  }
  async claimMany(claims, windowSeconds) {
    checkWindow(windowSeconds);
    return claims.map((c) => this.claimOne(c.projectId, c.eventId, windowSeconds, c.claimant));
  }
  async release(projectId, eventId, claimant) {
    const key = dedupeKey("", projectId, eventId);
    const held = this.live(key);
    if (!held || held.claimant !== claimant) return false;
    this.claims.delete(key);
    return true;
  }
  /** Live claims (expired ones are not counted); for tests and the dev server's stats. */
  get size() {
    const now = this.clock.now();
    for (const [key, held] of this.claims) if (held.expiresAt <= now) this.claims.delete(key);
    return this.claims.size;
  }
  claimOne(projectId, eventId, windowSeconds, claimant) {
    const key = dedupeKey("", projectId, eventId);
    const held = this.live(key);
    if (held) return held.claimant === claimant;
    this.claims.delete(key);
    this.claims.set(key, { claimant, expiresAt: this.clock.now() + windowSeconds * 1e3 });
    if (++this.claimsSinceSweep >= 1024) this.sweep(1024);
    return true;
  }
  live(key) {
    const held = this.claims.get(key);
    return held && held.expiresAt > this.clock.now() ? held : void 0;
  }
  /**
   * Drops expired claims from the oldest end. With one window size insertion order is
   * expiry order, so stopping at the first live claim is exact; with mixed windows a
   * few expired claims may linger until `live()` ignores them anyway.
   */
  sweep(limit) {
    this.claimsSinceSweep = 0;
    const now = this.clock.now();
    let checked = 0;
    for (const [key, held] of this.claims) {
      if (held.expiresAt > now || checked++ >= limit) break;
      this.claims.delete(key);
    }
  }
};
export {
  MemoryDedupeStore,
  RedisDedupeStore,
  dedupeKey,
  recordClaimant
};
//# sourceMappingURL=dedupe.js.map
