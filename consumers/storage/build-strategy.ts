import type { Options } from "../../config/options.ts";
import {
  AbortWhenStopped,
  type Commit,
  CommitOffsets,
  type KafkaPayload,
  type MessageValue,
  type Partition,
  type ProcessingStrategy,
  type ProcessingStrategyFactory,
  Reduce,
  RunTask,
  RunTaskAsync,
} from "../../pipelines/index.ts";
import type { Producer } from "../../producers/types.ts";
import type { ConsumerContext, ConsumerSettings } from "../definition.ts";
import { type DecodeConfig, decodeEventsRecord, type StorageItem } from "./decode.ts";
import { rowMappingConfig } from "./error-row.ts";
import { type BatchOutcome, BatchWriter } from "./insert-batch.ts";
import { backoffPolicy } from "./retry.ts";
import type { StorageSink } from "./sink.ts";

// The storage consumer's chain, top to bottom in the order data flows:
//
//   RunTask(decode)           `events` record → errors row + groups row, or InvalidMessage
//   Reduce(rows|bytes|time)   one batch per insert
//   RunTaskAsync(write)       one insert at a time; holds the batch while the store is down
//   CommitOffsets             the batch's offsets, only after the write resolved
//
// Backpressure during an outage: the write keeps retrying, RunTaskAsync (one pending batch)
// rejects the next one, Reduce fills up and rejects, RunTask carries one decoded message
// and rejects, and the processor pauses the partitions. Memory stays at about two batches.

export interface StorageDeps {
  readonly sink: StorageSink;
}

export interface StorageBatchLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
  readonly maxBatchTimeMs: number;
}

/**
 * Rows and time come from the consumer's settings (topology.yaml's maxBatchSize and
 * maxBatchTimeMs for `storage`, or the flags); bytes from `storageMaxBatchBytes`.
 */
export function storageBatchLimits(
  settings: Pick<ConsumerSettings, "maxBatchSize" | "maxBatchTimeMs">,
  options: Pick<Options, "storageMaxBatchBytes">,
): StorageBatchLimits {
  return {
    maxRows: settings.maxBatchSize,
    maxBytes: options.storageMaxBatchBytes,
    maxBatchTimeMs: settings.maxBatchTimeMs,
  };
}

/**
 * Reduce measures one size; rows and bytes become one by charging each message at least
 * one row slot and, if it is large, its share of the byte budget. A batch is full once
 * `maxRows` slots are used, so it never holds more than `maxRows` rows nor (past the
 * message that crosses it) more than `maxBytes` of payload. Bytes are the Kafka value's:
 * that is what the batch holds in memory, and the row's JSON is of the same order.
 */
export function batchSlots(limits: StorageBatchLimits): (value: MessageValue<StorageItem>) => number {
  const rowsPerByte = limits.maxRows / limits.maxBytes;
  return (value) => Math.max(1, value.payload.source.payload.value.length * rowsPerByte);
}

class StorageStrategyFactory implements ProcessingStrategyFactory<KafkaPayload> {
  private readonly decodeConfig: DecodeConfig;
  private readonly limits: StorageBatchLimits;
  private readonly deadLetterProducer: Producer;
  private readonly shutdownSignal = new AbortController();

  constructor(
    private readonly context: ConsumerContext,
    private readonly deps: StorageDeps,
  ) {
    const { options, settings, clock } = context;
    this.decodeConfig = { rowMapping: rowMappingConfig(options), now: clock ? () => clock.now() : undefined };
    this.limits = storageBatchLimits(settings, options);
    this.deadLetterProducer = context.producerFactory(`${settings.name}-rejected-rows`);
  }

  createWithPartitions(
    commit: Commit,
    _partitions: ReadonlyMap<Partition, number>,
  ): ProcessingStrategy<KafkaPayload> {
    const { settings, options, metrics, logger, clock } = this.context;
    const stop = new AbortController();
    const writer = new BatchWriter({
      sink: this.deps.sink,
      deadLetters: { producer: this.deadLetterProducer, topics: settings.dlq },
      retry: backoffPolicy(options),
      signal: AbortSignal.any([stop.signal, this.shutdownSignal.signal]),
      consumer: settings.name,
      metrics,
      logger,
    });
    const instrumentation = { metrics, consumer: settings.name, step: "storage-batch" };
    const commitStep = new CommitOffsets(commit, { clock, instrumentation });
    const write = new RunTaskAsync<StorageItem[], BatchOutcome>(
      (message) => writer.write(message.payload),
      commitStep,
      {
        concurrency: 1,
        maxPending: 1,
      },
    );
    const batch = new Reduce<StorageItem, StorageItem[]>(write, {
      maxBatchSize: this.limits.maxRows,
      maxBatchTimeMs: this.limits.maxBatchTimeMs,
      accumulator: (items, value) => {
        items.push(value.payload);
        return items;
      },
      initialValue: () => [],
      computeBatchSize: batchSlots(this.limits),
      clock,
      instrumentation,
    });
    const decode = new RunTask<KafkaPayload, StorageItem>((message) => {
      const value = message.value;
      if (value.kind !== "broker") throw new TypeError("the storage chain reads broker records only");
      return decodeEventsRecord(value, this.decodeConfig);
    }, batch);
    return new AbortWhenStopped(decode, stop);
  }

  async shutdown(): Promise<void> {
    this.shutdownSignal.abort();
    await this.deadLetterProducer.close();
  }
}

/** The storage consumer's strategy factory (see the chain above). */
export function buildStorageStrategy(
  context: ConsumerContext,
  deps: StorageDeps,
): ProcessingStrategyFactory<KafkaPayload> {
  return new StorageStrategyFactory(context, deps);
}
