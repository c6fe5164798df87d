import kafkajs, { type Admin, type Kafka } from "kafkajs";
import { Partition } from "../pipelines/types.ts";

// Small admin helpers over kafkajs for `ingest topology plan|apply`, `ingest lag` and the
// integration tests. Everything is keyed by our interned `Partition`.

/** A topic as declared (topology.yaml) or as found on the cluster. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Kafka topic configs by their Kafka names (`retention.ms`, `cleanup.policy`, ...). */
  readonly config: Readonly<Record<string, string>>;
}

/** A topic as found on the cluster: which of its configs are set on the topic itself. */
export interface ClusterTopic extends TopicSpec {
  /** Configs set on the topic (dynamic), as opposed to inherited broker defaults. */
  readonly dynamicConfigNames: ReadonlySet<string>;
}

/** The topology fields that map onto Kafka topic configs, with Kafka's names. */
export interface TopicSettings {
  readonly retentionMs?: number;
  readonly cleanupPolicy?: string;
  readonly compression?: string;
  readonly maxMessageBytes?: number;
  /** Any other topic config, passed through as is. */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
}

/** Kafka config entries for a topology topic (declared extras win over the named fields). */
export function topicConfigEntries(settings: TopicSettings): Record<string, string> {
  const entries: Record<string, string> = {};
  if (settings.retentionMs !== undefined) entries["retention.ms"] = String(settings.retentionMs);
  if (settings.cleanupPolicy !== undefined) entries["cleanup.policy"] = settings.cleanupPolicy;
  if (settings.compression !== undefined) entries["compression.type"] = settings.compression;
  if (settings.maxMessageBytes !== undefined) entries["max.message.bytes"] = String(settings.maxMessageBytes);
  for (const [name, value] of Object.entries(settings.config ?? {})) entries[name] = String(value);
  return entries;
}

export interface PartitionLag {
  readonly partition: Partition;
  /** Offset of the next record to be written (the high watermark). */
  readonly end: number;
  /** Next offset the group will read, or null when it has committed nothing there. */
  readonly committed: number | null;
  /** end − committed; for a partition without commit, everything still retained. */
  readonly lag: number;
}

export interface GroupState {
  readonly state: string;
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly clientId: string }>;
}

/** kafkajs's enum is not a named ESM export of the CommonJS package. */
const TOPIC_RESOURCE = kafkajs.ConfigResourceTypes.TOPIC;
const TOPIC_CONFIG_SOURCE = kafkajs.ConfigSource.TOPIC_CONFIG;

export class KafkaAdmin {
  private connected: Promise<void> | null = null;

  private constructor(private readonly admin: Admin) {}

  static create(kafka: Kafka): KafkaAdmin {
    return new KafkaAdmin(kafka.admin());
  }

  private async ready(): Promise<Admin> {
    if (!this.connected) {
      this.connected = this.admin.connect();
      this.connected.catch(() => {
        this.connected = null;
      });
    }
    await this.connected;
    return this.admin;
  }

  async listTopics(): Promise<string[]> {
    return (await this.ready()).listTopics();
  }

  /** Creates the topics that do not exist yet; returns the names it created. */
  async createTopics(specs: Iterable<TopicSpec>): Promise<string[]> {
    const admin = await this.ready();
    const existing = new Set(await admin.listTopics());
    const missing = [...specs].filter((spec) => !existing.has(spec.name));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((spec) => spec.name);
  }

