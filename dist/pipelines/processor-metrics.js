// pipelines/processor-metrics.ts
var TIMING_SAMPLE_EVERY = 64;
var ProcessorMetrics = class {
  constructor(metrics, consumer, topics) {
    this.metrics = metrics;
    this.consumer = consumer;
    this.labels = { consumer };
    this.topics = topics;
    this.consumedCounts = topics.map(() => 0);
    this.consumedCounters = topics.map((topic) => metrics.messagesConsumed.labels({ consumer, topic }));
    this.runsCounter = metrics.consumerRuns.labels(this.labels);
    this.pollTime = metrics.pollTime.labels(this.labels);
    this.processingTime = metrics.processingTime.labels({ consumer, step: "chain" });
  }
  metrics;
  consumer;
  runs = 0;
  labels;
  // Per input topic, in subscription order; the first topic is the common (only) case.
  topics;
  consumedCounts;
  consumedCounters;
  runsCounter;
  pollTime;
  processingTime;
  consumed(topic) {
    const index = topic === this.topics[0] ? 0 : this.topics.indexOf(topic);
    if (index >= 0) this.consumedCounts[index] = this.consumedCounts[index] + 1;
  }
  flush() {
    this.consumedCounts.forEach((count, i) => {
      if (count > 0) this.consumedCounters[i]?.inc(count);
      this.consumedCounts[i] = 0;
    });
    if (this.runs > 0) this.runsCounter.inc(this.runs);
    this.runs = 0;
  }
  samplePoll(ms) {
    this.pollTime.observe(ms / 1e3);
  }
  sampleProcessing(ms) {
    this.processingTime.observe(ms / 1e3);
  }
  backpressure(ms) {
    this.metrics.backpressureTime.inc(this.labels, ms / 1e3);
  }
  paused(partitions) {
    this.metrics.pausedPartitions.set(this.labels, partitions);
    this.metrics.consumerPauses.inc({ consumer: this.consumer, kind: partitions > 0 ? "pause" : "resume" });
  }
  assigned(partitions) {
    this.metrics.assignedPartitions.set(this.labels, partitions);
  }
  rebalance(kind) {
    this.metrics.rebalances.inc({ consumer: this.consumer, kind });
  }
  committed(ms) {
    this.metrics.commits.inc(this.labels);
    this.metrics.commitLatency.observe(this.labels, ms / 1e3);
  }
  invalid(reason) {
    this.metrics.messagesInvalid.inc({ consumer: this.consumer, reason });
  }
  stuck() {
    this.metrics.stuck.inc(this.labels);
  }
};
export {
  ProcessorMetrics,
  TIMING_SAMPLE_EVERY
};
//# sourceMappingURL=processor-metrics.js.map
