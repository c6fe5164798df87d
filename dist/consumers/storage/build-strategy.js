// consumers/storage/build-strategy.ts
import {
  AbortWhenStopped,
  CommitOffsets,
  Reduce,
  RunTask,
  RunTaskAsync
} from "../../pipelines/index.js";
import { decodeEventsRecord } from "./decode.js";
import { rowMappingConfig } from "./error-row.js";
import { BatchWriter } from "./insert-batch.js";
import { backoffPolicy } from "./retry.js";
function storageBatchLimits(settings, options) {
  return {
    maxRows: settings.maxBatchSize,
    maxBytes: options.storageMaxBatchBytes,
    maxBatchTimeMs: settings.maxBatchTimeMs
  };
}
function batchSlots(limits) {
  const rowsPerByte = limits.maxRows / limits.maxBytes;
  return (value) => Math.max(1, value.payload.source.payload.value.length * rowsPerByte);
}
var StorageStrategyFactory = class {
  constructor(context, deps) {
    this.context = context;
    this.deps = deps;
    const { options, settings, clock } = context;
    this.decodeConfig = { rowMapping: rowMappingConfig(options), now: clock ? () => clock.now() : void 0 };
    this.limits = storageBatchLimits(settings, options);
    this.deadLetterProducer = context.producerFactory(`${settings.name}-rejected-rows`);
  }
  context;
  deps;
  decodeConfig;
  limits;
  deadLetterProducer;
  shutdownSignal = new AbortController();
  createWithPartitions(commit, _partitions) {
    const { settings, options, metrics, logger, clock } = this.context;
    const stop = new AbortController();
    const writer = new BatchWriter({
      sink: this.deps.sink,
      deadLetters: { producer: this.deadLetterProducer, topics: settings.dlq },
      retry: backoffPolicy(options),
      signal: AbortSignal.any([stop.signal, this.shutdownSignal.signal]),
      consumer: settings.name,
      metrics,
      logger
    });
    const instrumentation = { metrics, consumer: settings.name, step: "storage-batch" };
    const commitStep = new CommitOffsets(commit, { clock, instrumentation });
    const write = new RunTaskAsync(
      (message) => writer.write(message.payload),
      commitStep,
      {
        concurrency: 1,
        maxPending: 1
      }
    );
    const batch = new Reduce(write, {
      maxBatchSize: this.limits.maxRows,
      maxBatchTimeMs: this.limits.maxBatchTimeMs,
      accumulator: (items, value) => {
        items.push(value.payload);
        return items;
      },
      initialValue: () => [],
      computeBatchSize: batchSlots(this.limits),
      clock,
      instrumentation
    });
    const decode = new RunTask((message) => {
      const value = message.value;
      if (value.kind !== "broker") throw new TypeError("the storage chain reads broker records only");
      return decodeEventsRecord(value, this.decodeConfig);
    }, batch);
    return new AbortWhenStopped(decode, stop);
  }
  async shutdown() {
    this.shutdownSignal.abort();
    await this.deadLetterProducer.close();
  }
};
function buildStorageStrategy(context, deps) {
  return new StorageStrategyFactory(context, deps);
}
export {
  batchSlots,
  buildStorageStrategy,
  storageBatchLimits
};
//# sourceMappingURL=build-strategy.js.map
