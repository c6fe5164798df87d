import type { Options } from "../../../config/options.ts";
import { KafkaConsumer, kafkaConsumerConfig } from "../../../consumers/kafka-consumer.ts";
import type { Consumer, SubscribeCallbacks } from "../../../consumers/types.ts";
import { type Logger, silentLogger } from "../../../observability/logger.ts";
import { createMetrics, type Metrics } from "../../../observability/metrics.ts";
import { type DeadLetterQueue, StreamProcessor, streamProcessorConfig } from "../../../pipelines/index.ts";
import type {
  BrokerValue,
  Commit,
  KafkaPayload,
  Partition,
  ProcessingStrategy,
  ProcessingStrategyFactory,
  Topic,
} from "../../../pipelines/types.ts";
import type { KafkaAdmin } from "../../../producers/kafka-admin.ts";
import { kafkaClientConfig } from "../../../producers/kafka-client.ts";
import { kafkaOptions } from "./kafka.ts";

// Wiring for the framework suites: the real StreamProcessor over the real Kafka consumer,
// plus a consumer wrapper that records what the group did (assignments, successful
// commits) so the suites can check at-least-once against it.

export function testOptions(overrides: Partial<Options> = {}): Options {
  return {
    ...kafkaOptions,
    kafkaSessionTimeoutMs: 10_000,
    kafkaFetchMaxWaitMs: 100,
    commitIntervalMs: 200,
    joinTimeoutMs: 5000,
    ...overrides,
  };
}

export function kafkaConsumer(
  group: string,
  options: Options,
  logger: Logger = silentLogger(),
): KafkaConsumer {
  return new KafkaConsumer(kafkaConsumerConfig(options, group), {
    client: kafkaClientConfig(options),
    logger,
  });
}

/** A factory whose chains `build` makes; nothing long-lived to shut down. */
export function strategyFactory(
  build: (commit: Commit, partitions: ReadonlyMap<Partition, number>) => ProcessingStrategy<KafkaPayload>,
): ProcessingStrategyFactory<KafkaPayload> {
  return { createWithPartitions: build, shutdown: async () => {} };
}

export interface RunningProcessor {
  readonly processor: StreamProcessor;
  readonly metrics: Metrics;
  /** Settles when `run()` ends: resolved after a clean shutdown, rejected after a crash. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export function startProcessor(args: {
  readonly name: string;
  readonly topic: Topic;
  readonly consumer: Consumer;
  readonly factory: ProcessingStrategyFactory<KafkaPayload>;
  readonly options: Options;
  readonly dlq?: DeadLetterQueue;
  readonly logger?: Logger;
}): RunningProcessor {
  const metrics = createMetrics();
  const processor = new StreamProcessor(
    {
      consumer: args.consumer,
      factory: args.factory,
      metrics,
      logger: args.logger ?? silentLogger(),
      ...(args.dlq ? { dlq: args.dlq } : {}),
    },
    streamProcessorConfig(args.options, { name: args.name, topic: args.topic }),
  );
  const done = processor.run();
  // Keep an early crash from being reported as unhandled before the test awaits `done`.
  done.catch(() => {});
  return {
    processor,
    metrics,
    done,
    async stop() {
      processor.signalShutdown();
      await done;
    },
  };
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

/** True once the group's committed offsets reached the end of every partition of `topic`. */
export async function committedToEnd(admin: KafkaAdmin, group: string, topic: Topic): Promise<boolean> {
  const [end, committed] = await Promise.all([
    admin.endOffsets(topic),
    admin.committedOffsets(group, [topic]),
  ]);
  return [...end].every(([p, offset]) => (committed.get(p) ?? 0) === offset);
}

export interface Assignment {
  readonly member: string;
  readonly at: number;
  readonly offsets: ReadonlyMap<Partition, number>;
  /** The ledger's accepted commits when this assignment arrived. */
  readonly committedBefore: ReadonlyMap<Partition, number>;
}

/** What a group did, as seen by its members: assignments and accepted commits. */
export class GroupLedger {
  readonly assignments: Assignment[] = [];
  /** Highest accepted commit per partition, across members. */
  readonly committed = new Map<Partition, number>();
}

/**
 * Delegates to a real consumer and records in a ledger every assignment (with its start
 * offsets) and every commit the broker accepted.
 */
export class ObservedConsumer implements Consumer {
  constructor(
    private readonly inner: Consumer,
    readonly member: string,
    private readonly ledger: GroupLedger,
  ) {}

  get closed(): boolean {
    return this.inner.closed;
  }
  get memberId(): string {
    return this.inner.memberId;
  }

  subscribe(topics: ReadonlyArray<Topic>, callbacks: SubscribeCallbacks = {}): void {
    this.inner.subscribe(topics, {
      onAssign: (partitions) => {
        this.ledger.assignments.push({
          member: this.member,
          at: Date.now(),
          offsets: new Map(partitions),
          committedBefore: new Map(this.ledger.committed),
        });
        return callbacks.onAssign?.(partitions);
      },
      onRevoke: (partitions) => callbacks.onRevoke?.(partitions),
    });
  }
  unsubscribe(): void {
    this.inner.unsubscribe();
  }
  poll(timeoutMs?: number): Promise<BrokerValue<KafkaPayload> | null> {
    return this.inner.poll(timeoutMs);
  }
  pause(partitions: Iterable<Partition>): void {
    this.inner.pause(partitions);
  }
  resume(partitions: Iterable<Partition>): void {
    this.inner.resume(partitions);
  }
  paused(): Partition[] {
    return this.inner.paused();
  }
  tell(): Map<Partition, number> {
    return this.inner.tell();
  }
  seek(offsets: ReadonlyMap<Partition, number>): void {
    this.inner.seek(offsets);
  }
  stageOffsets(offsets: ReadonlyMap<Partition, number>): void {
    this.inner.stageOffsets(offsets);
  }
  async commitOffsets(): Promise<Map<Partition, number>> {
    const committed = await this.inner.commitOffsets();
    for (const [p, offset] of committed) {
      this.ledger.committed.set(p, Math.max(offset, this.ledger.committed.get(p) ?? 0));
    }
    return committed;
  }
  close(timeoutMs?: number): Promise<void> {
    return this.inner.close(timeoutMs);
  }
}
