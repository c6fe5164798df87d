import type { ProjectConfigSource } from "../../config/projects.ts";
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
  RunTask,
  RunTaskAsync,
  RunTaskInWorkers,
  systemClock,
  type Topic,
  Unbatch,
  type ValuesBatch,
  WorkerPool,
} from "../../pipelines/index.ts";
import type { Producer } from "../../producers/types.ts";
import type { EventNormalizedRecord } from "../../schemas/avro/types.ts";
import type { Codec } from "../../schemas/codec.ts";
import type { ConsumerContext, ConsumerSettings } from "../definition.ts";
import { GroupAssigner } from "./assign.ts";
import type { GroupEnvironmentStore } from "./group-environments.ts";
import type { GroupStore } from "./group-store.ts";
import { type PreparedEvent, prepareMessage, type ResolvedEvent } from "./prepare.ts";
import { resolveRecord } from "./resolve.ts";
import type { GroupingStateFence } from "./state-fence.ts";
import { type Retry, retryPolicy, type TransientError } from "./state-retry.ts";

// The grouping consumer's chain, top to bottom in the order data flows:
//
//   RunTaskAsync(resolve)        Avro record + project settings, or InvalidMessage
//                                (bad bytes, transaction/feedback, unknown project)
//   RunTask(prepare)             grouping hashes and save_event's changes to the event
//     or RunTaskInWorkers        (the CPU-heavy step) when concurrency > 1
//   Batch(size|time)             one batch per round of Redis work
//   RunTaskAsync(assign, 1 at a time)   groups resolved atomically in Redis, pipelined per
//                                batch; the `events` inserts built (assign.ts)
//   Unbatch                      one message per input record, each with its own offset
//   Produce(events)              forwarded only once the broker acknowledged it
//   CommitOffsets
//
// Every invalid record is refused before batching, where the processor can still name it
// for the DLQ. Backpressure during a Redis outage (or while the grouping state is lost and
// waits for `ingest groups rebuild`): the assign step keeps retrying its batch, rejects the
// next one, Batch fills and rejects, prepare holds one and rejects, the resolve queue
// fills and rejects, and the processor pauses the partitions. Nothing is dead-lettered and
// nothing commits past the held batch.

export interface GroupingDeps {
  readonly store: GroupStore;
  readonly environments: GroupEnvironmentStore;
  readonly fence: GroupingStateFence;
  readonly projects: ProjectConfigSource;
  readonly eventsNormalizedCodec: Codec<EventNormalizedRecord>;
}

/** Decodes and lookups in flight; the sources cache, so this bounds a cold start only. */
const RESOLVE_CONCURRENCY = 64;
/** Events per batch handed to a worker thread. */
const WORKER_BATCH_SIZE = 64;
const WORKER_BATCH_TIME_MS = 50;
// Enough queued per thread that a worker finishing a batch finds the next one waiting: an
// idle worker sleeps, and waking it costs a scheduler slice on a busy machine.
const WORKER_BATCHES_PER_THREAD = 4;

/** Module and export the worker threads run (prepare.ts is pure and structured-clone safe). */
export const PREPARE_TASK = {
  module: new URL("./prepare.ts", import.meta.url).href,
  exportName: "prepareMessage",
} as const;

/** `outputs` of grouping in topology.yaml: `events` first. */
export function eventsTopic(settings: Pick<ConsumerSettings, "name" | "outputs">): Topic {
  const events = settings.outputs[0];
  if (events === undefined) {
    throw new RangeError(`consumer ${settings.name} needs an output topic (events), got none`);
  }
  return events;
}

class GroupingStrategyFactory implements ProcessingStrategyFactory<KafkaPayload> {
  private readonly producer: Producer;
  private readonly topic: Topic;
  private readonly pool: WorkerPool | undefined;
  private readonly shutdownSignal = new AbortController();

