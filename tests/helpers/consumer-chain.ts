// A consumer's chain under a StreamProcessor, wired as consumers/runner.ts wires it (the
// settings' per-input dead-letter topics, the options' processor config), for the unit
// suites of each consumer. The poll timeout is 5 ms: the chains' asynchronous steps move on
// when the loop turns, and an idle in-memory consumer would otherwise hold each turn for
// the default second.
import type { Options } from "../../config/options.ts";
import type { ConsumerSettings } from "../../consumers/definition.ts";
import type { Consumer } from "../../consumers/types.ts";
import { type Logger, silentLogger } from "../../observability/logger.ts";
import { createMetrics, type Metrics } from "../../observability/metrics.ts";
import { createDeadLetterQueue } from "../../pipelines/dlq.ts";
import { StreamProcessor, streamProcessorConfig } from "../../pipelines/processor.ts";
import type { KafkaPayload, ProcessingStrategyFactory } from "../../pipelines/types.ts";
import type { ProducerFactory } from "../../producers/types.ts";

export const CHAIN_POLL_TIMEOUT_MS = 5;

export interface ChainSetup<C extends Consumer> {
  readonly consumer: C;
  readonly factory: ProcessingStrategyFactory<KafkaPayload>;
  readonly settings: ConsumerSettings;
  readonly options: Options;
  /** Where the dead letters are written (`${settings.name}-dlq` producer). */
  readonly dlqProducerFactory: ProducerFactory;
  readonly metrics?: Metrics;
  readonly logger?: Logger;
  /** Runs once the processor stopped, crashed or not (closing resources). */
  readonly afterStop?: () => Promise<void>;
}

export interface RunningChain<C extends Consumer> {
  readonly processor: StreamProcessor;
  readonly consumer: C;
  readonly metrics: Metrics;
  /** Settles when run() returns; rejects if the processor crashed. */
  readonly done: Promise<void>;
  /** Graceful stop (drain within the join timeout). */
  stop(): Promise<void>;
  /** Two signals: terminate without draining or committing, as a killed process would. */
  kill(): Promise<void>;
}

export function runChain<C extends Consumer>(setup: ChainSetup<C>): RunningChain<C> {
  const { settings, options } = setup;
  const metrics = setup.metrics ?? createMetrics();
  const logger = setup.logger ?? silentLogger();
  const processor = new StreamProcessor(
    {
      consumer: setup.consumer,
      factory: setup.factory,
      metrics,
      logger,
      dlq: createDeadLetterQueue({
        producerFactory: setup.dlqProducerFactory,
        options,
        topics: settings.dlq,
        consumer: settings.name,
        metrics,
        logger,
      }),
    },
    {
      ...streamProcessorConfig(options, { name: settings.name, topics: settings.inputs }),
      pollTimeoutMs: CHAIN_POLL_TIMEOUT_MS,
    },
  );
  const afterStop = setup.afterStop;
  const done = afterStop === undefined ? processor.run() : processor.run().finally(afterStop);
  // A crash is asserted through `done`; keep an unobserved one from failing the run twice.
  done.catch(() => {});
  return {
    processor,
    consumer: setup.consumer,
    metrics,
    done,
    async stop() {
      processor.signalShutdown();
      await done;
    },
    async kill() {
      processor.signalShutdown();
      processor.signalShutdown();
      await done;
    },
  };
}
