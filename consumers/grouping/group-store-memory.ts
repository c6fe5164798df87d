import { projectKeyPart } from "../../config/redis.ts";
import type { Clock } from "../../pipelines/types.ts";
import {
  checkRequest,
  checkRow,
  type GroupAssignment,
  type GroupAssignmentRequest,
  type GroupEventMeta,
  type GroupRow,
  type GroupStats,
  type GroupStore,
  isLater,
  type RestoreResult,
} from "./group-store.ts";

// The in-process group store for `ingest dev` and unit tests: the rules of
// group-store.ts, applied synchronously (one event at a time, like the Lua script).

interface MutableGroup {
  groupId: number;
  firstSeen: number;
  lastSeen: number;
  lastEventId: string;
  timesSeen: number;
  title: string;
  culprit: string;
  level: string;
}

interface EventMarker {
  readonly groupId: number;
  readonly isNew: boolean;
  readonly expiresAt: number;
}

interface ProjectState {
  readonly hashes: Map<string, number>;
  readonly groups: Map<number, MutableGroup>;
  readonly markers: Map<string, EventMarker>;
}

export class MemoryGroupStore implements GroupStore {
  private readonly projects = new Map<number, ProjectState>();
  private sequence = 0;
  private assignsSinceSweep = 0;

  constructor(
    private readonly clock: Clock,
    private readonly markerTtlSeconds: number,
  ) {}

  async assign(
    projectId: number,
    hashes: ReadonlyArray<string>,
    event: GroupEventMeta,
  ): Promise<GroupAssignment> {
    return this.assignOne({ projectId, hashes, event });
  }

  async assignMany(requests: ReadonlyArray<GroupAssignmentRequest>): Promise<GroupAssignment[]> {
    requests.forEach(checkRequest);
    return requests.map((r) => this.assignOne(r));
  }

  async restore(projectId: number, rows: Iterable<GroupRow>): Promise<RestoreResult> {
    const state = this.project(projectId);
    let groups = 0;
    let hashes = 0;
    for (const row of rows) {
      checkRow(row);
      for (const hash of row.hashes) state.hashes.set(hash, row.groupId);
      state.groups.set(row.groupId, {
        groupId: row.groupId,
        firstSeen: row.firstSeen,
        lastSeen: row.lastSeen,
        lastEventId: row.lastEventId ?? "",
        timesSeen: row.timesSeen,
        title: row.title,
        culprit: row.culprit,
        level: row.level,
      });
      this.sequence = Math.max(this.sequence, row.groupId);
      groups += 1;
      hashes += row.hashes.length;
    }
    return { groups, hashes };
  }

  async getGroup(projectId: number, groupId: number): Promise<GroupStats | undefined> {
    const group = this.project(projectId).groups.get(groupId);
    if (!group) return undefined;
    const { lastEventId: _, ...stats } = group;
    return stats;
  }

  async lookupHash(projectId: number, hash: string): Promise<number | undefined> {
    return this.project(projectId).hashes.get(hash);
  }

  /** Every group of a project, for the dev server's issue list. */
  groupsOf(projectId: number): GroupStats[] {
    return [...this.project(projectId).groups.values()].map(({ lastEventId: _, ...stats }) => stats);
  }

  private project(projectId: number): ProjectState {
    projectKeyPart(projectId);
    let state = this.projects.get(projectId);
    if (!state) {
      state = { hashes: new Map(), groups: new Map(), markers: new Map() };
      this.projects.set(projectId, state);
    }
    return state;
  }

  private assignOne(request: GroupAssignmentRequest): GroupAssignment {
    checkRequest(request);
    const { event } = request;
    const state = this.project(request.projectId);
    const now = this.clock.now();
    const marker = state.markers.get(event.eventId);
    if (marker && marker.expiresAt > now) {
      return { groupId: marker.groupId, isNew: marker.isNew, redelivered: true };
    }

    let groupId: number | undefined;
    for (const hash of request.hashes) {
      groupId = state.hashes.get(hash);
      if (groupId !== undefined) break;
    }
    const isNew = groupId === undefined;
    if (groupId === undefined) groupId = ++this.sequence;
    for (const hash of request.hashes) if (!state.hashes.has(hash)) state.hashes.set(hash, groupId);

    const group = state.groups.get(groupId);
    if (!group) {
      state.groups.set(groupId, {
        groupId,
        firstSeen: event.timestamp,
        lastSeen: event.timestamp,
        lastEventId: event.eventId,
        timesSeen: 1,
        title: event.title,
        culprit: event.culprit,
        level: event.level,
      });
    } else {
      group.firstSeen = Math.min(group.firstSeen, event.timestamp);
      if (isLater(event.timestamp, event.eventId, group.lastSeen, group.lastEventId)) {
        group.lastSeen = event.timestamp;
        group.lastEventId = event.eventId;
        group.title = event.title;
        group.culprit = event.culprit;
        group.level = event.level;
      }
      group.timesSeen += 1;
    }

    state.markers.delete(event.eventId);
    state.markers.set(event.eventId, { groupId, isNew, expiresAt: now + this.markerTtlSeconds * 1000 });
    if (++this.assignsSinceSweep >= 1024) this.sweepMarkers(now);
    return { groupId, isNew, redelivered: false };
  }

  /** Markers are inserted in expiry order (one TTL), so each project's oldest go first. */
  private sweepMarkers(now: number): void {
    this.assignsSinceSweep = 0;
    for (const state of this.projects.values()) {
      for (const [eventId, marker] of state.markers) {
        if (marker.expiresAt > now) break;
        state.markers.delete(eventId);
      }
    }
  }
}
