// A consumer process for framework-crash-restart.test.ts: RunTask (append "partition offset"
// to a file, the durable side effect) → Reduce(100) → CommitOffsets, throttled so the test
// can SIGKILL it mid-stream. Configured by environment: CRASH_TOPIC, CRASH_GROUP, CRASH_OUT.
// SIGTERM shuts it down gracefully (exit 0).
import { appendFileSync } from "node:fs";
import { loadOptions } from "../../../config/options.ts";
import { createLogger } from "../../../observability/logger.ts";
import { CommitOffsets, MessageRejected, Reduce, RunTask } from "../../../pipelines/index.ts";
import type { KafkaPayload, Message } from "../../../pipelines/types.ts";
import { kafkaConsumer, startProcessor, strategyFactory } from "./framework.ts";

const topic = process.env.CRASH_TOPIC;
const group = process.env.CRASH_GROUP;
const out = process.env.CRASH_OUT;
if (!topic || !group || !out) throw new Error("CRASH_TOPIC, CRASH_GROUP and CRASH_OUT are required");

const options = loadOptions(process.env, {
  kafkaSessionTimeoutMs: 6000,
  kafkaFetchMaxWaitMs: 100,
  commitIntervalMs: 200,
  joinTimeoutMs: 5000,
});
const logger = createLogger({ level: "warn", destination: "stderr" });
let windowStart = Date.now();
let inWindow = 0;

const running = startProcessor({
  name: "crash-consumer",
  topic,
  options,
  logger,
  consumer: kafkaConsumer(group, options, logger),
  factory: strategyFactory(
    (commit) =>
      new RunTask<KafkaPayload, number>(
        (message: Message<KafkaPayload>) => {
          // About 2000 records a second, so the parent can kill us mid-stream.
          const now = Date.now();
          if (now - windowStart >= 10) {
            windowStart = now;
            inWindow = 0;
          }
          if (inWindow >= 20) throw new MessageRejected();
          inWindow += 1;
          const value = message.value;
          if (value.kind === "broker") appendFileSync(out, `${value.partition.index} ${value.offset}\n`);
          return 1;
        },
        new Reduce<number, number>(new CommitOffsets(commit), {
          maxBatchSize: 100,
          maxBatchTimeMs: 200,
          accumulator: (n, v) => n + v.payload,
          initialValue: () => 0,
        }),
      ),
  ),
});

process.on("SIGTERM", () => running.processor.signalShutdown());
running.done.then(
  () => process.exit(0),
  (error: unknown) => {
    logger.error({ err: error }, "crash_consumer.failed");
    process.exit(1);
  },
);
