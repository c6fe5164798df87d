// observability/metrics.ts
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
var SECONDS_BUCKETS = [5e-4, 1e-3, 25e-4, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
var SIZE_BUCKETS = [1, 10, 50, 100, 500, 1e3, 2500, 5e3, 1e4, 5e4];
function createMetrics(registry = new Registry()) {
  const r = [registry];
  return {
    registry,
    messagesConsumed: new Counter({
      name: "ingest_messages_consumed_total",
      help: "Messages polled from the broker.",
      labelNames: ["consumer", "topic"],
      registers: r
    }),
    messagesProduced: new Counter({
      name: "ingest_messages_produced_total",
      help: "Messages produced and acknowledged by the broker.",
      labelNames: ["consumer", "topic"],
      registers: r
    }),
    messagesDeadLettered: new Counter({
      name: "ingest_messages_dead_lettered_total",
      help: "Invalid messages routed to a dead-letter topic, by reason.",
      labelNames: ["consumer", "topic", "reason"],
      registers: r
    }),
    messagesFiltered: new Counter({
      name: "ingest_messages_filtered_total",
      help: "Messages dropped on purpose (duplicates, filtered), by reason.",
      labelNames: ["consumer", "reason"],
      registers: r
    }),
    processingTime: new Histogram({
      name: "ingest_processing_time_seconds",
      help: "Time spent in a processing step per call.",
      labelNames: ["consumer", "step"],
      buckets: SECONDS_BUCKETS,
      registers: r
    }),
    pollTime: new Histogram({
      name: "ingest_poll_time_seconds",
      help: "Time spent waiting in consumer poll.",
      labelNames: ["consumer"],
      buckets: SECONDS_BUCKETS,
      registers: r
    }),
    batchSize: new Histogram({
      name: "ingest_batch_size_messages",
      help: "Messages per flushed batch.",
      labelNames: ["consumer", "step"],
      buckets: SIZE_BUCKETS,
      registers: r
    }),
    batchTime: new Histogram({
      name: "ingest_batch_time_seconds",
      help: "Time a batch stayed open before it was flushed.",
      labelNames: ["consumer", "step"],
      buckets: SECONDS_BUCKETS,
      registers: r
    }),
    commitLatency: new Histogram({
      name: "ingest_commit_latency_seconds",
      help: "Time an offset commit took.",
      labelNames: ["consumer"],
      buckets: SECONDS_BUCKETS,
      registers: r
    }),
    commits: new Counter({
      name: "ingest_commits_total",
      help: "Offset commits sent.",
      labelNames: ["consumer"],
      registers: r
    }),
    backpressureTime: new Counter({
      name: "ingest_backpressure_seconds_total",
      help: "Time the processor spent holding a message the chain rejected.",
      labelNames: ["consumer"],
      registers: r
    }),
    pausedPartitions: new Gauge({
      name: "ingest_paused_partitions_count",
      help: "Partitions currently paused for backpressure.",
      labelNames: ["consumer"],
      registers: r
    }),
    assignedPartitions: new Gauge({
      name: "ingest_assigned_partitions_count",
      help: "Partitions currently assigned to this member.",
      labelNames: ["consumer"],
      registers: r
    }),
    rebalances: new Counter({
      name: "ingest_rebalances_total",
      help: "Assignments and revocations, by kind.",
      labelNames: ["consumer", "kind"],
      registers: r
    }),
    consumerLag: new Gauge({
      name: "ingest_consumer_lag_messages",
      help: "End offset minus committed offset, per partition.",
      labelNames: ["consumer", "topic", "partition"],
      registers: r
    }),
    stuck: new Counter({
      name: "ingest_consumer_stuck_total",
      help: "Times the processing loop was found stuck past the threshold.",
      labelNames: ["consumer"],
      registers: r
    }),
    healthcheckTouches: new Counter({
      name: "ingest_healthcheck_touches_total",
      help: "Health file touches.",
      labelNames: ["consumer"],
      registers: r
    }),
    storageInserts: new Counter({
      name: "ingest_storage_inserts_total",
      help: "Insert statements sent to the storage sink, by outcome.",
      labelNames: ["consumer", "table", "outcome"],
      registers: r
    }),
    storageRows: new Counter({
      name: "ingest_storage_rows_total",
      help: "Rows written to the storage sink.",
      labelNames: ["consumer", "table"],
      registers: r
    }),
    storageInsertTime: new Histogram({
      name: "ingest_storage_insert_time_seconds",
      help: "Time one insert statement took.",
      labelNames: ["consumer", "table"],
      buckets: SECONDS_BUCKETS,
      registers: r
    }),
    groupsCreated: new Counter({
      name: "ingest_groups_created_total",
      help: "New groups allocated by the grouping consumer.",
      labelNames: ["consumer"],
      registers: r
    }),
    duplicatesDropped: new Counter({
      name: "ingest_duplicates_dropped_total",
      help: "Events dropped as duplicates by (project, event id).",
      labelNames: ["consumer"],
      registers: r
    }),
    attachmentsJoined: new Counter({
      name: "ingest_attachments_joined_total",
      help: "Attachments whose chunks relay-intake joined, by outcome (stored, empty, rate_limited, missing_chunks, size_mismatch).",
      labelNames: ["consumer", "outcome"],
      registers: r
    }),
    stateRetries: new Counter({
      name: "ingest_state_retries_total",
      help: "Retries after the state store (Redis) was unavailable, by operation.",
      labelNames: ["consumer", "operation"],
      registers: r
    }),
    messagesInvalid: new Counter({
      name: "ingest_messages_invalid_total",
      help: "InvalidMessage raised by a step (dead-lettered, or skipped when there is no DLQ), by reason.",
      labelNames: ["consumer", "reason"],
      registers: r
    }),
    consumerLatency: new Histogram({
      name: "ingest_consumer_latency_seconds",
      help: "Broker timestamp of a message to its offsets reaching the commit step (sampled once a second).",
      labelNames: ["consumer"],
      buckets: SECONDS_BUCKETS,
      registers: r
    }),
    consumerRuns: new Counter({
      name: "ingest_consumer_runs_total",
      help: "Processing loop iterations (a stalled count with a live process means a stuck loop).",
      labelNames: ["consumer"],
      registers: r
    }),
    consumerPauses: new Counter({
      name: "ingest_consumer_pauses_total",
      help: "Times the processor paused its partitions (and resumed them), by kind.",
      labelNames: ["consumer", "kind"],
      registers: r
    }),
    devRequests: new Counter({
      name: "ingest_dev_requests_total",
      help: "Requests answered by the dev server, by endpoint and HTTP status.",
      labelNames: ["endpoint", "status"],
      registers: r
    }),
    devRequestsRejected: new Counter({
      name: "ingest_dev_requests_rejected_total",
      help: "Requests the dev server refused (4xx/5xx), by endpoint and reason code.",
      labelNames: ["endpoint", "reason"],
      registers: r
    }),
    devRequestTime: new Histogram({
      name: "ingest_dev_request_time_seconds",
      help: "Time from a request's arrival to its response, by endpoint.",
      labelNames: ["endpoint"],
      buckets: SECONDS_BUCKETS,
      registers: r
    }),
    devEnvelopeItems: new Counter({
      name: "ingest_dev_envelope_items_total",
      help: "Envelope items received by the dev server, by item type and outcome (produced or dropped).",
      labelNames: ["item_type", "outcome"],
      registers: r
    }),
    dlqBufferEvicted: new Counter({
      name: "ingest_dlq_buffer_evicted_total",
      help: "Raw records evicted from the bounded dead-letter buffer before they were known good.",
      labelNames: ["consumer"],
      registers: r
    }),
    dlqInvalidAfterRevoke: new Counter({
      name: "ingest_dlq_invalid_after_revoke_total",
      help: "InvalidMessages for a partition revoked meanwhile: not dead-lettered here, the new owner redelivers the record.",
      labelNames: ["consumer"],
      registers: r
    })
  };
}
var processMetrics;
function getProcessMetrics() {
  if (!processMetrics) {
    processMetrics = createMetrics();
    collectDefaultMetrics({ register: processMetrics.registry, prefix: "ingest_process_" });
  }
  return processMetrics;
}
export {
  createMetrics,
  getProcessMetrics
};
//# sourceMappingURL=metrics.js.map
