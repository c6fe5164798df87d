import type { Clock, MessageValue, ProcessingStrategy } from "../types.ts";
import type { StepInstrumentation } from "./instrumentation.ts";
import { Reduce } from "./reduce.ts";
import { Unfold } from "./unfold.ts";

/** A batch of values, each keeping its own partition, offset or committable. */
export type ValuesBatch<T> = MessageValue<T>[];

export interface BatchOptions<T> {
  readonly maxBatchSize: number;
  readonly maxBatchTimeMs: number;
  /** Size of one value (e.g. payload bytes); 1 per message when absent. A value that
   *  overshoots the limit is still added and the batch flushes on the next poll. */
  readonly computeBatchSize?: (value: MessageValue<T>) => number;
  readonly clock?: Clock;
  readonly instrumentation?: StepInstrumentation;
}

/** Arroyo's BatchStep (§4.5): Reduce with a list of the values themselves. */
export class Batch<T> extends Reduce<T, ValuesBatch<T>> {
  constructor(next: ProcessingStrategy<ValuesBatch<T>>, options: BatchOptions<T>) {
    super(next, {
      maxBatchSize: options.maxBatchSize,
      maxBatchTimeMs: options.maxBatchTimeMs,
      accumulator: appendValue,
      initialValue: () => [],
      computeBatchSize: options.computeBatchSize,
      clock: options.clock,
      instrumentation: options.instrumentation,
    });
  }
}

function appendValue<T>(batch: ValuesBatch<T>, value: MessageValue<T>): ValuesBatch<T> {
  batch.push(value);
  return batch;
}

/**
 * Arroyo's UnbatchStep: each value of a batch goes on as its own message with its own
 * committable. (Arroyo's close polls instead of closing; ours closes.)
 */
export class Unbatch<T> extends Unfold<ValuesBatch<T>, T> {
  constructor(next: ProcessingStrategy<T>) {
    super((batch) => batch, next);
  }
}
