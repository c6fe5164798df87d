import type { Redis, Result } from "ioredis";
import {
  keySegment,
  PIPELINE_CHUNK,
  pipelineResults,
  projectKeyPart,
  redisCall,
} from "../../config/redis.ts";
import type { Clock, Partition } from "../../pipelines/types.ts";

// Dropping duplicate events by (project, event id), as Sentry's ingest consumer does
// with `ev:{project_id}:{event_id}` (specs/formats.md §2.1 step 2), made safe for
// at-least-once delivery.
//
// Why a claim is owned: Sentry sets its key after handing the event on. Setting it
// before the produce (the only order that lets two racing consumers produce once)
// opens a hole: claim, produce to events-raw fails, consumer restarts without
// committing, Kafka redelivers the same record, and the claim drops it as a duplicate
// - the event is lost. So a claim stores its *claimant*, the coordinates of the Kafka
// record that made it (`topic:partition:offset`). Claiming again with the same claimant
// succeeds: a redelivery of the same record is never a duplicate, whichever consumer
// in the group gets it after a rebalance. A different record with the same event id
// (Relay or an SDK sending twice) is a duplicate. The price is that a record redelivered
// after its produce did succeed is produced twice; everything downstream of events-raw
// is idempotent per event id (grouping's event markers, ReplacingMergeTree in storage),
// so that costs a little work, not correctness. `release` additionally lets a consumer
// that survives a failed produce give the claim up at once.
//
// Because re-claiming is harmless, a batch that fails half way can simply be retried.

export interface DedupeClaim {
  readonly projectId: number;
  readonly eventId: string;
  /** Who claims: `recordClaimant(partition, offset)` of the Kafka record carrying the event. */
  readonly claimant: string;
}

export interface DedupeStore {
  /** True when this claimant owns the event id for the window (first time, or its own redelivery). */
  claim(projectId: number, eventId: string, windowSeconds: number, claimant: string): Promise<boolean>;
  /** `claim` for many events in one round trip per chunk; results in input order. */
  claimMany(claims: ReadonlyArray<DedupeClaim>, windowSeconds: number): Promise<boolean[]>;
  /** Drops the claim if `claimant` still owns it; true when it did. */
  release(projectId: number, eventId: string, claimant: string): Promise<boolean>;
}

/** The claimant of an event read from a Kafka record: stable across redeliveries. */
export function recordClaimant(partition: Partition, offset: number): string {
  return `${partition.topic}:${partition.index}:${offset}`;
}

function checkWindow(windowSeconds: number): void {
  if (!Number.isSafeInteger(windowSeconds) || windowSeconds < 1) {
    throw new RangeError(`dedupe window must be a positive number of seconds, got ${windowSeconds}`);
  }
}

export function dedupeKey(prefix: string, projectId: number, eventId: string): string {
  return `${prefix}dedupe:${projectKeyPart(projectId)}:${keySegment(eventId)}`;
}

// GET and SET in one script so "absent → mine" and "present → compare owner" are one
// atomic step: two consumers racing on one event cannot both see it absent.
const CLAIM_LUA = `
local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
if owner == ARGV[1] then return 1 end
return 0
`;

const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// Typed like ioredis documents for `defineCommand`: on a client the call returns a
// promise, on a pipeline it chains.
declare module "ioredis" {
  interface RedisCommander<Context> {
    ingestDedupeClaim(key: string, claimant: string, windowSeconds: number): Result<number, Context>;
    ingestDedupeRelease(key: string, claimant: string): Result<number, Context>;
  }
}

