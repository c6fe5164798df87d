// replay/dev-replay.ts
import { setTimeout as sleep } from "node:timers/promises";
import { startDevPipeline } from "../cli/dev-pipeline.js";
import { UsageError } from "../cli/usage.js";
import { createEventsNormalizedCodec } from "../consumers/grouping/definition.js";
import { listIssues } from "../consumers/storage/queries.js";
import { createMetrics } from "../observability/metrics.js";
import {
  applyOverride,
  GroupingComparer
} from "./grouping-compare.js";
var BACKLOG_POLL_MS = 5;
var ISSUES_SHOWN = 20;
function endOffsets(pipeline, topic) {
  return new Map(pipeline.broker.partitionsOf(topic).map((p) => [p, pipeline.broker.endOffset(p)]));
}
var DevReplay = class _DevReplay {
  constructor(pipeline, options, metrics) {
    this.pipeline = pipeline;
    this.options = options;
    this.metrics = metrics;
    this.dlqTopics = [...new Set(pipeline.consumers.flatMap((c) => [...c.settings.dlq.values()]))];
    for (const topic of this.dlqTopics)
      for (const [p, end] of endOffsets(pipeline, topic)) this.dlqStart.set(p, end);
    this.normalizedStart = endOffsets(pipeline, this.normalizedTopic());
  }
  pipeline;
  options;
  metrics;
  dlqTopics;
  dlqStart = /* @__PURE__ */ new Map();
  normalizedStart;
  /** Starts the dev pipeline (HTTP intake on a free port, SQLite at options.sqlitePath). */
  static async start(options, logger) {
    const devOptions = Object.freeze({ ...options, devPort: 0 });
    const metrics = createMetrics();
    const pipeline = await startDevPipeline(devOptions, { logger, metrics });
    return new _DevReplay(pipeline, devOptions, metrics);
  }
  /** Produces into `topic` of the dev broker; a topic the pipeline does not have is a usage error. */
  target(topic) {
    const { broker } = this.pipeline;
    if (!broker.hasTopic(topic)) {
      throw new UsageError(
        `the dev pipeline has no topic ${topic}; it has ${broker.listTopics().join(", ")}`
      );
    }
    return {
      description: `dev pipeline topic ${topic}`,
      send: async (payload) => {
        while (this.pipeline.backlog() >= this.options.replayMaxBacklog) await sleep(BACKLOG_POLL_MS);
        broker.produce(topic, payload);
      }
    };
  }
  async drain() {
    await this.pipeline.waitUntilDrained(this.options.replayDrainTimeoutMs);
  }
  async outcome() {
    const projects = [];
    for (const project of this.pipeline.projects.projects.values()) {
      const issues = [];
      let cursor;
      do {
        const page = await listIssues(this.pipeline.storage, { projectId: project.id, limit: 100, cursor });
        issues.push(...page.items);
        cursor = page.nextCursor ?? void 0;
      } while (cursor !== void 0);
      if (issues.length === 0) continue;
      projects.push({
        projectId: project.id,
        slug: project.slug,
        events: issues.reduce((sum, issue) => sum + Number(issue.count), 0),
        issues: issues.length,
        top: issues.slice(0, ISSUES_SHOWN)
      });
    }
    const deadLettered = {};
    for (const topic of this.dlqTopics) {
      let n = 0;
      for (const [p, end] of endOffsets(this.pipeline, topic)) n += end - (this.dlqStart.get(p) ?? 0);
      if (n > 0) deadLettered[topic] = n;
    }
    const filtered = {};
    for (const { labels, value } of (await this.metrics.messagesFiltered.get()).values) {
      if (value > 0) filtered[`${labels.consumer}/${labels.reason}`] = value;
    }
    return { projects, deadLettered, filtered };
  }
  /**
   * Groups the events normalized during this replay under each project's settings and under
   * the override, and compares the two partitions (see grouping-compare.ts).
   */
  async compareGrouping(override) {
    const codec = await createEventsNormalizedCodec(this.options);
    const comparer = new GroupingComparer();
    const { broker, projects } = this.pipeline;
    for (const [p, start] of this.normalizedStart) {
      for (const stored of broker.log(p).slice(start)) {
        const record = await codec.decodeAsync(stored.payload.value);
        const project = projects.get(record.project_id);
        if (record.kind !== "event" || project === void 0) continue;
        const body = JSON.parse(record.payload);
        comparer.add(record.project_id, record.event_id, body, project, applyOverride(project, override));
      }
    }
    return comparer.result();
  }
  async close() {
    await this.pipeline.close();
  }
  normalizedTopic() {
    const grouping = this.pipeline.consumers.find((c) => c.settings.name === "grouping");
    const topic = grouping?.settings.inputs[0];
    if (topic === void 0) throw new Error("the dev pipeline runs no grouping consumer");
    return topic;
  }
};
export {
  DevReplay
};
//# sourceMappingURL=dev-replay.js.map
