// Group assignment state: (project, hash) → group id, and per group its first/last seen,
// times seen and the title/culprit/level shown for it. Implementations:
// `group-store-redis.ts` (production: one atomic Lua script per event) and
// `group-store-memory.ts` (`ingest dev`, unit tests). Both follow these rules:
//
// - Resolution (Sentry's `_save_aggregate`): the event's hashes are tried in order and the
//   first one already mapped wins. Hashes of the event not yet mapped to any group are
//   then attached to that group, so later events sharing only one of them join it too.
//   If no hash is known, a new group id is taken from one sequence shared by all projects
//   (group ids are global, as in Sentry) and every hash of the event is attached to it.
//   A hash already mapped is never moved.
// - Scope: every key is per project, so equal hashes in two projects are two groups.
// - Counters: first_seen is the minimum event timestamp, last_seen the maximum,
//   times_seen +1 per event, title/culprit/level those of the event with the latest
//   (timestamp, event id). Sentry takes them from whichever event it processed last; we
//   order by the event instead so the result does not depend on which of two racing
//   consumers finished first, and a replay or rebuild gives the same answer.
// - Redelivery: each assigned event leaves a marker (event id → group, TTL
//   `groupEventMarkerTtlSeconds`). An event seen again within that window gets its first
//   answer back (same group, same `isNew`) and counts nothing, which keeps times_seen
//   exact under at-least-once delivery. Replays older than the window count again.

export interface GroupEventMeta {
  /** Scopes the redelivery marker; unique per project after relay-intake's dedupe. */
  readonly eventId: string;
  /** Event timestamp, Unix seconds (fractions allowed), as in the event payload. */
  readonly timestamp: number;
  readonly title: string;
  readonly culprit: string;
  readonly level: string;
}

export interface GroupAssignmentRequest {
  readonly projectId: number;
  /** Grouping hashes in priority order (Sentry's `hashes` list); at least one. */
  readonly hashes: ReadonlyArray<string>;
  readonly event: GroupEventMeta;
}

export interface GroupAssignment {
  readonly groupId: number;
  /** This event created the group (also on a redelivery of that same event). */
  readonly isNew: boolean;
  /** The event was assigned before (marker found); nothing was counted this time. */
  readonly redelivered: boolean;
}

export interface GroupStats {
  readonly groupId: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly timesSeen: number;
  readonly title: string;
  readonly culprit: string;
  readonly level: string;
}

/** A group as the durable record (ClickHouse `groups`) holds it, for `restore`. */
export interface GroupRow extends GroupStats {
  readonly hashes: ReadonlyArray<string>;
  /** Event id behind title/culprit/level, when known; breaks last_seen ties. */
  readonly lastEventId?: string;
}

export interface RestoreResult {
  readonly groups: number;
  readonly hashes: number;
}

export interface GroupStore {
  assign(projectId: number, hashes: ReadonlyArray<string>, event: GroupEventMeta): Promise<GroupAssignment>;
  /** Assignments in input order; events are applied in that order. */
  assignMany(requests: ReadonlyArray<GroupAssignmentRequest>): Promise<GroupAssignment[]>;
  /**
   * Writes groups back from the durable record (`ingest groups rebuild`): hash → group
   * and group stats as given (the rows are authoritative), and raises the group id
   * sequence to at least the largest id so new groups never reuse one. Meant to run
   * before consumers start; running it twice gives the same state.
   */
  restore(projectId: number, rows: Iterable<GroupRow>): Promise<RestoreResult>;
  getGroup(projectId: number, groupId: number): Promise<GroupStats | undefined>;
  lookupHash(projectId: number, hash: string): Promise<number | undefined>;
}

export function checkRequest(request: GroupAssignmentRequest): void {
  if (request.hashes.length === 0) {
    throw new RangeError(`event ${request.event.eventId} has no grouping hashes`);
  }
  if (!Number.isFinite(request.event.timestamp)) {
    throw new RangeError(`event ${request.event.eventId} has no finite timestamp`);
  }
}

export function checkRow(row: GroupRow): void {
  if (!Number.isSafeInteger(row.groupId) || row.groupId < 1) {
    throw new RangeError(`group id must be a positive integer, got ${row.groupId}`);
  }
  if (!Number.isSafeInteger(row.timesSeen) || row.timesSeen < 0) {
    throw new RangeError(`group ${row.groupId}: times_seen must be a non-negative integer`);
  }
}

/** True when (timestamp, eventId) sorts after (otherTimestamp, otherEventId). */
export function isLater(
  timestamp: number,
  eventId: string,
  otherTimestamp: number,
  otherEventId: string,
): boolean {
  return timestamp > otherTimestamp || (timestamp === otherTimestamp && eventId > otherEventId);
}
