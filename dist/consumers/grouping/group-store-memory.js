// consumers/grouping/group-store-memory.ts
import { projectKeyPart } from "../../config/redis.js";
import {
  checkRequest,
  checkRow,
  isLater
} from "./group-store.js";
var MemoryGroupStore = class {
  constructor(clock, markerTtlSeconds) {
    this.clock = clock;
    this.markerTtlSeconds = markerTtlSeconds;
  }
  clock;
  markerTtlSeconds;
  projects = /* @__PURE__ */ new Map();
  sequence = 0;
  assignsSinceSweep = 0;
  async assign(projectId, hashes, event) {
    return this.assignOne({ projectId, hashes, event });
  }
  async assignMany(requests) {
    requests.forEach(checkRequest);
    return requests.map((r) => this.assignOne(r));
  }
  async restore(projectId, rows) {
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
        level: row.level
      });
      this.sequence = Math.max(this.sequence, row.groupId);
      groups += 1;
      hashes += row.hashes.length;
    }
    return { groups, hashes };
  }
  async getGroup(projectId, groupId) {
    const group = this.project(projectId).groups.get(groupId);
    if (!group) return void 0;
    const { lastEventId: _, ...stats } = group;
    return stats;
  }
  async lookupHash(projectId, hash) {
    return this.project(projectId).hashes.get(hash);
  }
  /** Every group of a project, for the dev server's issue list. */
  groupsOf(projectId) {
    return [...this.project(projectId).groups.values()].map(({ lastEventId: _, ...stats }) => stats);
  }
  project(projectId) {
    projectKeyPart(projectId);
    let state = this.projects.get(projectId);
    if (!state) {
      state = { hashes: /* @__PURE__ */ new Map(), groups: /* @__PURE__ */ new Map(), markers: /* @__PURE__ */ new Map() };
      this.projects.set(projectId, state);
    }
    return state;
  }
  assignOne(request) {
    checkRequest(request);
    const { event } = request;
    const state = this.project(request.projectId);
    const now = this.clock.now();
    const marker = state.markers.get(event.eventId);
    if (marker && marker.expiresAt > now) {
      return { groupId: marker.groupId, isNew: marker.isNew, redelivered: true };
    }
    let groupId;
    for (const hash of request.hashes) {
      groupId = state.hashes.get(hash);
      if (groupId !== void 0) break;
    }
    const isNew = groupId === void 0;
    if (groupId === void 0) groupId = ++this.sequence;
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
        level: event.level
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
    state.markers.set(event.eventId, { groupId, isNew, expiresAt: now + this.markerTtlSeconds * 1e3 });
    if (++this.assignsSinceSweep >= 1024) this.sweepMarkers(now);
    return { groupId, isNew, redelivered: false };
  }
  /** Markers are inserted in expiry order (one TTL), so each project's oldest go first. */
  sweepMarkers(now) {
    this.assignsSinceSweep = 0;
    for (const state of this.projects.values()) {
      for (const [eventId, marker] of state.markers) {
        if (marker.expiresAt > now) break;
        state.markers.delete(eventId);
      }
    }
  }
};
export {
  MemoryGroupStore
};
//# sourceMappingURL=group-store-memory.js.map
