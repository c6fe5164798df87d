import type { Options } from "../config/options.ts";
import type { Consumer } from "../consumers/types.ts";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Sleep } from "./clock.ts";
import { type CommitPolicy, commitPolicyFromOptions } from "./commit-policy.ts";
import type { DeadLetterQueue } from "./dlq.ts";
import type { Clock, KafkaPayload, ProcessingStrategyFactory, Topic } from "./types.ts";

/** Arroyo's consumer poll timeout in the loop (specs/arroyo.md appendix). */
export const DEFAULT_POLL_TIMEOUT_MS = 1000;

/** What the processor subscribes to: one topic (Arroyo's only form) or several. */
export type InputTopics = { readonly topic: Topic } | { readonly topics: ReadonlyArray<Topic> };

export function inputTopics(input: InputTopics): ReadonlyArray<Topic> {
  const topics = "topics" in input ? input.topics : [input.topic];
  if (topics.length === 0) throw new RangeError("a stream processor needs at least one input topic");
  return topics;
}

export type StreamProcessorConfig = InputTopics & {
  /** The consumer's name: metric label `consumer`, log field. */
  readonly name: string;
  readonly commitPolicy: CommitPolicy;
  /** Longest a revocation or shutdown waits for the chain to drain. */
  readonly joinTimeoutMs: number;
  /** Continuous backpressure after which all assigned partitions are paused. */
  readonly backpressurePauseAfterMs: number;
  /** A loop iteration older than this marks the processor stuck; 0 disables. */
  readonly stuckThresholdMs: number;
  readonly pollTimeoutMs?: number;
};

export function streamProcessorConfig(
  options: Pick<
    Options,
    "commitIntervalMs" | "joinTimeoutMs" | "backpressurePauseAfterMs" | "maxPollIntervalMs" | "pollTimeoutMs"
  >,
  consumer: { readonly name: string } & InputTopics,
): StreamProcessorConfig {
  return {
    name: consumer.name,
    topics: inputTopics(consumer),
    commitPolicy: commitPolicyFromOptions(options),
    joinTimeoutMs: options.joinTimeoutMs,
    backpressurePauseAfterMs: options.backpressurePauseAfterMs,
    stuckThresholdMs: options.maxPollIntervalMs,
    pollTimeoutMs: options.pollTimeoutMs,
  };
}

export interface StreamProcessorDeps {
  readonly consumer: Consumer;
  readonly factory: ProcessingStrategyFactory<KafkaPayload>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Dead-letter routing; without it invalid messages are logged, counted and skipped. */
  readonly dlq?: DeadLetterQueue;
  readonly clock?: Clock;
  /** How the loop waits while backpressured; tests pass ManualClock.sleep. */
  readonly sleep?: Sleep;
}
