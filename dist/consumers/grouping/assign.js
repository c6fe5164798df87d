// consumers/grouping/assign.ts
import { insertPayload } from "./eventstream-output.js";
import { GroupingStateLostError } from "./state-fence.js";
import { untilAvailable } from "./state-retry.js";
function request(event) {
  return {
    projectId: event.projectId,
    hashes: event.hashes,
    event: {
      eventId: event.eventId,
      timestamp: event.timestamp,
      title: event.title,
      culprit: event.culprit,
      level: event.level
    }
  };
}
function groupKey(projectId, groupId) {
  return `${projectId}:${groupId}`;
}
var GroupAssigner = class {
  constructor(deps) {
    this.deps = deps;
  }
  deps;
  /** Outcomes in input order. */
  async assign(events) {
    if (events.length === 0) return [];
    const outcomes = await untilAvailable("assign", () => this.attempt(events), this.deps.retry);
    return outcomes;
  }
  /** One batch of the chain: each value keeps its offsets and gets its `events` record. */
  async assignBatch(batch) {
    const outcomes = await this.assign(batch.map((value) => value.payload));
    return batch.map((value, i) => ({
      ...value,
      payload: insertPayload(value.payload, outcomes[i], this.deps.output)
    }));
  }
  async attempt(events) {
    const { store, environments, fence } = this.deps;
    const generation = await fence.ensureIntact();
    const assignments = await store.assignMany(events.map(request));
    const groups = /* @__PURE__ */ new Map();
    events.forEach((event, i) => {
      const { groupId } = assignments[i];
      groups.set(groupKey(event.projectId, groupId), { projectId: event.projectId, groupId });
    });
    const [stats, firstSightings] = await Promise.all([
      Promise.all([...groups.values()].map(({ projectId, groupId }) => store.getGroup(projectId, groupId))),
      environments.recordSightings(
        events.map((event, i) => ({
          projectId: event.projectId,
          groupId: assignments[i].groupId,
          environment: event.environment
        }))
      )
    ]);
    if (await fence.ensureIntact() !== generation) {
      throw new GroupingStateLostError("the grouping state was rebuilt while this batch was assigned");
    }
    const firstSeen = new Map(
      [...groups.keys()].map((key, i) => [key, stats[i]])
    );
    let created = 0;
    const outcomes = events.map((event, i) => {
      const assignment = assignments[i];
      if (assignment.isNew && !assignment.redelivered) created += 1;
      const group = firstSeen.get(groupKey(event.projectId, assignment.groupId));
      return {
        groupId: assignment.groupId,
        isNew: assignment.isNew,
        isNewGroupEnvironment: firstSightings[i] === true,
        groupFirstSeen: Math.min(group?.firstSeen ?? event.timestamp, event.timestamp)
      };
    });
    if (created > 0) this.deps.onGroupsCreated?.(created);
    return outcomes;
  }
};
export {
  GroupAssigner
};
//# sourceMappingURL=assign.js.map
