// consumers/grouping/state-fence.ts
import { randomUUID } from "node:crypto";
import kafkajs from "kafkajs";
import { redisCall, StateUnavailableError } from "../../config/redis.js";
var GROUPING_STATE_KEY = "grouping-state";
var REBUILD_LOCK_KEY = "grouping-rebuild-lock";
var GROUP_SEQUENCE_KEY = "group-seq";
var REBUILD_LOCK_TTL_MS = 3e4;
var GroupingStateLostError = class extends StateUnavailableError {
  constructor(detail = `the ${GROUPING_STATE_KEY} key is missing`, cause) {
    super("groups", "fence", {
      cause: new Error(`${detail}; run \`ingest groups rebuild --all\``, { cause })
    });
    this.name = "GroupingStateLostError";
  }
};
var INITIALIZE_FRESH_LUA = `
local current = redis.call('GET', KEYS[1])
if current then return current end
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
if seq < tonumber(ARGV[2]) then redis.call('SET', KEYS[2], ARGV[2]) end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`;
var ESTABLISH_LUA = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
if seq < tonumber(ARGV[3]) then redis.call('SET', KEYS[2], ARGV[3]) end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;
var RENEW_LOCK_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`;
var RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`;
function generationOf(value) {
  const space = value.indexOf(" ");
  return space < 0 ? value : value.slice(0, space);
}
var RedisGroupingStateFence = class {
  constructor(redis, keyPrefix, startup) {
    this.redis = redis;
    this.startup = startup;
    if (!Number.isSafeInteger(startup.idHeadroom) || startup.idHeadroom < 0) {
      throw new RangeError(`id headroom must be a non-negative integer, got ${startup.idHeadroom}`);
    }
    this.key = `${keyPrefix}${GROUPING_STATE_KEY}`;
    this.sequenceKey = `${keyPrefix}${GROUP_SEQUENCE_KEY}`;
    this.lockKey = `${keyPrefix}${REBUILD_LOCK_KEY}`;
  }
  redis;
  startup;
  key;
  sequenceKey;
  lockKey;
  async ensureIntact() {
    const value = await redisCall("groups", "fence", () => this.redis.get(this.key));
    if (value !== null) return generationOf(value);
    const probe = this.startup.freshDeployment;
    if (probe === void 0 || !await probe.neverEmitted()) throw new GroupingStateLostError();
    const set = await redisCall(
      "groups",
      "fence",
      () => this.redis.eval(
        INITIALIZE_FRESH_LUA,
        3,
        this.key,
        this.sequenceKey,
        this.lockKey,
        `${randomUUID()} ${this.startup.note}`,
        String(this.startup.idHeadroom)
      )
    );
    if (typeof set !== "string")
      throw new GroupingStateLostError("a rebuild of the grouping state is running");
    return generationOf(set);
  }
  async isIntact() {
    return await redisCall("groups", "fence", () => this.redis.exists(this.key)) === 1;
  }
  async lockRebuild() {
    const token = randomUUID();
    const taken = await redisCall(
      "groups",
      "rebuild-lock",
      () => this.redis.set(this.lockKey, token, "PX", REBUILD_LOCK_TTL_MS, "NX")
    );
    if (taken !== "OK") return void 0;
    const run = (lua, ...args) => redisCall("groups", "rebuild-lock", () => this.redis.eval(lua, 1, this.lockKey, token, ...args));
    return {
      token,
      renew: async () => await run(RENEW_LOCK_LUA, String(REBUILD_LOCK_TTL_MS)) === 1,
      release: async () => {
        await run(RELEASE_LOCK_LUA);
      }
    };
  }
  async establish(lock, largestRecordedId, note) {
    if (!Number.isSafeInteger(largestRecordedId) || largestRecordedId < 0) {
      throw new RangeError(`largest recorded id must be a non-negative integer, got ${largestRecordedId}`);
    }
    const floor = largestRecordedId + this.startup.idHeadroom;
    const done = await redisCall(
      "groups",
      "fence",
      () => this.redis.eval(
        ESTABLISH_LUA,
        3,
        this.key,
        this.sequenceKey,
        this.lockKey,
        lock.token,
        `${randomUUID()} ${note}`,
        String(floor)
      )
    );
    return done === 1;
  }
};
async function whileLocked(lock, work) {
  let held = true;
  const timer = setInterval(() => {
    lock.renew().then(
      (ok) => {
        if (!ok) held = false;
      },
      // A renewal that could not reach Redis is tried again at the next tick; the TTL
      // outlives two missed ticks, and `establish` checks the lock itself anyway.
      (error) => {
        if (!(error instanceof StateUnavailableError)) held = false;
      }
    );
  }, REBUILD_LOCK_TTL_MS / 3);
  try {
    const result = await work();
    return { result, held };
  } finally {
    clearInterval(timer);
  }
}
var EventsTopicFreshProbe = class {
  constructor(admin, eventsTopic) {
    this.admin = admin;
    this.eventsTopic = eventsTopic;
  }
  admin;
  eventsTopic;
  async neverEmitted() {
    let ends;
    try {
      ends = await this.admin.endOffsets(this.eventsTopic);
    } catch (error) {
      if (error instanceof kafkajs.KafkaJSError) {
        throw new GroupingStateLostError(`cannot read the end offsets of ${this.eventsTopic}`, error);
      }
      throw error;
    }
    return ends.size > 0 && [...ends.values()].every((end) => end === 0);
  }
};
var MemoryGroupingStateFence = class {
  async ensureIntact() {
    return "memory";
  }
  async isIntact() {
    return true;
  }
  async lockRebuild() {
    return { token: "memory", renew: async () => true, release: async () => {
    } };
  }
  async establish() {
    return true;
  }
};
export {
  EventsTopicFreshProbe,
  GROUPING_STATE_KEY,
  GROUP_SEQUENCE_KEY,
  GroupingStateLostError,
  MemoryGroupingStateFence,
  REBUILD_LOCK_KEY,
  RedisGroupingStateFence,
  whileLocked
};
//# sourceMappingURL=state-fence.js.map
