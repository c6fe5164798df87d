// producers/kafka-admin.ts
import kafkajs from "kafkajs";
import { Partition } from "../pipelines/types.js";
function topicConfigEntries(settings) {
  const entries = {};
  if (settings.retentionMs !== void 0) entries["retention.ms"] = String(settings.retentionMs);
  if (settings.cleanupPolicy !== void 0) entries["cleanup.policy"] = settings.cleanupPolicy;
  if (settings.compression !== void 0) entries["compression.type"] = settings.compression;
  if (settings.maxMessageBytes !== void 0) entries["max.message.bytes"] = String(settings.maxMessageBytes);
  for (const [name, value] of Object.entries(settings.config ?? {})) entries[name] = String(value);
  return entries;
}
var TOPIC_RESOURCE = kafkajs.ConfigResourceTypes.TOPIC;
var TOPIC_CONFIG_SOURCE = kafkajs.ConfigSource.TOPIC_CONFIG;
var KafkaAdmin = class _KafkaAdmin {
  constructor(admin) {
    this.admin = admin;
  }
  admin;
  connected = null;
  static create(kafka) {
    return new _KafkaAdmin(kafka.admin());
  }
  async ready() {
    if (!this.connected) {
      this.connected = this.admin.connect();
      this.connected.catch(() => {
        this.connected = null;
      });
    }
    await this.connected;
    return this.admin;
  }
  async listTopics() {
    return (await this.ready()).listTopics();
  }
  /** Creates the topics that do not exist yet; returns the names it created. */
  async createTopics(specs) {
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
        configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value }))
      }))
    });
    return missing.map((spec) => spec.name);
  }
  /**
   * The topics that exist among `names`, with partition count, replication factor and their
   * configs (every config the broker reports, defaults included: compare only what you declare).
   */
  async describeTopics(names) {
    const admin = await this.ready();
    const existing = new Set(await admin.listTopics());
    const wanted = [...names].filter((name) => existing.has(name));
    const found = /* @__PURE__ */ new Map();
    if (wanted.length === 0) return found;
    const { topics } = await admin.fetchTopicMetadata({ topics: wanted });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: wanted.map((name) => ({ type: TOPIC_RESOURCE, name }))
    });
    const configByTopic = new Map(
      configs.resources.map((resource) => [
        resource.resourceName,
        Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue]))
      ])
    );
    const dynamicByTopic = new Map(
      configs.resources.map((resource) => [
        resource.resourceName,
        new Set(
          resource.configEntries.filter((entry) => entry.configSource === TOPIC_CONFIG_SOURCE).map((entry) => entry.configName)
        )
      ])
    );
    for (const topic of topics) {
      found.set(topic.name, {
        name: topic.name,
        partitions: topic.partitions.length,
        replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
        config: configByTopic.get(topic.name) ?? {},
        dynamicConfigNames: dynamicByTopic.get(topic.name) ?? /* @__PURE__ */ new Set()
      });
    }
    return found;
  }
  /** Grows a topic to `total` partitions (Kafka cannot shrink them). */
  async addPartitions(topic, total) {
    await (await this.ready()).createPartitions({ topicPartitions: [{ topic, count: total }] });
  }
  /**
   * Sets a topic's dynamic configs. kafkajs speaks the non-incremental AlterConfigs API, so
   * the given set *replaces* every dynamic config of the topic: pass all declared entries.
   */
  async setTopicConfig(topic, config) {
    await (await this.ready()).alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC_RESOURCE,
          name: topic,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value }))
        }
      ]
    });
  }
  async deleteTopics(names) {
    const topics = [...names];
    if (topics.length > 0) await (await this.ready()).deleteTopics({ topics });
  }
  /** Per partition: the offset of the next record to be written (high watermark). */
  async endOffsets(topic) {
    return this.watermarks(topic, "high");
  }
  /** Per partition: the oldest offset still retained (log start). */
  async startOffsets(topic) {
    return this.watermarks(topic, "low");
  }
  async watermarks(topic, which) {
    const offsets = await (await this.ready()).fetchTopicOffsets(topic);
    const out = /* @__PURE__ */ new Map();
    for (const entry of offsets) out.set(Partition.of(topic, entry.partition), Number(entry[which]));
    return out;
  }
  /** The group's committed offsets; partitions without a commit are absent. */
  async committedOffsets(groupId, topics) {
    const names = [...topics];
    const out = /* @__PURE__ */ new Map();
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
  async groupTopics(groupId) {
    const response = await (await this.ready()).fetchOffsets({ groupId });
    return response.filter(({ partitions }) => partitions.some((entry) => Number(entry.offset) >= 0)).map(({ topic }) => topic).sort();
  }
  /** Lag of a group on its topics, every partition listed, in (topic, index) order. */
  async lag(groupId, topics) {
    const names = [...topics];
    const committed = await this.committedOffsets(groupId, names);
    const rows = [];
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
  async describeGroup(groupId) {
    const { groups } = await (await this.ready()).describeGroups([groupId]);
    const group = groups.find((g) => g.groupId === groupId);
    if (!group) return { state: "Dead", members: [] };
    return {
      state: group.state,
      members: group.members.map((member) => ({ memberId: member.memberId, clientId: member.clientId }))
    };
  }
  async close() {
    if (!this.connected) return;
    this.connected = null;
    await this.admin.disconnect();
  }
};
export {
  KafkaAdmin,
  topicConfigEntries
};
//# sourceMappingURL=kafka-admin.js.map
