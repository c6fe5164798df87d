import { setMaxListeners } from "node:events";
import type { ProjectConfigSource } from "../../config/projects.ts";
import type { StateUnavailableError } from "../../config/redis.ts";
import {
  AbortWhenStopped,
  Batch,
  type Commit,
  CommitOffsets,
  type KafkaPayload,
  type Partition,
  type ProcessingStrategy,
  type ProcessingStrategyFactory,
  Produce,
  RunTaskAsync,
  systemClock,
  Unbatch,
  type ValuesBatch,
} from "../../pipelines/index.ts";
import type { Producer } from "../../producers/types.ts";
import type { EventRawRecord } from "../../schemas/avro/types.ts";
import type { Codec } from "../../schemas/codec.ts";
import { jsonCodec } from "../../schemas/codecs.ts";
import type { ConsumerContext, ConsumerSettings } from "../definition.ts";
import type { AttachmentStore } from "./attachment-store.ts";
import { AttachmentJoiner } from "./attachments.ts";
import type { ChunkStore } from "./chunk-store.ts";
import { intakeLimits, type ResolvedItem } from "./decode.ts";
import type { DedupeStore } from "./dedupe.ts";
import { BatchProcessor, type BatchTopics, type IntakeOutput } from "./process-batch.ts";
import { intakeRecord } from "./project-lookup.ts";
import { RoutingProducer } from "./routing.ts";
import { type StateRetry, stateRetryPolicy } from "./state-retry.ts";

// relay-intake's chain, top to bottom in the order data flows:
//
//   RunTaskAsync(record)         Relay msgpack → item, payload parsed and checked, project
//                                looked up (project-lookup.ts); or InvalidMessage
//   Batch(size|time)             one batch per round of Redis work
//   RunTaskAsync(batch, 1 at a time)   chunks stored, events claimed, attachments joined,
//                                outputs built (process-batch.ts)
//   Unbatch                      one message per input record, each with its own offset
//   Produce(routing)             events-raw / user-reports, forwarded only once acknowledged
//   CommitOffsets
//
// Ordering: every step emits in input order and the batch step runs one batch at a time,
// so a chunk is stored before any later record of its partition is processed.
// Backpressure during a Redis outage: the batch keeps retrying, the batch step (one batch
// running, one waiting) rejects the next, Batch fills and rejects, the per-record queue
// fills and rejects, and the processor holds the record and pauses the partitions.

export interface RelayIntakeDeps {
  readonly dedupe: DedupeStore;
  readonly chunks: ChunkStore;
  readonly attachments: AttachmentStore;
  readonly projects: ProjectConfigSource;
  readonly eventsRawCodec: Codec<EventRawRecord>;
}

/** Records in the per-record step at once; project sources cache, so most settle at once. */
const PER_RECORD_CONCURRENCY = 64;

/** `outputs` of relay-intake in topology.yaml: events-raw first, then user-reports. */
export function outputTopics(settings: Pick<ConsumerSettings, "name" | "outputs" | "dlq">): BatchTopics {
  const [eventsRaw, userReports] = settings.outputs;
  if (eventsRaw === undefined || userReports === undefined) {
    throw new RangeError(
      `consumer ${settings.name} needs two outputs (events-raw, user-reports), got ${JSON.stringify(settings.outputs)}`,
    );
  }
  return { eventsRaw, userReports, dlq: settings.dlq };
}

class RelayIntakeStrategyFactory implements ProcessingStrategyFactory<KafkaPayload> {
  private readonly producer: Producer;
  private readonly deadLetterProducer: Producer;
  private readonly topics: BatchTopics;
  private readonly shutdownSignal = new AbortController();

  constructor(
    private readonly context: ConsumerContext,
    private readonly deps: RelayIntakeDeps,
  ) {
    const { settings, producerFactory, metrics } = context;
    this.topics = outputTopics(settings);
    this.producer = new RoutingProducer(producerFactory(settings.name), metrics, settings.name);
    this.deadLetterProducer = producerFactory(`${settings.name}-attachment-dlq`);
  }

  createWithPartitions(
    commit: Commit,
    _partitions: ReadonlyMap<Partition, number>,
  ): ProcessingStrategy<KafkaPayload> {
    const { settings, options, metrics, logger } = this.context;
    const clock = this.context.clock ?? systemClock;
    const consumer = settings.name;
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, this.shutdownSignal.signal]);
    // Every task waiting out an outage listens on it: one per record in flight, plus the batch.
    setMaxListeners(PER_RECORD_CONCURRENCY + 8, signal);
    const retry: StateRetry = {
      policy: stateRetryPolicy(options),
      signal,
      onRetry: (operation: string, error: StateUnavailableError, attempt: number, delayMs: number) => {
        metrics.stateRetries.inc({ consumer, operation });
        logger.warn({ operation, attempt, delayMs, err: error }, "state.unavailable");
      },
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
      logger,
    });
    const instrumentation = { metrics, consumer, step: "intake-batch" };
    const commitStep = new CommitOffsets(commit, { clock, instrumentation });
    // Produce's destination is only a default: the routing producer sends each record to its own topic.
    const produce = new Produce(this.producer, this.topics.eventsRaw, commitStep, {
      maxBufferSize: Math.max(1000, 4 * settings.maxBatchSize),
    });
    const unbatch = new Unbatch<IntakeOutput>(produce);
    const processBatch = new RunTaskAsync<ValuesBatch<ResolvedItem>, ValuesBatch<IntakeOutput>>(
      (message) => processor.process(message.payload),
      unbatch,
      // One batch runs, one waits: Batch can fill a third while Redis answers for the first,
      // and batches still run strictly one after the other.
      { concurrency: 1, maxPending: 2 },
    );
    const batch = new Batch<ResolvedItem>(processBatch, {
      maxBatchSize: settings.maxBatchSize,
      maxBatchTimeMs: settings.maxBatchTimeMs,
      clock,
      instrumentation,
    });
    const perRecord = new RunTaskAsync<KafkaPayload, ResolvedItem>(
      (message) => {
        const value = message.value;
        if (value.kind !== "broker") throw new TypeError("the relay-intake chain reads broker records only");
        return intakeRecord(value, limits, this.deps.projects, retry);
      },
      batch,
      {
        concurrency: PER_RECORD_CONCURRENCY,
        maxPending: Math.max(PER_RECORD_CONCURRENCY, 2 * settings.maxBatchSize),
      },
    );
    return new AbortWhenStopped(perRecord, stop);
  }

  async shutdown(): Promise<void> {
    this.shutdownSignal.abort();
    await Promise.all([this.producer.close(), this.deadLetterProducer.close()]);
  }
}

/** The relay-intake strategy factory (see the chain above). */
export function buildRelayIntakeStrategy(
  context: ConsumerContext,
  deps: RelayIntakeDeps,
): ProcessingStrategyFactory<KafkaPayload> {
  return new RelayIntakeStrategyFactory(context, deps);
}
