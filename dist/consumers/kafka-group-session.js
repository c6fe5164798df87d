// consumers/kafka-group-session.ts
import {
  PartitionAssigners
} from "kafkajs";
import { RecoverableError } from "../pipelines/errors.js";
import { Partition } from "../pipelines/types.js";
var GroupRestarting = class extends Error {
  constructor(options) {
    super("the kafkajs consumer is restarting after a crash; its group membership is gone", options);
    this.name = "GroupRestarting";
  }
};
function byTopic(partitions) {
  const grouped = /* @__PURE__ */ new Map();
  for (const p of partitions) {
    const list = grouped.get(p.topic);
    if (list) list.push(p.index);
    else grouped.set(p.topic, [p.index]);
  }
  return [...grouped].map(([topic, indexes]) => ({ topic, partitions: indexes }));
}
var KafkaGroupSession = class {
  constructor(kafka, config, callbacks, handlers) {
    this.callbacks = callbacks;
    this.handlers = handlers;
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
      allowAutoTopicCreation: false
    });
    this.fromBeginning = config.fromBeginning;
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = [];
      for (const [topic, indexes] of Object.entries(payload.memberAssignment)) {
        for (const index of indexes) partitions.push(Partition.of(topic, index));
      }
      if (partitions.length > 0) this.consumer.pause(byTopic(partitions));
      for (const p of partitions) this.paused.add(p);
      this.handlers.onJoin(this, payload.memberId, partitions);
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.paused.clear();
      this.handlers.onCrash(this, payload.error, payload.restart);
    });
  }
  callbacks;
  handlers;
  consumer;
  fromBeginning;
  /** Partitions kafkajs currently holds paused. */
  paused = /* @__PURE__ */ new Set();
  stopped = false;
  /** True once `stop` began: no revocation should wait for this session any more. */
  get stopping() {
    return this.stopped;
  }
  /** Connects, subscribes and starts the run loop; joining happens in the background. */
  async start(topics) {
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [...topics], fromBeginning: this.fromBeginning });
    } catch (error) {
      await this.consumer.disconnect();
      throw new RecoverableError("cannot connect the Kafka consumer", { cause: error });
    }
    this.consumer.run({
      autoCommit: false,
      // kafkajs moves its fetch position only for batches we accept.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.handlers.onBatch(this, payload)
    }).catch((error) => {
      this.handlers.onCrash(this, error instanceof Error ? error : new Error(String(error)), false);
    });
  }
  /**
   * Pauses or resumes fetching (no-op when already so). In the gap between a kafkajs crash
   * and its restart there is no group to apply it to; the restart's rejoin pauses afresh.
   */
  setPaused(partition, paused) {
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
  seek(partition, offset) {
    try {
      this.consumer.seek({ topic: partition.topic, partition: partition.index, offset: String(offset) });
    } catch (error) {
      if (error instanceof Error && error.name === "KafkaJSNonRetriableError") return;
      throw error;
    }
  }
  async commit(offsets) {
    try {
      await this.consumer.commitOffsets(
        [...offsets].map(([p, offset]) => ({ topic: p.topic, partition: p.index, offset: String(offset) }))
      );
    } catch (error) {
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
  async stop(timeoutMs) {
    this.stopped = true;
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const left = await Promise.race([this.consumer.disconnect().then(() => true), timedOut]);
    clearTimeout(timer);
    return left;
  }
  gatedRoundRobin() {
    return ({ cluster, groupId, logger }) => {
      const findGroupCoordinator = cluster.findGroupCoordinator.bind(cluster);
      cluster.findGroupCoordinator = async (group) => {
        await this.handlers.beforeJoin(this);
        return findGroupCoordinator(group);
      };
      return PartitionAssigners.roundRobin({ cluster, groupId, logger });
    };
  }
};
export {
  GroupRestarting,
  KafkaGroupSession
};
//# sourceMappingURL=kafka-group-session.js.map
