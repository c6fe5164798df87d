// producers/memory-broker.ts
import { OffsetOutOfRange } from "../pipelines/errors.js";
import {
  Partition,
  systemClock
} from "../pipelines/types.js";
import { MemoryProducer } from "./memory-producer.js";
var TopicExists = class extends Error {
  constructor(topic) {
    super(`topic ${topic} already exists`);
    this.topic = topic;
    this.name = "TopicExists";
  }
  topic;
};
var TopicDoesNotExist = class extends Error {
  constructor(topic) {
    super(`topic ${topic} does not exist`);
    this.topic = topic;
    this.name = "TopicDoesNotExist";
  }
  topic;
};
var PartitionDoesNotExist = class extends Error {
  constructor(topic, index) {
    super(`partition ${topic}:${index} does not exist`);
    this.topic = topic;
    this.index = index;
    this.name = "PartitionDoesNotExist";
  }
  topic;
  index;
};
var Member = class {
  constructor(group, memberId, topics, state) {
    this.group = group;
    this.memberId = memberId;
    this.topics = topics;
    this.state = state;
  }
  group;
  memberId;
  topics;
  state;
  owned = [];
  mustRevoke = false;
  generation = 0;
  leaving = false;
  get behind() {
    return !this.leaving && this.generation !== this.state.generation;
  }
};
var GroupState = class {
  members = [];
  committed = /* @__PURE__ */ new Map();
  generation = 0;
  target = /* @__PURE__ */ new Map();
};
var MemoryBroker = class {
  clock;
  autoCreatePartitions;
  topics = /* @__PURE__ */ new Map();
  groups = /* @__PURE__ */ new Map();
  roundRobin = /* @__PURE__ */ new Map();
  activity = null;
  memberCount = 0;
  constructor(options = {}) {
    this.clock = options.clock ?? systemClock;
    this.autoCreatePartitions = options.autoCreatePartitions;
  }
  // --- topics and records ---------------------------------------------------------------
  createTopic(topic, partitions) {
    if (this.topics.has(topic)) throw new TopicExists(topic);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new RangeError(`a topic needs at least one partition, got ${partitions}`);
    }
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => [])
    );
  }
  deleteTopic(topic) {
    if (!this.topics.delete(topic)) throw new TopicDoesNotExist(topic);
  }
  listTopics() {
    return [...this.topics.keys()].sort();
  }
  hasTopic(topic) {
    return this.topics.has(topic);
  }
  partitionCount(topic) {
    return this.logsOf(topic).length;
  }
  partitionsOf(topic) {
    return this.logsOf(topic).map((_, index) => Partition.of(topic, index));
  }
  /** Appends a record and returns it as stored (stamped with the broker clock). */
  produce(destination, payload) {
    const p = typeof destination === "string" ? this.choosePartition(destination, payload) : destination;
    const log = this.log(p);
    const record = {
      kind: "broker",
      payload,
      partition: p,
      offset: log.length,
      timestamp: this.clock.now()
    };
    log.push(record);
    this.notify();
    return record;
  }
  /** The record at `offset`, null at the tail, OffsetOutOfRange beyond it or below 0. */
  consume(p, offset) {
    const log = this.log(p);
    if (offset === log.length) return null;
    const record = log[offset];
    if (record === void 0) {
      throw new OffsetOutOfRange(`offset ${offset} is outside ${p.key} [0, ${log.length}]`);
    }
    return record;
  }
  /** The next offset a producer would write (the high watermark). */
  endOffset(p) {
    return this.log(p).length;
  }
  /** The records of a partition as stored; consumers read it in place. Do not mutate. */
  log(p) {
    const logs = this.logsOf(p.topic);
    const log = logs[p.index];
    if (log === void 0) throw new PartitionDoesNotExist(p.topic, p.index);
    return log;
  }
  producer(options = {}) {
    return new MemoryProducer(this, options);
  }
  /** What `buildStrategy` receives in tests and in `ingest dev`. */
  producerFactory() {
    return (name) => new MemoryProducer(this, { name });
  }
  logsOf(topic) {
    let logs = this.topics.get(topic);
    if (logs === void 0) {
      if (this.autoCreatePartitions === void 0) throw new TopicDoesNotExist(topic);
      this.createTopic(topic, this.autoCreatePartitions);
      logs = this.topics.get(topic);
    }
    return logs;
  }
  // Keyed records go to a stable partition (FNV-1a of the key); unkeyed ones round-robin,
  // so tests are deterministic.
  choosePartition(topic, payload) {
    const count = this.logsOf(topic).length;
    if (payload.key !== null) {
      let hash = 2166136261;
      for (const byte of payload.key) hash = Math.imul(hash ^ byte, 16777619);
      return Partition.of(topic, (hash >>> 0) % count);
    }
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, next + 1);
    return Partition.of(topic, next % count);
  }
  // --- committed offsets -----------------------------------------------------------------
  committedOffset(group, p) {
    return this.groups.get(group)?.committed.get(p);
  }
  committedOffsets(group) {
    return new Map(this.groups.get(group)?.committed ?? []);
  }
  /** Stores offsets for the group without validation, as Arroyo's local broker does. */
  commit(group, offsets) {
    const state = this.groupState(group);
    for (const [p, offset] of offsets) state.committed.set(p, offset);
  }
  // --- group membership (eager protocol with a barrier) ----------------------------------
  /** Adds a member (or changes its topics); every member re-balances at its next poll. */
  joinGroup(group, topics, existing) {
    for (const topic of topics) this.logsOf(topic);
    const state = this.groupState(group);
    let member = existing === void 0 ? void 0 : state.members.find((m) => m === existing);
    if (member === void 0) {
      this.memberCount += 1;
      member = new Member(group, `${group}-member-${this.memberCount}`, topics, state);
      state.members.push(member);
    } else {
      member.topics = topics;
      member.leaving = false;
    }
    this.rebalance(state);
    return member;
  }
  /** The member leaves once it has revoked what it owns. */
  leaveGroup(membership) {
    const state = this.groupState(membership.group);
    const member = state.members.find((m) => m === membership);
    if (member === void 0) return;
    member.leaving = true;
    if (member.owned.length === 0) this.removeMember(state, member);
    this.rebalance(state);
  }
  /** Called after the member's revocation callback returned. */
  completeRevocation(membership) {
    const state = this.groupState(membership.group);
    const member = state.members.find((m) => m === membership);
    if (member === void 0) return;
    member.owned = [];
    member.mustRevoke = false;
    if (member.leaving) this.removeMember(state, member);
    this.notify();
  }
  /**
   * The member's new partitions, once no member of the group still has to revoke (Kafka's
   * rebalance barrier: nobody reads a partition its previous owner may still commit).
   * Null while the barrier holds or when nothing changed for this member.
   */
  takeAssignment(membership) {
    const state = this.groupState(membership.group);
    const member = state.members.find((m) => m === membership);
    if (member === void 0 || !member.behind) return null;
    if (state.members.some((m) => m.mustRevoke)) return null;
    member.generation = state.generation;
    member.owned = [...state.target.get(member.memberId) ?? []];
    return member.owned;
  }
  /** False once a leaving member has revoked and left. */
  isMember(membership) {
    return this.groups.get(membership.group)?.members.some((m) => m === membership) ?? false;
  }
  /** Resolves at the next produce or group change, or after `timeoutMs`. */
  async waitForActivity(timeoutMs) {
    if (timeoutMs <= 0) return;
    if (this.activity === null) {
      let resolve = () => {
      };
      const promise = new Promise((r) => {
        resolve = r;
      });
      this.activity = { promise, resolve };
    }
    let timer;
    const timeout = new Promise((r) => {
      timer = setTimeout(r, timeoutMs);
    });
    await Promise.race([this.activity.promise, timeout]);
    clearTimeout(timer);
  }
  notify() {
    const activity = this.activity;
    if (activity !== null) {
      this.activity = null;
      activity.resolve();
    }
  }
  groupState(group) {
    let state = this.groups.get(group);
    if (state === void 0) {
      state = new GroupState();
      this.groups.set(group, state);
    }
    return state;
  }
  removeMember(state, member) {
    const index = state.members.indexOf(member);
    if (index >= 0) state.members.splice(index, 1);
  }
  // Every member that holds partitions revokes all of them (eager protocol); the new target
  // splits each topic's partitions round-robin over the members subscribed to it, in join order.
  rebalance(state) {
    state.generation += 1;
    const active = state.members.filter((m) => !m.leaving);
    const target = new Map(active.map((m) => [m.memberId, []]));
    const topics = [...new Set(active.flatMap((m) => m.topics))].sort();
    for (const topic of topics) {
      const subscribers = active.filter((m) => m.topics.includes(topic));
      this.partitionsOf(topic).forEach((p, i) => {
        const owner = subscribers[i % subscribers.length];
        if (owner !== void 0) target.get(owner.memberId)?.push(p);
      });
    }
    state.target = target;
    for (const member of state.members) if (member.owned.length > 0) member.mustRevoke = true;
    this.notify();
  }
};
export {
  MemoryBroker,
  PartitionDoesNotExist,
  TopicDoesNotExist,
  TopicExists
};
//# sourceMappingURL=memory-broker.js.map
