// consumers/relay-intake/build-strategy.ts
import { setMaxListeners } from "node:events";
import {
  AbortWhenStopped,
  Batch,
  CommitOffsets,
  Produce,
  RunTaskAsync,
  systemClock,
  Unbatch
} from "../../pipelines/index.js";
import { jsonCodec } from "../../schemas/codecs.js";
import { AttachmentJoiner } from "./attachments.js";
import { intakeLimits } from "./decode.js";
import { BatchProcessor } from "./process-batch.js";
import { intakeRecord } from "./project-lookup.js";
import { RoutingProducer } from "./routing.js";
import { stateRetryPolicy } from "./state-retry.js";
var PER_RECORD_CONCURRENCY = 64;
function outputTopics(settings) {
  const [eventsRaw, userReports] = settings.outputs;
  if (eventsRaw === void 0 || userReports === void 0) {
    throw new RangeError(
      `consumer ${settings.name} needs two outputs (events-raw, user-reports), got ${JSON.stringify(settings.outputs)}`
    );
  }
  return { eventsRaw, userReports, dlq: settings.dlq };
}
var RelayIntakeStrategyFactory = class {
  constructor(context, deps) {
    this.context = context;
    this.deps = deps;
    const { settings, producerFactory, metrics } = context;
    this.topics = outputTopics(settings);
    this.producer = new RoutingProducer(producerFactory(settings.name), metrics, settings.name);
    this.deadLetterProducer = producerFactory(`${settings.name}-attachment-dlq`);
  }
  context;
  deps;
  producer;
  deadLetterProducer;
  topics;
  shutdownSignal = new AbortController();
  createWithPartitions(commit, _partitions) {
    const { settings, options, metrics, logger } = this.context;
    const clock = this.context.clock ?? systemClock;
    const consumer = settings.name;
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, this.shutdownSignal.signal]);
    setMaxListeners(PER_RECORD_CONCURRENCY + 8, signal);
    const retry = {
      policy: stateRetryPolicy(options),
      signal,
      onRetry: (operation, error, attempt, delayMs) => {
        metrics.stateRetries.inc({ consumer, operation });
        logger.warn({ operation, attempt, delayMs, err: error }, "state.unavailable");
      }
    };
    const limits = intakeLimits(options);
    const processor = new BatchProcessor({
      dedupe: this.deps.dedupe,
      chunks: this.deps.chunks,
      joiner: new AttachmentJoiner(this.deps.chunks, this.deps.attachments, limits),
      eventsRawCodec: this.deps.eventsRawCodec,
      userReportsCodec: jsonCodec(limits.payload),
      deadLetterProducer: this.deadLetterProducer,
      topics: this.topics,
      dedupeWindowSeconds: options.dedupeWindowSeconds,
      chunkTtlSeconds: options.attachmentChunkTtlSeconds,
      retry,
      clock,
      consumer,
      metrics,
      logger
    });
    const instrumentation = { metrics, consumer, step: "intake-batch" };
    const commitStep = new CommitOffsets(commit, { clock, instrumentation });
    const produce = new Produce(this.producer, this.topics.eventsRaw, commitStep, {
      maxBufferSize: Math.max(1e3, 4 * settings.maxBatchSize)
    });
    const unbatch = new Unbatch(produce);
    const processBatch = new RunTaskAsync(
      (message) => processor.process(message.payload),
      unbatch,
      // One batch runs, one waits: Batch can fill a third while Redis answers for the first,
      // and batches still run strictly one after the other.
      { concurrency: 1, maxPending: 2 }
    );
    const batch = new Batch(processBatch, {
      maxBatchSize: settings.maxBatchSize,
      maxBatchTimeMs: settings.maxBatchTimeMs,
      clock,
      instrumentation
    });
    const perRecord = new RunTaskAsync(
      (message) => {
        const value = message.value;
        if (value.kind !== "broker") throw new TypeError("the relay-intake chain reads broker records only");
        return intakeRecord(value, limits, this.deps.projects, retry);
      },
      batch,
      {
        concurrency: PER_RECORD_CONCURRENCY,
        maxPending: Math.max(PER_RECORD_CONCURRENCY, 2 * settings.maxBatchSize)
      }
    );
    return new AbortWhenStopped(perRecord, stop);
  }
  async shutdown() {
    this.shutdownSignal.abort();
    await Promise.all([this.producer.close(), this.deadLetterProducer.close()]);
  }
};
function buildRelayIntakeStrategy(context, deps) {
  return new RelayIntakeStrategyFactory(context, deps);
}
export {
  buildRelayIntakeStrategy,
  outputTopics
};
//# sourceMappingURL=build-strategy.js.map