  /**
   * The topics that exist among `names`, with partition count, replication factor and their
   * configs (every config the broker reports, defaults included: compare only what you declare).
   */
  async describeTopics(names: Iterable<string>): Promise<Map<string, ClusterTopic>> {
    const admin = await this.ready();
    const existing = new Set(await admin.listTopics());
    const wanted = [...names].filter((name) => existing.has(name));
    const found = new Map<string, ClusterTopic>();
    if (wanted.length === 0) return found;
    const { topics } = await admin.fetchTopicMetadata({ topics: wanted });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: wanted.map((name) => ({ type: TOPIC_RESOURCE, name })),
    });
    const configByTopic = new Map(
      configs.resources.map((resource) => [
        resource.resourceName,
        Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
      ]),
    );
    const dynamicByTopic = new Map(
      configs.resources.map((resource) => [
        resource.resourceName,
        new Set(
          resource.configEntries
            .filter((entry) => entry.configSource === TOPIC_CONFIG_SOURCE)
            .map((entry) => entry.configName),
        ),
      ]),
    );
    for (const topic of topics) {
      found.set(topic.name, {
        name: topic.name,
        partitions: topic.partitions.length,
        replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
        config: configByTopic.get(topic.name) ?? {},
        dynamicConfigNames: dynamicByTopic.get(topic.name) ?? new Set(),
      });
    }
    return found;
  }

  /** Grows a topic to `total` partitions (Kafka cannot shrink them). */
  async addPartitions(topic: string, total: number): Promise<void> {
    await (await this.ready()).createPartitions({ topicPartitions: [{ topic, count: total }] });
  }

  /**
   * Sets a topic's dynamic configs. kafkajs speaks the non-incremental AlterConfigs API, so
   * the given set *replaces* every dynamic config of the topic: pass all declared entries.
   */
  async setTopicConfig(topic: string, config: Readonly<Record<string, string>>): Promise<void> {
    await (await this.ready()).alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC_RESOURCE,
          name: topic,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  }

  async deleteTopics(names: Iterable<string>): Promise<void> {
    const topics = [...names];
    if (topics.length > 0) await (await this.ready()).deleteTopics({ topics });
  }

  /** Per partition: the offset of the next record to be written (high watermark). */
  async endOffsets(topic: string): Promise<Map<Partition, number>> {
    return this.watermarks(topic, "high");
  }

  /** Per partition: the oldest offset still retained (log start). */
  async startOffsets(topic: string): Promise<Map<Partition, number>> {
    return this.watermarks(topic, "low");
  }

  private async watermarks(topic: string, which: "high" | "low"): Promise<Map<Partition, number>> {
    const offsets = await (await this.ready()).fetchTopicOffsets(topic);
    const out = new Map<Partition, number>();
    for (const entry of offsets) out.set(Partition.of(topic, entry.partition), Number(entry[which]));
    return out;
  }

  /** The group's committed offsets; partitions without a commit are absent. */
  async committedOffsets(groupId: string, topics: Iterable<string>): Promise<Map<Partition, number>> {
    const names = [...topics];
    const out = new Map<Partition, number>();
    if (names.length === 0) return out;
    const response = await (await this.ready()).fetchOffsets({ groupId, topics: names });
    for (const { topic, partitions } of response) {
      for (const entry of partitions) {
        const offset = Number(entry.offset);
        if (offset >= 0) out.set(Partition.of(topic, entry.partition), offset);
      }
    }
    return out;
  }

  /** The topics a group has committed offsets on. */
  async groupTopics(groupId: string): Promise<string[]> {
    const response = await (await this.ready()).fetchOffsets({ groupId });
    return response
      .filter(({ partitions }) => partitions.some((entry) => Number(entry.offset) >= 0))
      .map(({ topic }) => topic)
      .sort();
  }

  /** Lag of a group on its topics, every partition listed, in (topic, index) order. */
  async lag(groupId: string, topics: Iterable<string>): Promise<PartitionLag[]> {
    const names = [...topics];
    const committed = await this.committedOffsets(groupId, names);
    const rows: PartitionLag[] = [];
    for (const topic of names) {
      const [end, start] = await Promise.all([this.endOffsets(topic), this.startOffsets(topic)]);
      for (const [partition, endOffset] of end) {
        const at = committed.get(partition) ?? null;
        const from = at ?? start.get(partition) ?? 0;
        rows.push({ partition, end: endOffset, committed: at, lag: Math.max(0, endOffset - from) });
      }
    }
    return rows.sort((a, b) => Partition.compare(a.partition, b.partition));
  }

  /** The group's state (`Empty`, `Stable`, `PreparingRebalance`, `Dead`, ...) and members. */
  async describeGroup(groupId: string): Promise<GroupState> {
    const { groups } = await (await this.ready()).describeGroups([groupId]);
    const group = groups.find((g) => g.groupId === groupId);
    if (!group) return { state: "Dead", members: [] };
    return {
      state: group.state,
      members: group.members.map((member) => ({ memberId: member.memberId, clientId: member.clientId })),
    };
  }

  async close(): Promise<void> {
    if (!this.connected) return;
    this.connected = null;
    // kafkajs's disconnect also releases a half-open connection from a failed connect.
    await this.admin.disconnect();
  }
}
