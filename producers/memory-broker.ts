import { OffsetOutOfRange } from "../pipelines/errors.ts";
import {
  type BrokerValue,
  type Clock,
  type KafkaPayload,
  Partition,
  systemClock,
  type Topic,
} from "../pipelines/types.ts";
import { MemoryProducer, type MemoryProducerOptions } from "./memory-producer.ts";
import type { Destination, ProducerFactory } from "./types.ts";

// The in-memory broker (specs/arroyo.md §6.3): topics of partitions of records, offsets as
// array indexes from 0, consumer groups with committed offsets and, unlike Arroyo's
// LocalBroker, eager group rebalancing with a barrier, so rebalance behaviour can be tested
// without Kafka. Everything is synchronous and single-threaded; consumers wait for new
// records through `waitForActivity`.

export class TopicExists extends Error {
  constructor(readonly topic: Topic) {
    super(`topic ${topic} already exists`);
    this.name = "TopicExists";
  }
}

export class TopicDoesNotExist extends Error {
  constructor(readonly topic: Topic) {
    super(`topic ${topic} does not exist`);
    this.name = "TopicDoesNotExist";
  }
}

export class PartitionDoesNotExist extends Error {
  constructor(
    readonly topic: Topic,
    readonly index: number,
  ) {
    super(`partition ${topic}:${index} does not exist`);
    this.name = "PartitionDoesNotExist";
  }
}

/** One member's view of its group, held by its consumer; the broker mutates it on rebalance. */
export interface GroupMembership {
  readonly group: string;
  readonly memberId: string;
  readonly topics: ReadonlyArray<Topic>;
  /** Partitions the member holds: assigned and not yet revoked. */
  readonly owned: ReadonlyArray<Partition>;
  /** The member must give up `owned` (run its revocation) before anyone gets a new assignment. */
  readonly mustRevoke: boolean;
  /** True while the group has an assignment this member has not taken yet. */
  readonly behind: boolean;
}

class Member implements GroupMembership {
  owned: Partition[] = [];
  mustRevoke = false;
  generation = 0;
  leaving = false;
  constructor(
    readonly group: string,
    readonly memberId: string,
    public topics: ReadonlyArray<Topic>,
    private readonly state: GroupState,
  ) {}

  get behind(): boolean {
    return !this.leaving && this.generation !== this.state.generation;
  }
}

class GroupState {
  readonly members: Member[] = [];
  readonly committed = new Map<Partition, number>();
  generation = 0;
  target = new Map<string, Partition[]>();
}

export interface MemoryBrokerOptions {
  readonly clock?: Clock;
  /** Produce to an unknown topic creates it with this many partitions; unset = TopicDoesNotExist. */
  readonly autoCreatePartitions?: number;
}

export class MemoryBroker {
  readonly clock: Clock;
  private readonly autoCreatePartitions: number | undefined;
  private readonly topics = new Map<Topic, BrokerValue<KafkaPayload>[][]>();
  private readonly groups = new Map<string, GroupState>();
  private readonly roundRobin = new Map<Topic, number>();
  private activity: { promise: Promise<void>; resolve: () => void } | null = null;
  private memberCount = 0;

  constructor(options: MemoryBrokerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.autoCreatePartitions = options.autoCreatePartitions;
  }

  // --- topics and records ---------------------------------------------------------------

