import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import kafkajs from "kafkajs";
import { redisCall, StateUnavailableError } from "../../config/redis.ts";
import type { KafkaAdmin } from "../../producers/kafka-admin.ts";

// Redis holds the grouping state but is not its record (ClickHouse `groups` is). If Redis
// loses its data (a restart without persistence, a failover to an empty replica), the group
// id sequence and every known hash are gone, and a consumer that went on assigning would
// hand out ids that already name other issues. A wiped Redis and a brand-new one look the
// same from inside Redis, so the decision "start afresh or restore" is taken from outside:
//
// - The fence: one key that says "this Redis holds grouping state", holding a generation
//   (a fresh random token each time it is set). It disappears with everything else on a
//   wipe. The assignment script and the environment sightings refuse to run without it
//   (group-store-lua.ts, group-environments.ts), so nothing is ever allocated or recorded
//   against an empty state, whichever process or code path asks. The assigner compares the
//   generation before and after each round, so a round that straddled a rebuild is redone
//   against the rebuilt state instead of being emitted.
// - Starting afresh is allowed only when a durable source outside Redis proves that no group
//   id was ever emitted: the `events` topic has never received a record (its end offsets
//   only grow, retention does not reset them). Anything else waits for a rebuild
//   (rebuild.ts), which alone may set the fence over a lost state, under the rebuild lock.
// - Whenever the fence is set over an empty or lost state, the id sequence is raised to
//   (largest id in the record) + `groupingIdHeadroom`. The record misses only assignments
//   whose batch passed its last fence check before the wipe and whose `events` records were
//   not yet in ClickHouse; the rebuild waits for storage to drain so that these are only
//   batches still being produced at that moment, a bounded few thousand per process, which
//   the headroom (default one million) covers. Skipped ids cost nothing; a reused one names
//   two issues.
//
// Keys: `<prefix>grouping-state` → "<generation> <note>"; `<prefix>grouping-rebuild-lock`
// → the rebuild's token, with a TTL the rebuild keeps extending.

export const GROUPING_STATE_KEY = "grouping-state";
export const REBUILD_LOCK_KEY = "grouping-rebuild-lock";
/** The group id sequence (group-store-redis.ts allocates from it). */
export const GROUP_SEQUENCE_KEY = "group-seq";

const REBUILD_LOCK_TTL_MS = 30_000;

/** The grouping state in Redis is gone; retryable: it comes back with `ingest groups rebuild`. */
export class GroupingStateLostError extends StateUnavailableError {
  constructor(detail = `the ${GROUPING_STATE_KEY} key is missing`, cause?: unknown) {
    super("groups", "fence", {
      cause: new Error(`${detail}; run \`ingest groups rebuild --all\``, { cause }),
    });
    this.name = "GroupingStateLostError";
  }
}

/** Whether this cluster can never have emitted a group id (a fresh deployment). */
export interface FreshDeploymentProbe {
  neverEmitted(): Promise<boolean>;
}

/** The single-flight lock of a rebuild over a lost state. */
export interface RebuildLock {
  readonly token: string;
  /** Extends the lock; false when it was lost (expired, or Redis was wiped again). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export interface GroupingStateFence {
  /**
   * The fence's generation; throws GroupingStateLostError when the state was lost (after
   * setting it up if this is provably a fresh deployment).
   */
  ensureIntact(): Promise<string>;
  /** Whether the fence is there (the rebuild decides by it whether the state was lost). */
  isIntact(): Promise<boolean>;
  /** The rebuild lock, or undefined while another rebuild holds it. */
  lockRebuild(): Promise<RebuildLock | undefined>;
  /**
   * Sets the fence after a rebuild, with the id sequence raised past `largestRecordedId`
   * plus the headroom; false (and nothing written) when `lock` is no longer held.
   */
  establish(lock: RebuildLock, largestRecordedId: number, note: string): Promise<boolean>;
}

export interface FenceStartup {
  /** Written into the fence when this process sets it. */
  readonly note: string;
  /**
   * Consulted when the fence is missing; without it (option `groupingRequireRebuild`) a
   * missing fence always waits for `ingest groups rebuild --all`.
   */
  readonly freshDeployment?: FreshDeploymentProbe;
  /** Ids skipped whenever the fence is set over an empty state (option `groupingIdHeadroom`). */
  readonly idHeadroom: number;
}

// KEYS[1] fence, KEYS[2] sequence, KEYS[3] rebuild lock; ARGV[1] generation + note,
// ARGV[2] headroom. A rebuild in progress owns the empty state: a fresh start waits for it.
const INITIALIZE_FRESH_LUA = `
local current = redis.call('GET', KEYS[1])
if current then return current end
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
if seq < tonumber(ARGV[2]) then redis.call('SET', KEYS[2], ARGV[2]) end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`;

// KEYS[1] fence, KEYS[2] sequence, KEYS[3] rebuild lock; ARGV[1] lock token, ARGV[2]
// generation + note, ARGV[3] sequence floor. Checked and written in one step, so a wipe
// during the rebuild (which takes the lock with it) can never be followed by a fence over
// the half-restored state.
const ESTABLISH_LUA = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
if seq < tonumber(ARGV[3]) then redis.call('SET', KEYS[2], ARGV[3]) end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

// KEYS[1] lock; ARGV[1] token, ARGV[2] TTL ms (renew only).
const RENEW_LOCK_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`;
const RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`;

