import type { Consumer } from "../../../consumers/types.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { createMetrics, type Metrics } from "../../../observability/metrics.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import { type CommitPolicy, ONCE_PER_SECOND } from "../../../pipelines/commit-policy.ts";
import type { DeadLetterQueue } from "../../../pipelines/dlq.ts";
import { StreamProcessor } from "../../../pipelines/processor.ts";
import type {
  Commit,
  KafkaPayload,
  Partition,
  ProcessingStrategy,
  ProcessingStrategyFactory,
} from "../../../pipelines/types.ts";
import { plainOffsets, RecordingStep } from "./helpers.ts";

export type ChainBuilder = (
  commit: Commit,
  partitions: ReadonlyMap<Partition, number>,
) => ProcessingStrategy<KafkaPayload>;

/** A factory that records what it built and for which partitions. */
export class TestFactory implements ProcessingStrategyFactory<KafkaPayload> {
  readonly created: Array<{
    partitions: Record<string, number>;
    strategy: ProcessingStrategy<KafkaPayload>;
  }> = [];
  shutdowns = 0;

  constructor(private readonly build: ChainBuilder = () => new RecordingStep<KafkaPayload>()) {}

  createWithPartitions(
    commit: Commit,
    partitions: ReadonlyMap<Partition, number>,
  ): ProcessingStrategy<KafkaPayload> {
    const strategy = this.build(commit, partitions);
    this.created.push({ partitions: plainOffsets(partitions), strategy });
    return strategy;
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }

  /** The last strategy built, as the RecordingStep the default builder makes. */
  get recording(): RecordingStep<KafkaPayload> {
    const last = this.created.at(-1)?.strategy;
    if (!(last instanceof RecordingStep)) throw new Error("no recording strategy was built");
    return last;
  }
}

export interface HarnessOptions {
  readonly consumer: Consumer;
  readonly build?: ChainBuilder;
  readonly commitPolicy?: CommitPolicy;
  readonly backpressurePauseAfterMs?: number;
  readonly joinTimeoutMs?: number;
  readonly stuckThresholdMs?: number;
  readonly dlq?: (metrics: Metrics) => DeadLetterQueue;
  readonly clock?: ManualClock;
  /** Input topics; default just "test-topic". */
  readonly topics?: ReadonlyArray<string>;
}

export function processorHarness(options: HarnessOptions) {
  const clock = options.clock ?? new ManualClock(1_000_000);
  const metrics = createMetrics();
  const factory = new TestFactory(options.build);
  const processor = new StreamProcessor(
    {
      consumer: options.consumer,
      factory,
      metrics,
      logger: silentLogger(),
      clock,
      sleep: clock.sleep,
      dlq: options.dlq?.(metrics),
    },
    {
      name: "test-consumer",
      topics: options.topics ?? ["test-topic"],
      commitPolicy: options.commitPolicy ?? ONCE_PER_SECOND,
      joinTimeoutMs: options.joinTimeoutMs ?? 1000,
      backpressurePauseAfterMs: options.backpressurePauseAfterMs ?? 5000,
      stuckThresholdMs: options.stuckThresholdMs ?? 0,
      pollTimeoutMs: 0,
    },
  );
  return { clock, metrics, factory, processor };
}

/** One metric's exposition lines, for assertions. */
export async function metricLines(metrics: Metrics, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split("\n").filter((line) => line.startsWith(name));
}
