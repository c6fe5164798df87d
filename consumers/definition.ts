import type { Options } from "../config/options.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Clock, KafkaPayload, ProcessingStrategyFactory, Topic } from "../pipelines/types.ts";
import type { ProducerFactory } from "../producers/types.ts";

/**
 * The effective settings of one running consumer: topology.yaml's consumer entry, with the
 * options registry underneath and CLI flags on top, resolved once by the runner and logged
 * at start. Chains read these, never topology.yaml or flags directly.
 */
export interface ConsumerSettings {
  /** The consumer's name in topology.yaml: `relay-intake`, `normalize`, `grouping`, `storage`. */
  readonly name: string;
  readonly groupId: string;
  readonly inputs: ReadonlyArray<Topic>;
  /** Output topics in topology order; the first is the main one. */
  readonly outputs: ReadonlyArray<Topic>;
  /** Input topic → its dead-letter topic; empty when the DLQ is disabled. */
  readonly dlq: ReadonlyMap<Topic, Topic>;
  readonly maxBatchSize: number;
  readonly maxBatchTimeMs: number;
  /** Worker threads for CPU steps; 1 runs them in the main thread. */
  readonly concurrency: number;
}

/** What every chain receives; the resources specific to a consumer come in `deps`. */
export interface ConsumerContext {
  readonly settings: ConsumerSettings;
  readonly options: Options;
  readonly producerFactory: ProducerFactory;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** Which backing services a consumer's resources use. */
export type ResourceMode = "production" | "embedded";

/** Long-lived resources a consumer needs (Redis stores, a storage sink, ...) and how to release them. */
export interface OpenedResources<Deps> {
  readonly deps: Deps;
  close(): Promise<void>;
}

/**
 * One consumer as the registry knows it: how to open its resources for a mode and how to
 * build its strategy factory. `ingest consumer run NAME` and `ingest dev` both go through this.
 */
export interface ConsumerDefinition<Deps> {
  readonly name: string;
  openResources(context: ConsumerContext, mode: ResourceMode): Promise<OpenedResources<Deps>>;
  buildStrategy(context: ConsumerContext, deps: Deps): ProcessingStrategyFactory<KafkaPayload>;
}
