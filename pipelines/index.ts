// The framework's public surface. Consumers build chains from these; nothing here knows
// about events.
export { ManualClock, realSleep, type Sleep, yieldToEventLoop } from "./clock.ts";
export {
  CommitPolicy,
  CommitPolicyState,
  commitPolicyFromOptions,
  IMMEDIATE,
  ONCE_PER_SECOND,
} from "./commit-policy.ts";
export {
  type DeadLetterConfig,
  DeadLetterQueue,
  type DeadLetterTopics,
  DLQ_HEADERS,
  DLQ_MAX_PENDING_PER_PARTITION,
  DLQ_REASON_DETAIL_MAX_BYTES,
  deadLetterConfig,
  deadLetterPayload,
} from "./dlq.ts";
export { DlqBuffer } from "./dlq-buffer.ts";
export { DLQ_RATIO_MIN_MESSAGES, type DlqLimit, DlqLimitState, dlqLimitFromOptions } from "./dlq-limit.ts";
export * from "./errors.ts";
export { StreamProcessor } from "./processor.ts";
export {
  DEFAULT_POLL_TIMEOUT_MS,
  type InputTopics,
  inputTopics,
  type StreamProcessorConfig,
  type StreamProcessorDeps,
  streamProcessorConfig,
} from "./processor-config.ts";
export {
  type BackoffPolicy,
  type BackoffRetry,
  backoffDelayMs,
  realWait,
  retryWhileUnavailable,
  type Wait,
} from "./retry.ts";
export * from "./strategies/index.ts";
export * from "./types.ts";
export { WorkerPool, type WorkerPoolOptions } from "./workers/pool.ts";
export type { WorkerTask } from "./workers/protocol.ts";