  createTopic(topic: Topic, partitions: number): void {
    if (this.topics.has(topic)) throw new TopicExists(topic);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new RangeError(`a topic needs at least one partition, got ${partitions}`);
    }
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => []),
    );
  }

  deleteTopic(topic: Topic): void {
    if (!this.topics.delete(topic)) throw new TopicDoesNotExist(topic);
  }

  listTopics(): Topic[] {
    return [...this.topics.keys()].sort();
  }

  hasTopic(topic: Topic): boolean {
    return this.topics.has(topic);
  }

  partitionCount(topic: Topic): number {
    return this.logsOf(topic).length;
  }

  partitionsOf(topic: Topic): Partition[] {
    return this.logsOf(topic).map((_, index) => Partition.of(topic, index));
  }

  /** Appends a record and returns it as stored (stamped with the broker clock). */
  produce(destination: Destination, payload: KafkaPayload): BrokerValue<KafkaPayload> {
    const p = typeof destination === "string" ? this.choosePartition(destination, payload) : destination;
    const log = this.log(p);
    const record: BrokerValue<KafkaPayload> = {
      kind: "broker",
      payload,
      partition: p,
      offset: log.length,
      timestamp: this.clock.now(),
    };
    log.push(record);
    this.notify();
    return record;
  }

  /** The record at `offset`, null at the tail, OffsetOutOfRange beyond it or below 0. */
  consume(p: Partition, offset: number): BrokerValue<KafkaPayload> | null {
    const log = this.log(p);
    if (offset === log.length) return null;
    const record = log[offset];
    if (record === undefined) {
      throw new OffsetOutOfRange(`offset ${offset} is outside ${p.key} [0, ${log.length}]`);
    }
    return record;
  }

  /** The next offset a producer would write (the high watermark). */
  endOffset(p: Partition): number {
    return this.log(p).length;
  }

  /** The records of a partition as stored; consumers read it in place. Do not mutate. */
  log(p: Partition): BrokerValue<KafkaPayload>[] {
    const logs = this.logsOf(p.topic);
    const log = logs[p.index];
    if (log === undefined) throw new PartitionDoesNotExist(p.topic, p.index);
    return log;
  }

  producer(options: MemoryProducerOptions = {}): MemoryProducer {
    return new MemoryProducer(this, options);
  }

  /** What `buildStrategy` receives in tests and in `ingest dev`. */
  producerFactory(): ProducerFactory {
    return (name) => new MemoryProducer(this, { name });
  }

  private logsOf(topic: Topic): BrokerValue<KafkaPayload>[][] {
    let logs = this.topics.get(topic);
    if (logs === undefined) {
      if (this.autoCreatePartitions === undefined) throw new TopicDoesNotExist(topic);
      this.createTopic(topic, this.autoCreatePartitions);
      logs = this.topics.get(topic) as BrokerValue<KafkaPayload>[][];
    }
    return logs;
  }

  // Keyed records go to a stable partition (FNV-1a of the key); unkeyed ones round-robin,
  // so tests are deterministic.
  private choosePartition(topic: Topic, payload: KafkaPayload): Partition {
    const count = this.logsOf(topic).length;
    if (payload.key !== null) {
      let hash = 0x811c9dc5;
      for (const byte of payload.key) hash = Math.imul(hash ^ byte, 0x01000193);
      return Partition.of(topic, (hash >>> 0) % count);
    }
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, next + 1);
    return Partition.of(topic, next % count);
  }

  // --- committed offsets -----------------------------------------------------------------

  committedOffset(group: string, p: Partition): number | undefined {
    return this.groups.get(group)?.committed.get(p);
  }

  committedOffsets(group: string): Map<Partition, number> {
    return new Map(this.groups.get(group)?.committed ?? []);
  }

  /** Stores offsets for the group without validation, as Arroyo's local broker does. */
  commit(group: string, offsets: ReadonlyMap<Partition, number>): void {
    const state = this.groupState(group);
    for (const [p, offset] of offsets) state.committed.set(p, offset);
  }

  // --- group membership (eager protocol with a barrier) ----------------------------------

  /** Adds a member (or changes its topics); every member re-balances at its next poll. */
  joinGroup(group: string, topics: ReadonlyArray<Topic>, existing?: GroupMembership): GroupMembership {
    for (const topic of topics) this.logsOf(topic);
    const state = this.groupState(group);
    let member = existing === undefined ? undefined : state.members.find((m) => m === existing);
    if (member === undefined) {
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
  leaveGroup(membership: GroupMembership): void {
    const state = this.groupState(membership.group);
    const member = state.members.find((m) => m === membership);
    if (member === undefined) return;
    member.leaving = true;
    if (member.owned.length === 0) this.removeMember(state, member);
    this.rebalance(state);
  }

  /** Called after the member's revocation callback returned. */
  completeRevocation(membership: GroupMembership): void {
    const state = this.groupState(membership.group);
    const member = state.members.find((m) => m === membership);
    if (member === undefined) return;
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
  takeAssignment(membership: GroupMembership): Partition[] | null {
    const state = this.groupState(membership.group);
    const member = state.members.find((m) => m === membership);
    if (member === undefined || !member.behind) return null;
    if (state.members.some((m) => m.mustRevoke)) return null;
    member.generation = state.generation;
    member.owned = [...(state.target.get(member.memberId) ?? [])];
    return member.owned;
  }

  /** False once a leaving member has revoked and left. */
  isMember(membership: GroupMembership): boolean {
    return this.groups.get(membership.group)?.members.some((m) => m === membership) ?? false;
  }

  /** Resolves at the next produce or group change, or after `timeoutMs`. */
  async waitForActivity(timeoutMs: number): Promise<void> {
    if (timeoutMs <= 0) return;
    if (this.activity === null) {
      let resolve: () => void = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.activity = { promise, resolve };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => {
      timer = setTimeout(r, timeoutMs);
    });
    await Promise.race([this.activity.promise, timeout]);
    clearTimeout(timer);
  }

  private notify(): void {
    const activity = this.activity;
    if (activity !== null) {
      this.activity = null;
      activity.resolve();
    }
  }

  private groupState(group: string): GroupState {
    let state = this.groups.get(group);
    if (state === undefined) {
      state = new GroupState();
      this.groups.set(group, state);
    }
    return state;
  }

  private removeMember(state: GroupState, member: Member): void {
    const index = state.members.indexOf(member);
    if (index >= 0) state.members.splice(index, 1);
  }

  // Every member that holds partitions revokes all of them (eager protocol); the new target
  // splits each topic's partitions round-robin over the members subscribed to it, in join order.
  private rebalance(state: GroupState): void {
    state.generation += 1;
    const active = state.members.filter((m) => !m.leaving);
    const target = new Map<string, Partition[]>(active.map((m) => [m.memberId, []]));
    const topics = [...new Set(active.flatMap((m) => m.topics))].sort();
    for (const topic of topics) {
      const subscribers = active.filter((m) => m.topics.includes(topic));
      this.partitionsOf(topic).forEach((p, i) => {
        const owner = subscribers[i % subscribers.length];
        if (owner !== undefined) target.get(owner.memberId)?.push(p);
      });
    }
    state.target = target;
    for (const member of state.members) if (member.owned.length > 0) member.mustRevoke = true;
    this.notify();
  }
}