export class RedisDedupeStore implements DedupeStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {
    // defineCommand is idempotent per name, so several stores may share one client.
    redis.defineCommand("ingestDedupeClaim", { numberOfKeys: 1, lua: CLAIM_LUA });
    redis.defineCommand("ingestDedupeRelease", { numberOfKeys: 1, lua: RELEASE_LUA });
  }

  async claim(projectId: number, eventId: string, windowSeconds: number, claimant: string): Promise<boolean> {
    checkWindow(windowSeconds);
    const key = dedupeKey(this.keyPrefix, projectId, eventId);
    const won = await redisCall("dedupe", "claim", () =>
      this.redis.ingestDedupeClaim(key, claimant, windowSeconds),
    );
    return won === 1;
  }

  async claimMany(claims: ReadonlyArray<DedupeClaim>, windowSeconds: number): Promise<boolean[]> {
    checkWindow(windowSeconds);
    const out: boolean[] = [];
    for (let start = 0; start < claims.length; start += PIPELINE_CHUNK) {
      const chunk = claims.slice(start, start + PIPELINE_CHUNK);
      const pipeline = this.redis.pipeline();
      for (const c of chunk) {
        pipeline.ingestDedupeClaim(
          dedupeKey(this.keyPrefix, c.projectId, c.eventId),
          c.claimant,
          windowSeconds,
        );
      }
      const results = await redisCall("dedupe", "claimMany", () => pipeline.exec());
      for (const won of pipelineResults(results, chunk.length, "dedupe", "claimMany")) out.push(won === 1);
    }
    return out;
  }

  async release(projectId: number, eventId: string, claimant: string): Promise<boolean> {
    const key = dedupeKey(this.keyPrefix, projectId, eventId);
    return (await redisCall("dedupe", "release", () => this.redis.ingestDedupeRelease(key, claimant))) === 1;
  }
}

interface MemoryClaim {
  readonly claimant: string;
  readonly expiresAt: number;
}

/** In-process claims for `ingest dev` and unit tests; same semantics, time from `clock`. */
export class MemoryDedupeStore implements DedupeStore {
  private readonly claims = new Map<string, MemoryClaim>();
  private claimsSinceSweep = 0;

  constructor(private readonly clock: Clock) {}

  async claim(projectId: number, eventId: string, windowSeconds: number, claimant: string): Promise<boolean> {
    checkWindow(windowSeconds);
    return this.claimOne(projectId, eventId, windowSeconds, claimant);
  }

  async claimMany(claims: ReadonlyArray<DedupeClaim>, windowSeconds: number): Promise<boolean[]> {
    checkWindow(windowSeconds);
    return claims.map((c) => this.claimOne(c.projectId, c.eventId, windowSeconds, c.claimant));
  }

  async release(projectId: number, eventId: string, claimant: string): Promise<boolean> {
    const key = dedupeKey("", projectId, eventId);
    const held = this.live(key);
    if (!held || held.claimant !== claimant) return false;
    this.claims.delete(key);
    return true;
  }

  /** Live claims (expired ones are not counted); for tests and the dev server's stats. */
  get size(): number {
    const now = this.clock.now();
    for (const [key, held] of this.claims) if (held.expiresAt <= now) this.claims.delete(key);
    return this.claims.size;
  }

  private claimOne(projectId: number, eventId: string, windowSeconds: number, claimant: string): boolean {
    const key = dedupeKey("", projectId, eventId);
    const held = this.live(key);
    if (held) return held.claimant === claimant;
    // Re-insert so Map order stays expiry order for sweep().
    this.claims.delete(key);
    this.claims.set(key, { claimant, expiresAt: this.clock.now() + windowSeconds * 1000 });
    if (++this.claimsSinceSweep >= 1024) this.sweep(1024);
    return true;
  }

  private live(key: string): MemoryClaim | undefined {
    const held = this.claims.get(key);
    return held && held.expiresAt > this.clock.now() ? held : undefined;
  }

  /**
   * Drops expired claims from the oldest end. With one window size insertion order is
   * expiry order, so stopping at the first live claim is exact; with mixed windows a
   * few expired claims may linger until `live()` ignores them anyway.
   */
  private sweep(limit: number): void {
    this.claimsSinceSweep = 0;
    const now = this.clock.now();
    let checked = 0;
    for (const [key, held] of this.claims) {
      if (held.expiresAt > now || checked++ >= limit) break;
      this.claims.delete(key);
    }
  }
}