  constructor(
    private readonly context: ConsumerContext,
    private readonly deps: GroupingDeps,
  ) {
    const { settings, producerFactory } = context;
    this.topic = eventsTopic(settings);
    this.producer = producerFactory(settings.name);
    this.pool = settings.concurrency > 1 ? new WorkerPool({ threads: settings.concurrency }) : undefined;
  }

  createWithPartitions(
    commit: Commit,
    _partitions: ReadonlyMap<Partition, number>,
  ): ProcessingStrategy<KafkaPayload> {
    const { settings, options, metrics, logger } = this.context;
    const clock = this.context.clock ?? systemClock;
    const consumer = settings.name;
    const stop = new AbortController();
    const retry: Retry = {
      policy: retryPolicy(options),
      signal: AbortSignal.any([stop.signal, this.shutdownSignal.signal]),
      onRetry: (operation: string, error: TransientError, attempt: number, delayMs: number) => {
        metrics.stateRetries.inc({ consumer, operation });
        logger.warn({ operation, attempt, delayMs, err: error }, "state.unavailable");
      },
    };
    const assigner = new GroupAssigner({
      store: this.deps.store,
      environments: this.deps.environments,
      fence: this.deps.fence,
      retry,
      output: { defaultRetentionDays: options.defaultRetentionDays },
      onGroupsCreated: (count) => metrics.groupsCreated.inc({ consumer }, count),
    });
    const instrumentation = { metrics, consumer, step: "grouping-batch" };

    const commitStep = new CommitOffsets(commit, { clock, instrumentation });
    const produce = new Produce(this.producer, this.topic, commitStep, {
      maxBufferSize: Math.max(1000, 4 * settings.maxBatchSize),
    });
    const unbatch = new Unbatch<KafkaPayload>(produce);
    const assign = new RunTaskAsync<ValuesBatch<PreparedEvent>, ValuesBatch<KafkaPayload>>(
      (message) => assigner.assignBatch(message.payload),
      unbatch,
      { concurrency: 1, maxPending: 1 },
    );
    const batch = new Batch<PreparedEvent>(assign, {
      maxBatchSize: settings.maxBatchSize,
      maxBatchTimeMs: settings.maxBatchTimeMs,
      clock,
      instrumentation,
    });
    const prepare: ProcessingStrategy<ResolvedEvent> = this.pool
      ? new RunTaskInWorkers<ResolvedEvent, PreparedEvent>(PREPARE_TASK, batch, {
          pool: this.pool,
          maxBatchSize: WORKER_BATCH_SIZE,
          maxBatchTimeMs: Math.min(WORKER_BATCH_TIME_MS, settings.maxBatchTimeMs),
          maxBatchesInFlight: this.pool.threads * WORKER_BATCHES_PER_THREAD,
          clock,
        })
      : new RunTask<ResolvedEvent, PreparedEvent>(prepareMessage, batch);
    const limits = { maxBytes: options.maxPayloadBytes, maxDepth: options.maxJsonDepth };
    const resolve = new RunTaskAsync<KafkaPayload, ResolvedEvent>(
      (message) =>
        resolveRecord(message, {
          codec: this.deps.eventsNormalizedCodec,
          projects: this.deps.projects,
          limits,
          retry,
        }),
      prepare,
      { concurrency: RESOLVE_CONCURRENCY, maxPending: Math.max(RESOLVE_CONCURRENCY, settings.maxBatchSize) },
    );
    return new AbortWhenStopped(resolve, stop);
  }

  async shutdown(): Promise<void> {
    this.shutdownSignal.abort();
    await Promise.all([this.producer.close(), this.pool?.close()]);
  }
}

/** The grouping consumer's strategy factory (see the chain above). */
export function buildGroupingStrategy(
  context: ConsumerContext,
  deps: GroupingDeps,
): ProcessingStrategyFactory<KafkaPayload> {
  return new GroupingStrategyFactory(context, deps);
}
