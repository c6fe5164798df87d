import type { Metrics } from "../observability/metrics.ts";
import type { Topic } from "./types.ts";

/** Loop iterations between timed ones: timing every call would cost ~0.4 µs per message. */
export const TIMING_SAMPLE_EVERY = 64;

/**
 * The processor's metrics, with its per-message counters buffered and published about once
 * a second (Arroyo's MetricsBuffer, §3.8): a labelled prom-client call costs 0.2–0.3 µs,
 * a quarter of the framework's per-message budget. The poll and processing histograms
 * hold one call in TIMING_SAMPLE_EVERY (their counts are sample counts; the message count
 * is `ingest_messages_consumed_total`).
 */
export class ProcessorMetrics {
  runs = 0;
  private readonly labels: { readonly consumer: string };
  // Per input topic, in subscription order; the first topic is the common (only) case.
  private readonly topics: ReadonlyArray<Topic>;
  private readonly consumedCounts: number[];
  private readonly consumedCounters;
  private readonly runsCounter;
  private readonly pollTime;
  private readonly processingTime;

  constructor(
    readonly metrics: Metrics,
    readonly consumer: string,
    topics: ReadonlyArray<Topic>,
  ) {
    this.labels = { consumer };
    this.topics = topics;
    this.consumedCounts = topics.map(() => 0);
    this.consumedCounters = topics.map((topic) => metrics.messagesConsumed.labels({ consumer, topic }));
    this.runsCounter = metrics.consumerRuns.labels(this.labels);
    this.pollTime = metrics.pollTime.labels(this.labels);
    this.processingTime = metrics.processingTime.labels({ consumer, step: "chain" });
  }

  consumed(topic: Topic): void {
    const index = topic === this.topics[0] ? 0 : this.topics.indexOf(topic);
    if (index >= 0) this.consumedCounts[index] = (this.consumedCounts[index] as number) + 1;
  }

  flush(): void {
    this.consumedCounts.forEach((count, i) => {
      if (count > 0) this.consumedCounters[i]?.inc(count);
      this.consumedCounts[i] = 0;
    });
    if (this.runs > 0) this.runsCounter.inc(this.runs);
    this.runs = 0;
  }

  samplePoll(ms: number): void {
    this.pollTime.observe(ms / 1000);
  }

  sampleProcessing(ms: number): void {
    this.processingTime.observe(ms / 1000);
  }

  backpressure(ms: number): void {
    this.metrics.backpressureTime.inc(this.labels, ms / 1000);
  }

  paused(partitions: number): void {
    this.metrics.pausedPartitions.set(this.labels, partitions);
    this.metrics.consumerPauses.inc({ consumer: this.consumer, kind: partitions > 0 ? "pause" : "resume" });
  }

  assigned(partitions: number): void {
    this.metrics.assignedPartitions.set(this.labels, partitions);
  }

  rebalance(kind: "assign" | "revoke"): void {
    this.metrics.rebalances.inc({ consumer: this.consumer, kind });
  }

  committed(ms: number): void {
    this.metrics.commits.inc(this.labels);
    this.metrics.commitLatency.observe(this.labels, ms / 1000);
  }

  invalid(reason: string): void {
    this.metrics.messagesInvalid.inc({ consumer: this.consumer, reason });
  }

  stuck(): void {
    this.metrics.stuck.inc(this.labels);
  }
}
