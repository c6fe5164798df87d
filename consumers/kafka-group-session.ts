import {
  type EachBatchPayload,
  type Kafka,
  type Consumer as KafkajsConsumer,
  type PartitionAssigner,
  PartitionAssigners,
} from "kafkajs";
import { RecoverableError } from "../pipelines/errors.ts";
import { Partition, type Topic } from "../pipelines/types.ts";
import type { SubscribeCallbacks } from "./types.ts";

// One kafkajs consumer, for one subscription, and the single place that leans on kafkajs
// internals: kafkajs has no revocation callback, but before every JoinGroup (first join,
// rejoin after a heartbeat or fetch saw REBALANCE_IN_PROGRESS, crash restart, stale
// metadata) it looks up the group coordinator on the cluster object it passes to partition
// assigners. Wrapping that lookup gives a hook that runs, and is awaited, before the member
// gives up its generation: `beforeJoin`. kafkajs is pinned (2.2.4, unmaintained since 2023),
// and tests/integration/backend-conformance.test.ts pins this behaviour against a real broker.

/** The kafkajs consumer is restarting after a crash: the group membership is gone. */
export class GroupRestarting extends Error {
  constructor(options: { cause: unknown }) {
    super("the kafkajs consumer is restarting after a crash; its group membership is gone", options);
    this.name = "GroupRestarting";
  }
}

export interface GroupSessionConfig {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly fetchMaxWaitMs: number;
  /** Most (wire, so possibly compressed) bytes one fetch returns per partition. */
  readonly fetchMaxBytesPerPartition: number;
  /** kafkajs's own choice for partitions without a committed offset (we seek anyway). */
  readonly fromBeginning: boolean;
}

export interface GroupSessionHandlers {
  /** kafkajs is about to rejoin; resolve once the current partitions may be given up. */
  beforeJoin(session: KafkaGroupSession): Promise<void>;
  /** SyncGroup completed with this assignment; kafkajs has not fetched for it yet. */
  onJoin(session: KafkaGroupSession, memberId: string, partitions: Partition[]): void;
  onBatch(session: KafkaGroupSession, payload: EachBatchPayload): Promise<void>;
  /** kafkajs gave up its run loop; with `restart` it leaves the group and joins again. */
  onCrash(session: KafkaGroupSession, error: Error, restart: boolean): void;
}

function byTopic(partitions: Iterable<Partition>): Array<{ topic: Topic; partitions: number[] }> {
  const grouped = new Map<Topic, number[]>();
  for (const p of partitions) {
    const list = grouped.get(p.topic);
    if (list) list.push(p.index);
    else grouped.set(p.topic, [p.index]);
  }
  return [...grouped].map(([topic, indexes]) => ({ topic, partitions: indexes }));
}

export class KafkaGroupSession {
  private readonly consumer: KafkajsConsumer;
  private readonly fromBeginning: boolean;
  /** Partitions kafkajs currently holds paused. */
  private readonly paused = new Set<Partition>();
  private stopped = false;

