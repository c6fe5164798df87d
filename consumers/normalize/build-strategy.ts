import { OptionError, type Options } from "../../config/options.ts";
import {
  type Commit,
  CommitOffsets,
  type KafkaPayload,
  type Partition,
  type ProcessingStrategy,
  type ProcessingStrategyFactory,
  Produce,
  RunTaskAsync,
  RunTaskInWorkers,
  type Topic,
  WorkerPool,
  type WorkerTask,
} from "../../pipelines/index.ts";
import type { Producer } from "../../producers/types.ts";
import type { ConsumerContext, ConsumerSettings } from "../definition.ts";
import {
  type NormalizeCodecs,
  normalizeTaskSettings,
  normalizeWorkerTask,
  REGISTRY_RETRY,
  RecordNormalizer,
} from "./worker-task.ts";

// The normalize consumer's chain, top to bottom in the order data flows:
//
//   concurrency 1:  RunTaskAsync(normalize, one at a time)   on the main thread
//   concurrency n:  RunTaskInWorkers(normalizeInWorker)      batches on n worker threads
//                     decode the events-raw record (Avro) → parse the payload → Relay's store
//                     normalization → encode the events-normalized record (Avro); or an
//                     InvalidMessage with a reason of reasons.ts, which the processor
//                     dead-letters, in input order in both modes
//   Produce(events-normalized)   forwarded only once the broker acknowledged it
//   CommitOffsets
//
// The main-thread step is async only so that a writer schema the codec has not seen can be
// fetched from the registry (retried while the registry is away: backpressure, not a DLQ).
// Normalization has no state, so nothing else waits.

export interface NormalizeDeps {
  readonly codecs: NormalizeCodecs;
}

/** The main output of the normalize consumer in topology.yaml. */
export function outputTopic(settings: Pick<ConsumerSettings, "name" | "outputs">): Topic {
  const [normalized] = settings.outputs;
  if (normalized === undefined) {
    throw new RangeError(`consumer ${settings.name} needs an output topic (events-normalized)`);
  }
  return normalized;
}

/**
 * Worker threads inherit this process's environment but not its options, so they can only
 * use a registry URL that came from SCHEMA_REGISTRY_URL (see normalizeWorkerTask).
 */
function checkWorkerRegistry(options: Pick<Options, "schemaRegistryUrl">): void {
  const fromEnvironment = process.env.SCHEMA_REGISTRY_URL || undefined;
  if ((options.schemaRegistryUrl || undefined) !== fromEnvironment) {
    throw new OptionError(
      "schemaRegistryUrl",
      "SCHEMA_REGISTRY_URL",
      "normalize worker threads read the registry URL from the environment; set SCHEMA_REGISTRY_URL instead of overriding the option, or run with concurrency 1",
    );
  }
}

class NormalizeStrategyFactory implements ProcessingStrategyFactory<KafkaPayload> {
  private readonly producer: Producer;
  private readonly topic: Topic;
  private readonly pool: WorkerPool | undefined;
  private readonly task: WorkerTask | undefined;
  private readonly normalizer: RecordNormalizer;
  private readonly shutdownSignal = new AbortController();

  constructor(
    private readonly context: ConsumerContext,
    deps: NormalizeDeps,
  ) {
    const { settings, options, logger } = context;
    this.topic = outputTopic(settings);
    const taskSettings = normalizeTaskSettings(options);
    this.normalizer = new RecordNormalizer(deps.codecs, taskSettings, {
      ...REGISTRY_RETRY,
      signal: this.shutdownSignal.signal,
      onRetry: (error, attempt, delayMs) =>
        logger.warn({ attempt, delayMs, err: error }, "schema_registry.unavailable"),
    });
    if (settings.concurrency > 1) {
      checkWorkerRegistry(options);
      this.task = normalizeWorkerTask(taskSettings, options);
      this.pool = new WorkerPool({ threads: settings.concurrency });
    }
    this.producer = context.producerFactory(settings.name);
  }

  createWithPartitions(
    commit: Commit,
    _partitions: ReadonlyMap<Partition, number>,
  ): ProcessingStrategy<KafkaPayload> {
    const { settings, metrics, clock } = this.context;
    const instrumentation = { metrics, consumer: settings.name, step: "normalize" };
    const commitStep = new CommitOffsets(commit, { clock, instrumentation });
    const produce = new Produce(this.producer, this.topic, commitStep, {
      maxBufferSize: Math.max(1000, 4 * settings.maxBatchSize),
      instrumentation,
    });
    if (this.pool !== undefined && this.task !== undefined) {
      return new RunTaskInWorkers<KafkaPayload, KafkaPayload>(this.task, produce, {
        pool: this.pool,
        maxBatchSize: settings.maxBatchSize,
        maxBatchTimeMs: settings.maxBatchTimeMs,
        clock,
      });
    }
    return new RunTaskAsync<KafkaPayload, KafkaPayload>(
      (message) => {
        const value = message.value;
        if (value.kind !== "broker") throw new TypeError("the normalize chain reads broker records only");
        return this.normalizer.normalize(value);
      },
      produce,
      { concurrency: 1, maxPending: settings.maxBatchSize },
    );
  }

  async shutdown(): Promise<void> {
    this.shutdownSignal.abort();
    try {
      await this.pool?.close();
    } finally {
      await this.producer.close();
    }
  }
}

/** The normalize consumer's strategy factory (see the chain above). */
export function buildNormalizeStrategy(
  context: ConsumerContext,
  deps: NormalizeDeps,
): ProcessingStrategyFactory<KafkaPayload> {
  return new NormalizeStrategyFactory(context, deps);
}
