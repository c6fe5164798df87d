// RunTaskInWorkers (2 worker threads) against RunTask on a CPU-heavy task, both run by the
// StreamProcessor over the in-memory broker. Prints msgs/s for each and a JSON line with
// ratio = workers ÷ RunTask (the speed-up; at most ~2 on 2 cores, less on a busy machine).
// Run: node --import tsx bench/workers.bench.ts
import { MemoryConsumer } from "../consumers/memory-consumer.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { ONCE_PER_SECOND } from "../pipelines/commit-policy.ts";
import { StreamProcessor } from "../pipelines/processor.ts";
import { CommitOffsets } from "../pipelines/strategies/commit-offsets.ts";
import { RunTask } from "../pipelines/strategies/run-task.ts";
import { RunTaskInWorkers } from "../pipelines/strategies/run-task-in-workers.ts";
import { type Commit, type KafkaPayload, Partition, type ProcessingStrategy } from "../pipelines/types.ts";
import { WorkerPool } from "../pipelines/workers/pool.ts";
import { MemoryBroker } from "../producers/memory-broker.ts";
import { benchRounds, report } from "./harness.ts";
import { heavy } from "./worker-task.ts";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const ROUNDS = benchRounds();
const THREADS = 2;
const TOPIC = "bench-cpu";
const TASK = { module: new URL("./worker-task.ts", import.meta.url).href, exportName: "heavy" };

type Head = (commit: Commit, counted: ProcessingStrategy<number>) => ProcessingStrategy<KafkaPayload>;

async function run(broker: MemoryBroker, group: string, head: Head): Promise<number> {
  let seen = 0;
  let processor: StreamProcessor | undefined;
  const factory = {
    createWithPartitions: (commit: Commit) =>
      head(
        commit,
        new RunTask<number, number>((m) => {
          if (++seen === MESSAGES) processor?.signalShutdown();
          return m.payload;
        }, new CommitOffsets(commit)),
      ),
    shutdown: async () => {},
  };
  processor = new StreamProcessor(
    {
      consumer: new MemoryConsumer(broker, group),
      factory,
      metrics: createMetrics(),
      logger: silentLogger(),
    },
    {
      name: "bench",
      topic: TOPIC,
      commitPolicy: ONCE_PER_SECOND,
      joinTimeoutMs: 60_000,
      backpressurePauseAfterMs: 1000,
      stuckThresholdMs: 0,
    },
  );
  const started = performance.now();
  await processor.run();
  const elapsed = performance.now() - started;
  if (broker.committedOffset(group, Partition.of(TOPIC, 0)) !== MESSAGES)
    throw new Error(`${group}: not all committed`);
  return elapsed;
}

const broker = new MemoryBroker();
broker.createTopic(TOPIC, 1);
const value = Buffer.from(JSON.stringify({ padding: "x".repeat(400) }));
for (let i = 0; i < MESSAGES; i++) broker.produce(TOPIC, { key: null, value, headers: [] });

const pool = new WorkerPool({ threads: THREADS });
const single: number[] = [];
const workers: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  single.push(await run(broker, `single-${round}`, (_c, next) => new RunTask(heavy, next)));
  workers.push(
    await run(
      broker,
      `workers-${round}`,
      (_c, next) =>
        new RunTaskInWorkers<KafkaPayload, number>(TASK, next, {
          pool,
          maxBatchSize: 100,
          maxBatchTimeMs: 50,
        }),
    ),
  );
  const s = single[round] as number;
  const w = workers[round] as number;
  console.log(
    `round ${round + 1}: RunTask ${Math.round((MESSAGES / s) * 1000)} msgs/s, workers ${Math.round((MESSAGES / w) * 1000)} msgs/s`,
  );
}
await pool.close();
const singleRate = (MESSAGES / Math.min(...single)) * 1000;
const workersRate = (MESSAGES / Math.min(...workers)) * 1000;
console.log(
  `RunTask: ${Math.round(singleRate)} msgs/s; RunTaskInWorkers(${THREADS}): ${Math.round(workersRate)} msgs/s`,
);
report({
  bench: "workers",
  metric: "msgs_per_sec",
  value: workersRate,
  unit: "msgs/s",
  baseline: singleRate,
  note: `RunTaskInWorkers with ${THREADS} threads vs RunTask; ratio = speed-up`,
});
