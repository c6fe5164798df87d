import type { KafkaPayload, MessageValue } from "../../pipelines/types.ts";
import { type GroupOutcome, insertPayload, type OutputConfig } from "./eventstream-output.ts";
import type { GroupEnvironmentStore } from "./group-environments.ts";
import type { GroupAssignment, GroupAssignmentRequest, GroupStats, GroupStore } from "./group-store.ts";
import type { PreparedEvent } from "./prepare.ts";
import { type GroupingStateFence, GroupingStateLostError } from "./state-fence.ts";
import { type Retry, untilAvailable } from "./state-retry.ts";

// Group assignment for one batch of prepared events (Sentry's `_save_aggregate` plus
// `_get_or_create_group_environment_many`): every event's hashes resolved to a group of its
// project in one pipelined round of the store's atomic script, then the groups' first_seen
// and the (group, environment) first sightings in a second round, then the `events`
// records. The whole round is retried while Redis is away or the grouping state was lost;
// retrying is safe because the store's per-event markers make an event that was already
// assigned answer the same without counting again.
//
// The fence's generation is read before and after the round. The scripts themselves refuse
// to run on a wiped Redis, but a round can straddle a wipe *and* the rebuild that follows
// it: its first answers then come from the old state (whose markers the wipe took), its
// last from the rebuilt one. Only a round that ran within one generation is emitted; any
// other is redone, and the redo is answered by the rebuilt state alone.

export interface AssignerDeps {
  readonly store: GroupStore;
  readonly environments: GroupEnvironmentStore;
  readonly fence: GroupingStateFence;
  readonly retry: Retry;
  readonly output: OutputConfig;
  /** Called with the number of groups a batch created (not counting redeliveries). */
  readonly onGroupsCreated?: (count: number) => void;
}

function request(event: PreparedEvent): GroupAssignmentRequest {
  return {
    projectId: event.projectId,
    hashes: event.hashes,
    event: {
      eventId: event.eventId,
      timestamp: event.timestamp,
      title: event.title,
      culprit: event.culprit,
      level: event.level,
    },
  };
}

function groupKey(projectId: number, groupId: number): string {
  return `${projectId}:${groupId}`;
}

export class GroupAssigner {
  constructor(private readonly deps: AssignerDeps) {}

  /** Outcomes in input order. */
  async assign(events: ReadonlyArray<PreparedEvent>): Promise<GroupOutcome[]> {
    if (events.length === 0) return [];
    const outcomes = await untilAvailable("assign", () => this.attempt(events), this.deps.retry);
    return outcomes;
  }

  /** One batch of the chain: each value keeps its offsets and gets its `events` record. */
  async assignBatch(
    batch: ReadonlyArray<MessageValue<PreparedEvent>>,
  ): Promise<MessageValue<KafkaPayload>[]> {
    const outcomes = await this.assign(batch.map((value) => value.payload));
    return batch.map((value, i) => ({
      ...value,
      payload: insertPayload(value.payload, outcomes[i] as GroupOutcome, this.deps.output),
    }));
  }

  private async attempt(events: ReadonlyArray<PreparedEvent>): Promise<GroupOutcome[]> {
    const { store, environments, fence } = this.deps;
    const generation = await fence.ensureIntact();
    const assignments = await store.assignMany(events.map(request));
    const groups = new Map<string, { projectId: number; groupId: number }>();
    events.forEach((event, i) => {
      const { groupId } = assignments[i] as GroupAssignment;
      groups.set(groupKey(event.projectId, groupId), { projectId: event.projectId, groupId });
    });
    const [stats, firstSightings] = await Promise.all([
      Promise.all([...groups.values()].map(({ projectId, groupId }) => store.getGroup(projectId, groupId))),
      environments.recordSightings(
        events.map((event, i) => ({
          projectId: event.projectId,
          groupId: (assignments[i] as GroupAssignment).groupId,
          environment: event.environment,
        })),
      ),
    ]);
    if ((await fence.ensureIntact()) !== generation) {
      throw new GroupingStateLostError("the grouping state was rebuilt while this batch was assigned");
    }
    const firstSeen = new Map<string, GroupStats | undefined>(
      [...groups.keys()].map((key, i) => [key, stats[i]] as const),
    );
    let created = 0;
    const outcomes = events.map((event, i): GroupOutcome => {
      const assignment = assignments[i] as GroupAssignment;
      if (assignment.isNew && !assignment.redelivered) created += 1;
      const group = firstSeen.get(groupKey(event.projectId, assignment.groupId));
      return {
        groupId: assignment.groupId,
        isNew: assignment.isNew,
        isNewGroupEnvironment: firstSightings[i] === true,
        groupFirstSeen: Math.min(group?.firstSeen ?? event.timestamp, event.timestamp),
      };
    });
    if (created > 0) this.deps.onGroupsCreated?.(created);
    return outcomes;
  }
}
