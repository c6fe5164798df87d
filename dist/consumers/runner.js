// consumers/runner.ts
import { writeFileSync } from "node:fs";
import { createDeadLetterQueue } from "../pipelines/dlq.js";
import { StreamProcessor, streamProcessorConfig } from "../pipelines/processor.js";
import { effectiveConsumerConfig } from "./settings.js";
var HEALTH_TOUCH_INTERVAL_MS = 1e3;
async function startConsumer(definition, input) {
  const { settings, options, backend, metrics } = input;
  const logger = input.logger.child({ consumer: settings.name });
  const context = {
    settings,
    options,
    producerFactory: backend.producerFactory,
    metrics,
    logger,
    ...input.clock ? { clock: input.clock } : {}
  };
  const resources = await definition.openResources(context, input.mode);
  let processor;
  try {
    const inner = definition.buildStrategy(context, resources.deps);
    const factory = {
      createWithPartitions: (commit, partitions) => inner.createWithPartitions(commit, partitions),
      shutdown: async () => {
        try {
          await inner.shutdown();
        } finally {
          await resources.close();
        }
      }
    };
    const dlq = settings.dlq.size > 0 ? createDeadLetterQueue({
      producerFactory: backend.producerFactory,
      options,
      topics: settings.dlq,
      consumer: settings.name,
      metrics,
      logger
    }) : void 0;
    processor = new StreamProcessor(
      {
        consumer: backend.createConsumer(settings),
        factory,
        metrics,
        // The processor names the consumer in its logs itself.
        logger: input.logger,
        ...dlq ? { dlq } : {},
        ...input.clock ? { clock: input.clock } : {}
      },
      streamProcessorConfig(options, { name: settings.name, topics: settings.inputs })
    );
  } catch (error) {
    await resources.close();
    throw error;
  }
  let finished = false;
  const health = () => {
    if (finished) return { healthy: false, detail: "the processing loop has ended" };
    if (processor.stuck) return { healthy: false, detail: "the processing loop is stuck" };
    return { healthy: true };
  };
  const background = [];
  const healthcheckFile = input.healthcheckFile ?? options.healthcheckFile;
  if (healthcheckFile !== void 0) {
    background.push(startHealthFile(healthcheckFile, health, metrics, settings.name, logger));
  }
  if (backend.lag !== void 0 && options.lagRefreshIntervalMs > 0) {
    background.push(startLagRefresh(backend.lag, settings, options.lagRefreshIntervalMs, metrics, logger));
  }
  logger.info(
    { ...effectiveConsumerConfig(settings, options), backend: backend.kind, mode: input.mode },
    "consumer.started"
  );
  const done = processor.run().finally(async () => {
    finished = true;
    await Promise.all(background.map((stop) => stop()));
    logger.info("consumer.stopped");
  });
  return { settings, processor, done, health, shutdown: () => processor.signalShutdown() };
}
function startHealthFile(file, health, metrics, consumer, logger) {
  const touches = metrics.healthcheckTouches.labels({ consumer });
  let failing = false;
  const touch = () => {
    if (!health().healthy) return;
    try {
      writeFileSync(file, `${(/* @__PURE__ */ new Date()).toISOString()}
`);
      touches.inc();
      failing = false;
    } catch (error) {
      if (!failing) logger.error({ err: error, file }, "healthcheck.touch_failed");
      failing = true;
    }
  };
  touch();
  const timer = setInterval(touch, HEALTH_TOUCH_INTERVAL_MS);
  timer.unref();
  return async () => clearInterval(timer);
}
function startLagRefresh(lag, settings, intervalMs, metrics, logger) {
  let running = null;
  const refresh = () => {
    if (running) return;
    running = lag(settings.groupId, settings.inputs).then(
      (rows) => {
        for (const row of rows) {
          metrics.consumerLag.set(
            {
              consumer: settings.name,
              topic: row.partition.topic,
              partition: String(row.partition.index)
            },
            row.lag
          );
        }
      },
      (error) => logger.warn({ err: error }, "consumer.lag_refresh_failed")
    ).finally(() => {
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
export {
  HEALTH_TOUCH_INTERVAL_MS,
  startConsumer
};
//# sourceMappingURL=runner.js.map
