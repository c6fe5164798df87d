import { writeFileSync } from "node:fs";
import type { Options } from "../config/options.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import { createDeadLetterQueue } from "../pipelines/dlq.ts";
import { StreamProcessor, streamProcessorConfig } from "../pipelines/processor.ts";
import type { Clock, KafkaPayload, ProcessingStrategyFactory } from "../pipelines/types.ts";
import type { ConsumerBackend } from "./backends.ts";
import type { ConsumerContext, ConsumerDefinition, ConsumerSettings, ResourceMode } from "./definition.ts";
import { effectiveConsumerConfig } from "./settings.ts";

/** Arroyo's HEALTHCHECK_MAX_FREQUENCY_SEC: the health file is touched at most once a second. */
export const HEALTH_TOUCH_INTERVAL_MS = 1000;

export interface ConsumerHealth {
  readonly healthy: boolean;
  readonly detail?: string;
}

export interface RunningConsumer {
  readonly settings: ConsumerSettings;
  readonly processor: StreamProcessor;
  /** Settles when the processing loop has ended (after a graceful shutdown, or with its crash). */
  readonly done: Promise<void>;
  /** Healthy while the loop runs and is not stuck: what `/health` and the health file report. */
  health(): ConsumerHealth;
  /** First call drains and stops; a second call terminates at once. */
  shutdown(): void;
}

export interface StartConsumerInput {
  readonly settings: ConsumerSettings;
  readonly options: Options;
  readonly backend: ConsumerBackend;
  readonly mode: ResourceMode;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Touched at most once a second while the loop is not stuck; defaults to options.healthcheckFile. */
  readonly healthcheckFile?: string;
}

/**
 * Opens a consumer's resources, builds its chain and starts its processing loop: the one
 * path shared by `ingest consumer run` (Kafka) and `ingest dev` (in-memory broker).
 */
export async function startConsumer<Deps>(
  definition: ConsumerDefinition<Deps>,
  input: StartConsumerInput,
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
  let processor: StreamProcessor;
  try {
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
    processor = new StreamProcessor(
      {
        consumer: backend.createConsumer(settings),
        factory,
        metrics,
        // The processor names the consumer in its logs itself.
        logger: input.logger,
        ...(dlq ? { dlq } : {}),
        ...(input.clock ? { clock: input.clock } : {}),
      },
      streamProcessorConfig(options, { name: settings.name, topics: settings.inputs }),
    );
  } catch (error) {
    // Nothing runs yet, so nothing else will release what was opened.
    await resources.close();
    throw error;
  }

  let finished = false;
  const health = (): ConsumerHealth => {
    if (finished) return { healthy: false, detail: "the processing loop has ended" };
    if (processor.stuck) return { healthy: false, detail: "the processing loop is stuck" };
    return { healthy: true };
  };
  const background: Array<() => Promise<void>> = [];
  const healthcheckFile = input.healthcheckFile ?? options.healthcheckFile;
  if (healthcheckFile !== undefined) {
    background.push(startHealthFile(healthcheckFile, health, metrics, settings.name, logger));
  }
  if (backend.lag !== undefined && options.lagRefreshIntervalMs > 0) {
    background.push(startLagRefresh(backend.lag, settings, options.lagRefreshIntervalMs, metrics, logger));
  }

  logger.info(
    { ...effectiveConsumerConfig(settings, options), backend: backend.kind, mode: input.mode },
    "consumer.started",
  );
  const done = processor.run().finally(async () => {
    finished = true;
    await Promise.all(background.map((stop) => stop()));
    logger.info("consumer.stopped");
  });
  return { settings, processor, done, health, shutdown: () => processor.signalShutdown() };
}

/**
 * Touches `file` now and then once a second while `health` says so. A stuck loop stops
 * the touches, so a liveness probe that deletes the file and checks it came back notices;
 * a loop blocked in synchronous code stops them too, since this timer shares its thread.
 * An idle member with no partitions is healthy and keeps touching. Returns its stop.
 */
function startHealthFile(
  file: string,
  health: () => ConsumerHealth,
  metrics: Metrics,
  consumer: string,
  logger: Logger,
): () => Promise<void> {
  const touches = metrics.healthcheckTouches.labels({ consumer });
  let failing = false;
  const touch = () => {
    if (!health().healthy) return;
    try {
      writeFileSync(file, `${new Date().toISOString()}\n`);
      touches.inc();
      failing = false;
    } catch (error) {
      // An untouched file is exactly what the probe should see; log once per episode.
      if (!failing) logger.error({ err: error, file }, "healthcheck.touch_failed");
      failing = true;
    }
  };
  touch();
  const timer = setInterval(touch, HEALTH_TOUCH_INTERVAL_MS);
  timer.unref();
  return async () => clearInterval(timer);
}

/**
 * Refreshes `ingest_consumer_lag_messages` from the group's committed offsets against the
 * end offsets every `intervalMs` (never two refreshes at once). A failed refresh leaves
 * the last figures and is retried at the next tick: lag is for dashboards, not for the loop.
 * Returns its stop, which waits for a refresh in flight so none outlives the backend.
 */
function startLagRefresh(
  lag: NonNullable<ConsumerBackend["lag"]>,
  settings: ConsumerSettings,
  intervalMs: number,
  metrics: Metrics,
  logger: Logger,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const refresh = () => {
    if (running) return;
    running = lag(settings.groupId, settings.inputs)
      .then(
        (rows) => {
          for (const row of rows) {
            metrics.consumerLag.set(
              {
                consumer: settings.name,
                topic: row.partition.topic,
                partition: String(row.partition.index),
              },
              row.lag,
            );
          }
        },
        (error: unknown) => logger.warn({ err: error }, "consumer.lag_refresh_failed"),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(refresh, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
