// consumers/normalize/build-strategy.ts
import { OptionError } from "../../config/options.js";
import {
  CommitOffsets,
  Produce,
  RunTaskAsync,
  RunTaskInWorkers,
  WorkerPool
} from "../../pipelines/index.js";
import {
  normalizeTaskSettings,
  normalizeWorkerTask,
  REGISTRY_RETRY,
  RecordNormalizer
} from "./worker-task.js";
function outputTopic(settings) {
  const [normalized] = settings.outputs;
  if (normalized === void 0) {
    throw new RangeError(`consumer ${settings.name} needs an output topic (events-normalized)`);
  }
  return normalized;
}
function checkWorkerRegistry(options) {
  const fromEnvironment = process.env.SCHEMA_REGISTRY_URL || void 0;
  if ((options.schemaRegistryUrl || void 0) !== fromEnvironment) {
    throw new OptionError(
      "schemaRegistryUrl",
      "SCHEMA_REGISTRY_URL",
      "normalize worker threads read the registry URL from the environment; set SCHEMA_REGISTRY_URL instead of overriding the option, or run with concurrency 1"
    );
  }
}
var NormalizeStrategyFactory = class {
  constructor(context, deps) {
    this.context = context;
    const { settings, options, logger } = context;
    this.topic = outputTopic(settings);
    const taskSettings = normalizeTaskSettings(options);
    this.normalizer = new RecordNormalizer(deps.codecs, taskSettings, {
      ...REGISTRY_RETRY,
      signal: this.shutdownSignal.signal,
      onRetry: (error, attempt, delayMs) => logger.warn({ attempt, delayMs, err: error }, "schema_registry.unavailable")
    });
    if (settings.concurrency > 1) {
      checkWorkerRegistry(options);
      this.task = normalizeWorkerTask(taskSettings, options);
      this.pool = new WorkerPool({ threads: settings.concurrency });
    }
    this.producer = context.producerFactory(settings.name);
  }
  context;
  producer;
  topic;
  pool;
  task;
  normalizer;
  shutdownSignal = new AbortController();
  createWithPartitions(commit, _partitions) {
    const { settings, metrics, clock } = this.context;
    const instrumentation = { metrics, consumer: settings.name, step: "normalize" };
    const commitStep = new CommitOffsets(commit, { clock, instrumentation });
    const produce = new Produce(this.producer, this.topic, commitStep, {
      maxBufferSize: Math.max(1e3, 4 * settings.maxBatchSize),
      instrumentation
    });
    if (this.pool !== void 0 && this.task !== void 0) {
      return new RunTaskInWorkers(this.task, produce, {
        pool: this.pool,
        maxBatchSize: settings.maxBatchSize,
        maxBatchTimeMs: settings.maxBatchTimeMs,
        clock
      });
    }
    return new RunTaskAsync(
      (message) => {
        const value = message.value;
        if (value.kind !== "broker") throw new TypeError("the normalize chain reads broker records only");
        return this.normalizer.normalize(value);
      },
      produce,
      { concurrency: 1, maxPending: settings.maxBatchSize }
    );
  }
  async shutdown() {
    this.shutdownSignal.abort();
    try {
      await this.pool?.close();
    } finally {
      await this.producer.close();
    }
  }
};
function buildNormalizeStrategy(context, deps) {
  return new NormalizeStrategyFactory(context, deps);
}
export {
  buildNormalizeStrategy,
  outputTopic
};
//# sourceMappingURL=build-strategy.js.map
