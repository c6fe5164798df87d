// consumers/grouping/build-strategy.ts
import {
  AbortWhenStopped,
  Batch,
  CommitOffsets,
  Produce,
  RunTask,
  RunTaskAsync,
  RunTaskInWorkers,
  systemClock,
  Unbatch,
  WorkerPool
} from "../../pipelines/index.js";
import { GroupAssigner } from "./assign.js";
import { prepareMessage } from "./prepare.js";
import { resolveRecord } from "./resolve.js";
import { retryPolicy } from "./state-retry.js";
var RESOLVE_CONCURRENCY = 64;
var WORKER_BATCH_SIZE = 64;
var WORKER_BATCH_TIME_MS = 50;
var WORKER_BATCHES_PER_THREAD = 4;
var PREPARE_TASK = {
  module: new URL("./prepare.js", import.meta.url).href,
  exportName: "prepareMessage"
};
function eventsTopic(settings) {
  const events = settings.outputs[0];
  if (events === void 0) {
    throw new RangeError(`consumer ${settings.name} needs an output topic (events), got none`);
  }
  return events;
}
var GroupingStrategyFactory = class {
  constructor(context, deps) {
    this.context = context;
    this.deps = deps;
    const { settings, producerFactory } = context;
    this.topic = eventsTopic(settings);
    this.producer = producerFactory(settings.name);
    this.pool = settings.concurrency > 1 ? new WorkerPool({ threads: settings.concurrency }) : void 0;
  }
  context;
  deps;
  producer;
  topic;
  pool;
  shutdownSignal = new AbortController();
  createWithPartitions(commit, _partitions) {
    const { settings, options, metrics, logger } = this.context;
    const clock = this.context.clock ?? systemClock;
    const consumer = settings.name;
    const stop = new AbortController();
    const retry = {
      policy: retryPolicy(options),
      signal: AbortSignal.any([stop.signal, this.shutdownSignal.signal]),
      onRetry: (operation, error, attempt, delayMs) => {
        metrics.stateRetries.inc({ consumer, operation });
        logger.warn({ operation, attempt, delayMs, err: error }, "state.unavailable");
      }
    };
    const assigner = new GroupAssigner({
      store: this.deps.store,
      environments: this.deps.environments,
      fence: this.deps.fence,
      retry,
      output: { defaultRetentionDays: options.defaultRetentionDays },
      onGroupsCreated: (count) => metrics.groupsCreated.inc({ consumer }, count)
    });
    const instrumentation = { metrics, consumer, step: "grouping-batch" };
    const commitStep = new CommitOffsets(commit, { clock, instrumentation });
    const produce = new Produce(this.producer, this.topic, commitStep, {
      maxBufferSize: Math.max(1e3, 4 * settings.maxBatchSize)
    });
    const unbatch = new Unbatch(produce);
    const assign = new RunTaskAsync(
      (message) => assigner.assignBatch(message.payload),
      unbatch,
      { concurrency: 1, maxPending: 1 }
    );
    const batch = new Batch(assign, {
      maxBatchSize: settings.maxBatchSize,
      maxBatchTimeMs: settings.maxBatchTimeMs,
      clock,
      instrumentation
    });
    const prepare = this.pool ? new RunTaskInWorkers(PREPARE_TASK, batch, {
      pool: this.pool,
      maxBatchSize: WORKER_BATCH_SIZE,
      maxBatchTimeMs: Math.min(WORKER_BATCH_TIME_MS, settings.maxBatchTimeMs),
      maxBatchesInFlight: this.pool.threads * WORKER_BATCHES_PER_THREAD,
      clock
    }) : new RunTask(prepareMessage, batch);
    const limits = { maxBytes: options.maxPayloadBytes, maxDepth: options.maxJsonDepth };
    const resolve = new RunTaskAsync(
      (message) => resolveRecord(message, {
        codec: this.deps.eventsNormalizedCodec,
        projects: this.deps.projects,
        limits,
        retry
      }),
      prepare,
      { concurrency: RESOLVE_CONCURRENCY, maxPending: Math.max(RESOLVE_CONCURRENCY, settings.maxBatchSize) }
    );
    return new AbortWhenStopped(resolve, stop);
  }
  async shutdown() {
    this.shutdownSignal.abort();
    await Promise.all([this.producer.close(), this.pool?.close()]);
  }
};
function buildGroupingStrategy(context, deps) {
  return new GroupingStrategyFactory(context, deps);
}
export {
  PREPARE_TASK,
  buildGroupingStrategy,
  eventsTopic
};
//# sourceMappingURL=build-strategy.js.map