function generationOf(value: string): string {
  const space = value.indexOf(" ");
  return space < 0 ? value : value.slice(0, space);
}

export class RedisGroupingStateFence implements GroupingStateFence {
  private readonly key: string;
  private readonly sequenceKey: string;
  private readonly lockKey: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly startup: FenceStartup,
  ) {
    if (!Number.isSafeInteger(startup.idHeadroom) || startup.idHeadroom < 0) {
      throw new RangeError(`id headroom must be a non-negative integer, got ${startup.idHeadroom}`);
    }
    this.key = `${keyPrefix}${GROUPING_STATE_KEY}`;
    this.sequenceKey = `${keyPrefix}${GROUP_SEQUENCE_KEY}`;
    this.lockKey = `${keyPrefix}${REBUILD_LOCK_KEY}`;
  }

  async ensureIntact(): Promise<string> {
    const value = await redisCall("groups", "fence", () => this.redis.get(this.key));
    if (value !== null) return generationOf(value);
    const probe = this.startup.freshDeployment;
    if (probe === undefined || !(await probe.neverEmitted())) throw new GroupingStateLostError();
    const set = await redisCall("groups", "fence", () =>
      this.redis.eval(
        INITIALIZE_FRESH_LUA,
        3,
        this.key,
        this.sequenceKey,
        this.lockKey,
        `${randomUUID()} ${this.startup.note}`,
        String(this.startup.idHeadroom),
      ),
    );
    if (typeof set !== "string")
      throw new GroupingStateLostError("a rebuild of the grouping state is running");
    return generationOf(set);
  }

  async isIntact(): Promise<boolean> {
    return (await redisCall("groups", "fence", () => this.redis.exists(this.key))) === 1;
  }

  async lockRebuild(): Promise<RebuildLock | undefined> {
    const token = randomUUID();
    const taken = await redisCall("groups", "rebuild-lock", () =>
      this.redis.set(this.lockKey, token, "PX", REBUILD_LOCK_TTL_MS, "NX"),
    );
    if (taken !== "OK") return undefined;
    const run = (lua: string, ...args: string[]) =>
      redisCall("groups", "rebuild-lock", () => this.redis.eval(lua, 1, this.lockKey, token, ...args));
    return {
      token,
      renew: async () => (await run(RENEW_LOCK_LUA, String(REBUILD_LOCK_TTL_MS))) === 1,
      release: async () => {
        await run(RELEASE_LOCK_LUA);
      },
    };
  }

  async establish(lock: RebuildLock, largestRecordedId: number, note: string): Promise<boolean> {
    if (!Number.isSafeInteger(largestRecordedId) || largestRecordedId < 0) {
      throw new RangeError(`largest recorded id must be a non-negative integer, got ${largestRecordedId}`);
    }
    const floor = largestRecordedId + this.startup.idHeadroom;
    const done = await redisCall("groups", "fence", () =>
      this.redis.eval(
        ESTABLISH_LUA,
        3,
        this.key,
        this.sequenceKey,
        this.lockKey,
        lock.token,
        `${randomUUID()} ${note}`,
        String(floor),
      ),
    );
    return done === 1;
  }
}

/** Renews the lock every third of its TTL while `work` runs; `held` is false if it was lost. */
export async function whileLocked<T>(
  lock: RebuildLock,
  work: () => Promise<T>,
): Promise<{ result: T; held: boolean }> {
  let held = true;
  const timer = setInterval(() => {
    lock.renew().then(
      (ok) => {
        if (!ok) held = false;
      },
      // A renewal that could not reach Redis is tried again at the next tick; the TTL
      // outlives two missed ticks, and `establish` checks the lock itself anyway.
      (error: unknown) => {
        if (!(error instanceof StateUnavailableError)) held = false;
      },
    );
  }, REBUILD_LOCK_TTL_MS / 3);
  try {
    const result = await work();
    return { result, held };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A fresh deployment as the `events` topic tells it: no partition ever received a record
 * (end offsets are never reset by retention), so no group id can have reached storage or
 * be on its way there.
 */
export class EventsTopicFreshProbe implements FreshDeploymentProbe {
  constructor(
    private readonly admin: KafkaAdmin,
    private readonly eventsTopic: string,
  ) {}

  async neverEmitted(): Promise<boolean> {
    let ends: ReadonlyMap<unknown, number>;
    try {
      ends = await this.admin.endOffsets(this.eventsTopic);
    } catch (error) {
      // Kafka cannot tell now: treat it as Redis unavailable, the batch waits and asks again.
      if (error instanceof kafkajs.KafkaJSError) {
        throw new GroupingStateLostError(`cannot read the end offsets of ${this.eventsTopic}`, error);
      }
      throw error;
    }
    return ends.size > 0 && [...ends.values()].every((end) => end === 0);
  }
}

/** In-process state cannot be lost without the process: the fence always stands. */
export class MemoryGroupingStateFence implements GroupingStateFence {
  async ensureIntact(): Promise<string> {
    return "memory";
  }
  async isIntact(): Promise<boolean> {
    return true;
  }
  async lockRebuild(): Promise<RebuildLock> {
    return { token: "memory", renew: async () => true, release: async () => {} };
  }
  async establish(): Promise<boolean> {
    return true;
  }
}
