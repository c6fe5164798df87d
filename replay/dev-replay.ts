import { setTimeout as sleep } from "node:timers/promises";
import { type DevPipeline, startDevPipeline } from "../cli/dev-pipeline.ts";
import { UsageError } from "../cli/usage.ts";
import type { Options } from "../config/options.ts";
import { createEventsNormalizedCodec } from "../consumers/grouping/definition.ts";
import { type IssueSummary, listIssues } from "../consumers/storage/queries.ts";
import type { Logger } from "../observability/logger.ts";
import { createMetrics, type Metrics } from "../observability/metrics.ts";
import type { Partition } from "../pipelines/types.ts";
import type { EventNormalizedRecord } from "../schemas/avro/types.ts";
import type { ReplayTarget } from "./feeder.ts";
import {
  applyOverride,
  GroupingComparer,
  type GroupingComparison,
  type GroupingOverride,
} from "./grouping-compare.ts";

// `ingest replay --into dev`: the whole pipeline in this process (startDevPipeline, with
// its HTTP intake on a free port), fed straight into its in-memory broker. Feeding pauses
// while the pipeline is more than `replayMaxBacklog` messages behind, so memory stays
// bounded and the progress bar means something; at the end it waits until every consumer
// committed everything, then reads what was stored.

/** How long a feeder waits before looking at the backlog again. */
const BACKLOG_POLL_MS = 5;
/** Issues printed per project in the summary. */
const ISSUES_SHOWN = 20;

export interface ProjectOutcome {
  readonly projectId: number;
  readonly slug: string;
  /** Stored events of the project (all runs that used this SQLite file). */
  readonly events: number;
  readonly issues: number;
  /** The most recently seen issues, at most ISSUES_SHOWN. */
  readonly top: ReadonlyArray<IssueSummary>;
}

export interface DevOutcome {
  readonly projects: ReadonlyArray<ProjectOutcome>;
  /** Dead letters written during this replay, by DLQ topic. */
  readonly deadLettered: Readonly<Record<string, number>>;
  /** Messages consumers dropped on purpose during this replay (duplicates, ...), by consumer and reason. */
  readonly filtered: Readonly<Record<string, number>>;
}

function endOffsets(pipeline: DevPipeline, topic: string): Map<Partition, number> {
  return new Map(pipeline.broker.partitionsOf(topic).map((p) => [p, pipeline.broker.endOffset(p)]));
}

export class DevReplay {
  private readonly dlqTopics: ReadonlyArray<string>;
  private readonly dlqStart = new Map<Partition, number>();
  private readonly normalizedStart: Map<Partition, number>;

  private constructor(
    readonly pipeline: DevPipeline,
    private readonly options: Options,
    private readonly metrics: Metrics,
  ) {
    this.dlqTopics = [...new Set(pipeline.consumers.flatMap((c) => [...c.settings.dlq.values()]))];
    for (const topic of this.dlqTopics)
      for (const [p, end] of endOffsets(pipeline, topic)) this.dlqStart.set(p, end);
    this.normalizedStart = endOffsets(pipeline, this.normalizedTopic());
  }

  /** Starts the dev pipeline (HTTP intake on a free port, SQLite at options.sqlitePath). */
  static async start(options: Options, logger: Logger): Promise<DevReplay> {
    const devOptions: Options = Object.freeze({ ...options, devPort: 0 });
    // Its own registry: the summary's counts are this replay's alone.
    const metrics = createMetrics();
    const pipeline = await startDevPipeline(devOptions, { logger, metrics });
    return new DevReplay(pipeline, devOptions, metrics);
  }

  /** Produces into `topic` of the dev broker; a topic the pipeline does not have is a usage error. */
  target(topic: string): ReplayTarget {
    const { broker } = this.pipeline;
    if (!broker.hasTopic(topic)) {
      throw new UsageError(
        `the dev pipeline has no topic ${topic}; it has ${broker.listTopics().join(", ")}`,
      );
    }
    return {
      description: `dev pipeline topic ${topic}`,
      send: async (payload) => {
        while (this.pipeline.backlog() >= this.options.replayMaxBacklog) await sleep(BACKLOG_POLL_MS);
        broker.produce(topic, payload);
      },
    };
  }

  async drain(): Promise<void> {
    await this.pipeline.waitUntilDrained(this.options.replayDrainTimeoutMs);
  }

  async outcome(): Promise<DevOutcome> {
    const projects: ProjectOutcome[] = [];
    for (const project of this.pipeline.projects.projects.values()) {
      const issues: IssueSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await listIssues(this.pipeline.storage, { projectId: project.id, limit: 100, cursor });
        issues.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      if (issues.length === 0) continue;
      projects.push({
        projectId: project.id,
        slug: project.slug,
        events: issues.reduce((sum, issue) => sum + Number(issue.count), 0),
        issues: issues.length,
        top: issues.slice(0, ISSUES_SHOWN),
      });
    }
    const deadLettered: Record<string, number> = {};
    for (const topic of this.dlqTopics) {
      let n = 0;
      for (const [p, end] of endOffsets(this.pipeline, topic)) n += end - (this.dlqStart.get(p) ?? 0);
      if (n > 0) deadLettered[topic] = n;
    }
    const filtered: Record<string, number> = {};
    for (const { labels, value } of (await this.metrics.messagesFiltered.get()).values) {
      if (value > 0) filtered[`${labels.consumer}/${labels.reason}`] = value;
    }
    return { projects, deadLettered, filtered };
  }

  /**
   * Groups the events normalized during this replay under each project's settings and under
   * the override, and compares the two partitions (see grouping-compare.ts).
   */
  async compareGrouping(override: GroupingOverride): Promise<GroupingComparison> {
    const codec = await createEventsNormalizedCodec(this.options);
    const comparer = new GroupingComparer();
    const { broker, projects } = this.pipeline;
    for (const [p, start] of this.normalizedStart) {
      for (const stored of broker.log(p).slice(start)) {
        const record: EventNormalizedRecord = await codec.decodeAsync(stored.payload.value);
        const project = projects.get(record.project_id);
        if (record.kind !== "event" || project === undefined) continue;
        const body = JSON.parse(record.payload) as Record<string, unknown>;
        comparer.add(record.project_id, record.event_id, body, project, applyOverride(project, override));
      }
    }
    return comparer.result();
  }

  async close(): Promise<void> {
    await this.pipeline.close();
  }

  private normalizedTopic(): string {
    const grouping = this.pipeline.consumers.find((c) => c.settings.name === "grouping");
    const topic = grouping?.settings.inputs[0];
    if (topic === undefined) throw new Error("the dev pipeline runs no grouping consumer");
    return topic;
  }
}
