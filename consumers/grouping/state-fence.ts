import type { Redis } from "ioredis";
import { redisCall, StateUnavailableError } from "../../config/redis.ts";

// Redis holds the grouping state but is not its record (ClickHouse `groups` is). If Redis
// loses its data (a restart without persistence, a failover to an empty replica), the group
// id sequence starts again at 1 and every known hash is forgotten: a consumer that went on
// assigning would hand out ids that already name other issues. The fence is one key that
// says "this Redis holds grouping state": set when a consumer starts on a fresh deployment
// or by `ingest groups rebuild`, and gone with everything else when Redis is wiped. The
// chain checks it before and after each batch's assignment; while it is missing, the batch
// waits (retried as Redis-unavailable, with backpressure) until a rebuild sets it again, and
// no assignment made against the wiped state is ever emitted.
//
// Key: `<prefix>grouping-state` → a short note of who set it and when.

export const GROUPING_STATE_KEY = "grouping-state";

/** The grouping state in Redis is gone; retryable: it comes back with `ingest groups rebuild`. */
export class GroupingStateLostError extends StateUnavailableError {
  constructor() {
    super("groups", "fence", {
      cause: new Error(`the ${GROUPING_STATE_KEY} key is missing; run \`ingest groups rebuild --all\``),
    });
    this.name = "GroupingStateLostError";
  }
}

export interface GroupingStateFence {
  /** Throws GroupingStateLostError when the state was lost. */
  ensureIntact(): Promise<void>;
  /** Whether the fence is there (rebuild decides by it whether to clear leftovers first). */
  isIntact(): Promise<boolean>;
  /** Sets the fence only if it is missing; true when it set it. */
  establishIfMissing(note: string): Promise<boolean>;
  /** Sets the fence (after a rebuild). */
  establish(note: string): Promise<void>;
  /** Removes the fence: consumers stop assigning until it is set again. */
  lower(): Promise<void>;
}

export interface FenceStartup {
  /**
   * Whether a fence missing at this process's first successful check is set (a fresh
   * deployment) rather than waited for (option `groupingRequireRebuild` off). Only the
   * first check may do so: a fence that disappears later always means lost state.
   */
  readonly initializeIfMissing: boolean;
  /** Written into the fence when this process sets it. */
  readonly note: string;
}

export class RedisGroupingStateFence implements GroupingStateFence {
  private readonly key: string;
  private checkedOnce = false;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly startup: FenceStartup = { initializeIfMissing: false, note: "" },
  ) {
    this.key = `${keyPrefix}${GROUPING_STATE_KEY}`;
  }

  async ensureIntact(): Promise<void> {
    if (!this.checkedOnce && this.startup.initializeIfMissing) {
      await this.establishIfMissing(this.startup.note);
      this.checkedOnce = true;
      return;
    }
    const intact = await this.isIntact();
    this.checkedOnce = true;
    if (!intact) throw new GroupingStateLostError();
  }

  async isIntact(): Promise<boolean> {
    return (await redisCall("groups", "fence", () => this.redis.exists(this.key))) === 1;
  }

  async establishIfMissing(note: string): Promise<boolean> {
    return (await redisCall("groups", "fence", () => this.redis.set(this.key, note, "NX"))) === "OK";
  }

  async establish(note: string): Promise<void> {
    await redisCall("groups", "fence", () => this.redis.set(this.key, note));
  }

  async lower(): Promise<void> {
    await redisCall("groups", "fence", () => this.redis.del(this.key));
  }
}

/** In-process state cannot be lost without the process: the fence always stands. */
export class MemoryGroupingStateFence implements GroupingStateFence {
  async ensureIntact(): Promise<void> {}
  async isIntact(): Promise<boolean> {
    return true;
  }
  async establishIfMissing(): Promise<boolean> {
    return false;
  }
  async establish(): Promise<void> {}
  async lower(): Promise<void> {}
}
