import { closeSync, openSync } from "node:fs";
import type { Options } from "../config/options.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import { createDeadLetterQueue } from "../pipelines/dlq.ts";
import { StreamProcessor, streamProcessorConfig } from "../pipelines/processor.ts";
import type { Clock, KafkaPayload, ProcessingStrategyFactory } from "../pipelines/types.ts";
import type { ConsumerBackend } from "./backends.ts";
import type { ConsumerContext, ConsumerDefinition, ConsumerSettings, ResourceMode } from "./definition.ts";

const HEALTH_TOUCH_INTERVAL_MS = 1000;

export interface RunningConsumer {
  readonly settings: ConsumerSettings;
  readonly processor: StreamProcessor;
  /** Settles when the processing loop has ended (after a graceful shutdown, or with its crash). */
  readonly done: Promise<void>;
  /** First call drains and stops; a second call terminates at once. */
  shutdown(): void;
}

/**
 * Opens a consumer's resources, builds its chain and starts its processing loop: the one
 * path shared by `ingest consumer run` (Kafka) and `ingest dev` (in-memory broker).
 */
export async function startConsumer<Deps>(
  definition: ConsumerDefinition<Deps>,
  input: {
    readonly settings: ConsumerSettings;
    readonly options: Options;
    readonly backend: ConsumerBackend;
    readonly mode: ResourceMode;
    readonly metrics: Metrics;
    readonly logger: Logger;
    readonly clock?: Clock;
    /** Touched at most once a second while the loop is not stuck. */
    readonly healthcheckFile?: string;
  },
): Promise<RunningConsumer> {
  const { settings, options, backend, metrics } = input;
  const logger = input.logger.child({ consumer: settings.name });
  const context: ConsumerContext = {
    settings,
    options,
    producerFactory: backend.producerFactory,
    metrics,
    logger,
    ...(input.clock ? { clock: input.clock } : {}),
  };
  const resources = await definition.openResources(context, input.mode);
  const inner = definition.buildStrategy(context, resources.deps);
  const factory: ProcessingStrategyFactory<KafkaPayload> = {
    createWithPartitions: (commit, partitions) => inner.createWithPartitions(commit, partitions),
    shutdown: async () => {
      try {
        await inner.shutdown();
      } finally {
        await resources.close();
      }
    },
  };
  const consumer = backend.createConsumer(settings);
  const dlq =
    settings.dlq.size > 0
      ? createDeadLetterQueue({
          producerFactory: backend.producerFactory,
          options,
          topics: settings.dlq,
          consumer: settings.name,
          metrics,
          logger,
        })
      : undefined;
  const processor = new StreamProcessor(
    {
      consumer,
      factory,
      metrics,
      logger,
      ...(dlq ? { dlq } : {}),
      ...(input.clock ? { clock: input.clock } : {}),
    },
    streamProcessorConfig(options, { name: settings.name, topics: settings.inputs }),
  );

  let healthTimer: NodeJS.Timeout | undefined;
  if (input.healthcheckFile !== undefined) {
    const file = input.healthcheckFile;
    const touch = () => {
      // A stuck loop stops the touches, so a liveness probe that deletes the file and checks
      // it came back notices; an idle member with no partitions is healthy and keeps touching.
      if (processor.stuck) return;
      closeSync(openSync(file, "w"));
      metrics.healthcheckTouches.inc({ consumer: settings.name });
    };
    touch();
    healthTimer = setInterval(touch, HEALTH_TOUCH_INTERVAL_MS);
    healthTimer.unref();
  }

  logger.info(
    {
      groupId: settings.groupId,
      inputs: settings.inputs,
      outputs: settings.outputs,
      dlq: Object.fromEntries(settings.dlq),
      maxBatchSize: settings.maxBatchSize,
      maxBatchTimeMs: settings.maxBatchTimeMs,
      concurrency: settings.concurrency,
      backend: backend.kind,
      mode: input.mode,
    },
    "consumer.started",
  );
  const done = processor.run().finally(() => {
    if (healthTimer) clearInterval(healthTimer);
    logger.info("consumer.stopped");
  });
  return { settings, processor, done, shutdown: () => processor.signalShutdown() };
}