  constructor(
    kafka: Kafka,
    config: GroupSessionConfig,
    readonly callbacks: SubscribeCallbacks,
    private readonly handlers: GroupSessionHandlers,
  ) {
    this.consumer = kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      rebalanceTimeout: config.rebalanceTimeoutMs,
      heartbeatInterval: config.heartbeatIntervalMs,
      maxWaitTimeInMs: config.fetchMaxWaitMs,
      maxBytesPerPartition: config.fetchMaxBytesPerPartition,
      // Kafka still returns the first batch of a partition when it is larger (KIP-74).
      maxBytes: Math.max(config.fetchMaxBytesPerPartition, 10 * config.fetchMaxBytesPerPartition),
      partitionAssigners: [this.gatedRoundRobin()],
      allowAutoTopicCreation: false,
    });
    this.fromBeginning = config.fromBeginning;
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions: Partition[] = [];
      for (const [topic, indexes] of Object.entries(payload.memberAssignment)) {
        for (const index of indexes) partitions.push(Partition.of(topic, index));
      }
      // Synchronous with the end of SyncGroup, so before kafkajs's first fetch of them.
      if (partitions.length > 0) this.consumer.pause(byTopic(partitions));
      for (const p of partitions) this.paused.add(p);
      this.handlers.onJoin(this, payload.memberId, partitions);
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts with a fresh group state: nothing is paused any more.
      this.paused.clear();
      this.handlers.onCrash(this, payload.error, payload.restart);
    });
  }

  /** True once `stop` began: no revocation should wait for this session any more. */
  get stopping(): boolean {
    return this.stopped;
  }

  /** Connects, subscribes and starts the run loop; joining happens in the background. */
  async start(topics: ReadonlyArray<Topic>): Promise<void> {
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [...topics], fromBeginning: this.fromBeginning });
    } catch (error) {
      await this.consumer.disconnect();
      throw new RecoverableError("cannot connect the Kafka consumer", { cause: error });
    }
    this.consumer
      .run({
        autoCommit: false,
        // kafkajs moves its fetch position only for batches we accept.
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.handlers.onBatch(this, payload),
      })
      .catch((error: unknown) => {
        this.handlers.onCrash(this, error instanceof Error ? error : new Error(String(error)), false);
      });
  }

  /**
   * Pauses or resumes fetching (no-op when already so). In the gap between a kafkajs crash
   * and its restart there is no group to apply it to; the restart's rejoin pauses afresh.
   */
  setPaused(partition: Partition, paused: boolean): void {
    if (paused === this.paused.has(partition)) return;
    const target = [{ topic: partition.topic, partitions: [partition.index] }];
    try {
      if (paused) this.consumer.pause(target);
      else this.consumer.resume(target);
    } catch (error) {
      if (error instanceof Error && error.name === "KafkaJSNonRetriableError") return;
      throw error;
    }
    if (paused) this.paused.add(partition);
    else this.paused.delete(partition);
  }

  /** The next fetch of `partition` starts at `offset`; batches fetched before are stale. */
  seek(partition: Partition, offset: number): void {
    try {
      this.consumer.seek({ topic: partition.topic, partition: partition.index, offset: String(offset) });
    } catch (error) {
      // Same crash-restart gap as setPaused: the rejoin seeks to the resolved offsets anyway.
      if (error instanceof Error && error.name === "KafkaJSNonRetriableError") return;
      throw error;
    }
  }

  async commit(offsets: ReadonlyMap<Partition, number>): Promise<void> {
    try {
      await this.consumer.commitOffsets(
        [...offsets].map(([p, offset]) => ({ topic: p.topic, partition: p.index, offset: String(offset) })),
      );
    } catch (error) {
      // kafkajs drops its group object first thing when it crashes and only then reports
      // the crash; a commit in between finds no group (kafkajs 2.2.4's wording).
      if (error instanceof Error && error.message.startsWith("Consumer group was not initialized")) {
        throw new GroupRestarting({ cause: error });
      }
      throw error;
    }
  }

  /**
   * Stops fetching and leaves the group (LeaveGroup, so the others rebalance now rather than
   * after the session timeout). Resolves false if kafkajs did not finish within the timeout.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const left = await Promise.race([this.consumer.disconnect().then(() => true), timedOut]);
    clearTimeout(timer);
    return left;
  }

  private gatedRoundRobin(): PartitionAssigner {
    return ({ cluster, groupId, logger }) => {
      const findGroupCoordinator = cluster.findGroupCoordinator.bind(cluster);
      cluster.findGroupCoordinator = async (group) => {
        await this.handlers.beforeJoin(this);
        return findGroupCoordinator(group);
      };
      return PartitionAssigners.roundRobin({ cluster, groupId, logger });
    };
  }
}
