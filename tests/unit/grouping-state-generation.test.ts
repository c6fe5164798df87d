import { afterEach, describe, expect, it } from "vitest";
import type { GroupAssignment, GroupAssignmentRequest } from "../../consumers/grouping/group-store.ts";
import {
  FlakyGroupStore,
  fingerprintEvent,
  newBroker,
  normalizedRecord,
  outputMessages,
  produceRecords,
  type RunningConsumer,
  startConsumer,
  TestFence,
  testDeps,
  waitFor,
} from "./grouping-consumer/harness.ts";

// A batch's assignment round can straddle a Redis wipe and the rebuild that follows it:
// the fence stands at the round's first check (old state) and again at its last (rebuilt
// state), while the answers in between came from neither. Such a round must be redone,
// never emitted: the fence's generation tells the two fences apart.

/** Answers its first round as a wiped-then-rebuilt Redis would have, and the rebuild lands meanwhile. */
class StraddledStore extends FlakyGroupStore {
  rounds = 0;
  constructor(private readonly fence: TestFence) {
    super();
  }

  override async assignMany(requests: ReadonlyArray<GroupAssignmentRequest>): Promise<GroupAssignment[]> {
    this.rounds += 1;
    if (this.rounds > 1) return super.assignMany(requests);
    this.fence.lower();
    this.fence.raise();
    return requests.map(() => ({ groupId: 777, isNew: true, redelivered: false }));
  }
}

const running: RunningConsumer[] = [];
afterEach(async () => {
  for (const consumer of running.splice(0)) await consumer.kill().catch(() => {});
});

describe("a grouping round that straddles a rebuild", () => {
  it("is redone against the rebuilt state instead of emitting what it answered", async () => {
    const broker = newBroker();
    const fence = new TestFence();
    const store = new StraddledStore(fence);
    const deps = await testDeps({ fence, store });
    await produceRecords(broker, [normalizedRecord(fingerprintEvent(0, "x"), 1)]);
    const consumer = startConsumer(broker, deps);
    running.push(consumer);
    await waitFor(() => outputMessages(broker).length === 1);
    await consumer.stop();

    expect(store.rounds).toBe(2);
    const [insert] = outputMessages(broker).map(({ message }) => message.body);
    expect(insert?.group_id).not.toBe(777);
    expect(insert?.group_id).toBe(await store.inner.lookupHash(1, insert?.primary_hash as string));
  });
});
