// pipelines/index.ts
import { ManualClock, realSleep, yieldToEventLoop } from "./clock.js";
import {
  CommitPolicy,
  CommitPolicyState,
  commitPolicyFromOptions,
  IMMEDIATE,
  ONCE_PER_SECOND
} from "./commit-policy.js";
import {
  DeadLetterQueue,
  DLQ_HEADERS,
  DLQ_MAX_PENDING_PER_PARTITION,
  DLQ_REASON_DETAIL_MAX_BYTES,
  deadLetterConfig,
  deadLetterPayload
} from "./dlq.js";
import { DlqBuffer } from "./dlq-buffer.js";
import { DLQ_RATIO_MIN_MESSAGES, DlqLimitState, dlqLimitFromOptions } from "./dlq-limit.js";
export * from "./errors.js";
import { StreamProcessor } from "./processor.js";
import {
  DEFAULT_POLL_TIMEOUT_MS,
  inputTopics,
  streamProcessorConfig
} from "./processor-config.js";
import {
  backoffDelayMs,
  realWait,
  retryWhileUnavailable
} from "./retry.js";
export * from "./strategies/index.js";
export * from "./types.js";
import { WorkerPool } from "./workers/pool.js";
export {
  CommitPolicy,
  CommitPolicyState,
  DEFAULT_POLL_TIMEOUT_MS,
  DLQ_HEADERS,
  DLQ_MAX_PENDING_PER_PARTITION,
  DLQ_RATIO_MIN_MESSAGES,
  DLQ_REASON_DETAIL_MAX_BYTES,
  DeadLetterQueue,
  DlqBuffer,
  DlqLimitState,
  IMMEDIATE,
  ManualClock,
  ONCE_PER_SECOND,
  StreamProcessor,
  WorkerPool,
  backoffDelayMs,
  commitPolicyFromOptions,
  deadLetterConfig,
  deadLetterPayload,
  dlqLimitFromOptions,
  inputTopics,
  realSleep,
  realWait,
  retryWhileUnavailable,
  streamProcessorConfig,
  yieldToEventLoop
};
//# sourceMappingURL=index.js.map
