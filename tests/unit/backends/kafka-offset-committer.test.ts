import { KafkaJSConnectionError, KafkaJSProtocolError } from "kafkajs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { COMMIT_RETRY_MS, KafkaOffsetCommitter } from "../../../consumers/kafka-offset-committer.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { ConsumerError } from "../../../pipelines/errors.ts";
import { Partition } from "../../../pipelines/types.ts";

// KafkaConsumer's commits without a broker: a group session that records or fails commits.

const P0 = Partition.of("t", 0);
const P1 = Partition.of("t", 1);

function protocolError(type: string): KafkaJSProtocolError {
  return Object.assign(new KafkaJSProtocolError(type), { type });
}

class FakeSession {
  readonly commits: Array<Map<Partition, number>> = [];
  readonly failures: Error[] = [];
  async commit(offsets: ReadonlyMap<Partition, number>): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.commits.push(new Map(offsets));
  }
}

function committerOver(session: FakeSession | null, assigned = new Set([P0, P1])) {
  const wake = vi.fn();
  const committer = new KafkaOffsetCommitter({
    logger: silentLogger(),
    session: () => session,
    isAssigned: (p) => assigned.has(p),
    wake,
  });
  return { committer, wake };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("KafkaOffsetCommitter", () => {
  it("commits what is staged once, newest offset per partition", async () => {
    const session = new FakeSession();
    const { committer } = committerOver(session);
    committer.stage(new Map([[P0, 5]]));
    committer.stage(
      new Map([
        [P0, 7],
        [P1, 2],
      ]),
    );
    expect(await committer.commit()).toEqual(
      new Map([
        [P0, 7],
        [P1, 2],
      ]),
    );
    expect(await committer.commit()).toEqual(new Map());
    expect(session.commits).toEqual([
      new Map([
        [P0, 7],
        [P1, 2],
      ]),
    ]);
  });

  it("refuses to commit a partition that is not assigned", async () => {
    const { committer } = committerOver(new FakeSession(), new Set([P0]));
    committer.stage(new Map([[P1, 3]]));
    await expect(committer.commit()).rejects.toBeInstanceOf(ConsumerError);
  });

  it("drops commits after the group rejected one, until the next assignment", async () => {
    const session = new FakeSession();
    session.failures.push(protocolError("REBALANCE_IN_PROGRESS"));
    const { committer } = committerOver(session);
    committer.stage(new Map([[P0, 4]]));
    expect(await committer.commit()).toEqual(new Map());
    committer.stage(new Map([[P0, 6]]));
    expect(await committer.commit()).toEqual(new Map());
    expect(session.commits).toEqual([]);
    committer.membershipStarted();
    committer.stage(new Map([[P0, 8]]));
    expect(await committer.commit()).toEqual(new Map([[P0, 8]]));
  });

  it("defers a commit the unavailable cluster refused and retries it a second later", async () => {
    vi.useFakeTimers();
    const session = new FakeSession();
    session.failures.push(new KafkaJSConnectionError("Connection error: connect ECONNREFUSED"));
    const { committer, wake } = committerOver(session);
    committer.stage(
      new Map([
        [P0, 4],
        [P1, 9],
      ]),
    );
    expect(await committer.commit()).toEqual(new Map());
    // Staged meanwhile: the newer offset wins over the deferred one.
    committer.stage(new Map([[P0, 6]]));
    expect(committer.retryDue).toBe(false);
    vi.advanceTimersByTime(COMMIT_RETRY_MS);
    expect(committer.retryDue).toBe(true);
    expect(wake).toHaveBeenCalledOnce();
    await committer.retry();
    expect(committer.retryDue).toBe(false);
    expect(session.commits).toEqual([
      new Map([
        [P0, 6],
        [P1, 9],
      ]),
    ]);
  });

  it("does not retry offsets of partitions revoked while the commit was deferred", async () => {
    vi.useFakeTimers();
    const session = new FakeSession();
    session.failures.push(protocolError("GROUP_COORDINATOR_NOT_AVAILABLE"));
    const { committer } = committerOver(session);
    committer.stage(new Map([[P0, 4]]));
    await committer.commit();
    committer.forget([P0]);
    vi.advanceTimersByTime(COMMIT_RETRY_MS);
    await committer.retry();
    expect(session.commits).toEqual([]);
  });

  it("fails with ConsumerError on an error that is neither membership nor availability", async () => {
    const session = new FakeSession();
    session.failures.push(protocolError("TOPIC_AUTHORIZATION_FAILED"));
    const { committer } = committerOver(session);
    committer.stage(new Map([[P0, 1]]));
    await expect(committer.commit()).rejects.toBeInstanceOf(ConsumerError);
  });

  it("drops the commit when there is no group session", async () => {
    const { committer } = committerOver(null);
    committer.stage(new Map([[P0, 1]]));
    expect(await committer.commit()).toEqual(new Map());
  });
});
