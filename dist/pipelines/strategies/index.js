// pipelines/strategies/index.ts
import { AbortWhenStopped } from "./abort-when-stopped.js";
import { Batch, Unbatch } from "./batch.js";
import { CommitOffsets } from "./commit-offsets.js";
import { Filter } from "./filter.js";
import { Healthcheck } from "./healthcheck.js";
import { BufferedCount } from "./instrumentation.js";
import { Noop } from "./noop.js";
import { DEFAULT_PRODUCE_BUFFER_SIZE, Produce, ProduceFailed } from "./produce.js";
import { Reduce } from "./reduce.js";
import { RunTask } from "./run-task.js";
import { RunTaskAsync } from "./run-task-async.js";
import { RunTaskInWorkers, WorkerTaskFailed } from "./run-task-in-workers.js";
import { Unfold } from "./unfold.js";
export {
  AbortWhenStopped,
  Batch,
  BufferedCount,
  CommitOffsets,
  DEFAULT_PRODUCE_BUFFER_SIZE,
  Filter,
  Healthcheck,
  Noop,
  Produce,
  ProduceFailed,
  Reduce,
  RunTask,
  RunTaskAsync,
  RunTaskInWorkers,
  Unbatch,
  Unfold,
  WorkerTaskFailed
};
//# sourceMappingURL=index.js.map
