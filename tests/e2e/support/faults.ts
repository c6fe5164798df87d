import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ingest } from "../../integration/cli-support.ts";
import { seededRandom } from "./generator.ts";
import { CONSUMERS, type ConsumerName, type Pipeline } from "./pipeline.ts";
import { sleep } from "./supervisor.ts";

// The faults of the suite, each a function that injects one fault into a running pipeline
// and returns when the consumers it touched made progress again (committed past where
// they were when the fault began, or have nothing left to read). The time that takes is
// the fault's recovery time.

const exec = promisify(execFile);
const SERVICES = join(import.meta.dirname, "../../../scripts/services.sh");

export const FAULTS = [
  "sigkill",
  "kafka-restart",
  "clickhouse-stop",
  "redis-restart",
  "redis-restart-eager",
  "rebalance",
  "hostile",
] as const;
export type Fault = (typeof FAULTS)[number];

export async function services(action: "up" | "down" | "restart", service: string): Promise<void> {
  await exec("bash", [SERVICES, action, service], { timeout: 300_000, maxBuffer: 16 << 20 });
}

async function committed(pipeline: Pipeline, consumer: ConsumerName): Promise<number> {
  const offsets = await pipeline.admin.committedOffsets(
    pipeline.group(consumer),
    pipeline.inputsOf(consumer),
  );
  let sum = 0;
  for (const offset of offsets.values()) sum += Math.max(0, offset);
  return sum;
}

/**
 * Runs `inject`, then waits until each of `consumers` committed beyond what it had
 * committed before the fault (or has no lag left). Returns milliseconds from the start of
 * the fault to the last consumer's recovery.
 */
export async function measureRecovery(
  pipeline: Pipeline,
  consumers: ReadonlyArray<ConsumerName>,
  inject: () => Promise<void>,
  timeoutMs = 180_000,
): Promise<number> {
  const before = new Map<ConsumerName, number>();
  for (const consumer of consumers) before.set(consumer, await committed(pipeline, consumer));
  const started = Date.now();
  await inject();
  const pending = new Set(consumers);
  while (pending.size > 0) {
    for (const consumer of [...pending]) {
      // A broker still coming back fails these calls; they are asked again shortly.
      const now = await committed(pipeline, consumer).catch(() => -1);
      const lag = await pipeline.lag(consumer).catch(() => -1);
      if (now > (before.get(consumer) ?? 0) || lag === 0) pending.delete(consumer);
    }
    if (pending.size === 0) break;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`no progress of ${[...pending].join(", ")} within ${timeoutMs} ms of the fault`);
    }
    await sleep(500);
  }
  return Date.now() - started;
}

/** Fault 1: SIGKILL each consumer once at a random moment of a window, restart it at once. */
export async function sigkillEach(
  pipeline: Pipeline,
  seed: number,
  windowMs = 8000,
): Promise<Record<string, number>> {
  const random = seededRandom(seed);
  const out: Record<string, number> = {};
  await Promise.all(
    CONSUMERS.map(async (consumer) => {
      await sleep(Math.floor(random() * windowMs));
      out[`sigkill-${consumer}`] = await measureRecovery(pipeline, [consumer], async () => {
        const process = pipeline.supervisor.get(consumer);
        await process.kill();
        process.start();
        await process.waitForLine(/partitions\.assigned/);
      });
    }),
  );
  return out;
}

/**
 * Fault 2: restart the Kafka broker (every consumer loses its connections and group, the
 * Relay stand-in its producer connection). The broker is away for 15-45 s, longer than
 * kafkajs's own retries: producers send again while it is away, commits are deferred, and
 * kafkajs rejoins; no process may exit (a crashed `consumer run` exits, and shows up here).
 */
export async function restartKafka(pipeline: Pipeline): Promise<number> {
  return measureRecovery(pipeline, CONSUMERS, () => services("restart", "kafka"), 240_000);
}

/** Fault 3: ClickHouse down for `downMs`, then back. */
export async function stopClickHouse(pipeline: Pipeline, downMs = 20_000): Promise<number> {
  return measureRecovery(pipeline, ["storage"], async () => {
    await services("down", "clickhouse");
    await sleep(downMs);
    await services("up", "clickhouse");
  });
}

/**
 * Fault 4: restart Redis. services.sh runs Redis without persistence, so its data is gone:
 * the grouping state comes back from ClickHouse (`ingest groups rebuild --all`), and until
 * then the grouping consumer holds its batches (the state fence; a wiped Redis cannot
 * allocate a group id at all). The record is complete only once the storage consumer has
 * written every assignment grouping emitted before the loss, and the rebuild itself waits
 * for that (storage's lag on `events` at zero) before it reads ClickHouse. The plain fault
 * acts like a careful operator and also waits for storage before running the rebuild;
 * `eager` runs it the moment Redis is back, relying on the command's own wait.
 */
export async function restartRedis(pipeline: Pipeline, eager = false): Promise<number> {
  return measureRecovery(pipeline, ["relay-intake", "grouping"], async () => {
    await services("restart", "redis");
    if (!eager) {
      const deadline = Date.now() + 120_000;
      while ((await pipeline.lag("storage").catch(() => -1)) !== 0) {
        if (Date.now() > deadline) throw new Error("storage did not drain events while grouping was fenced");
        await sleep(500);
      }
    }
    const rebuilt = await ingest(["groups", "rebuild", "--all"], pipeline.env, 300_000);
    if (rebuilt.code !== 0) throw new Error(`groups rebuild failed (${rebuilt.code}): ${rebuilt.stderr}`);
  });
}

/** Fault 5: a second process joins one consumer's group, then leaves it (two rebalances). */
export async function rebalance(pipeline: Pipeline, consumer: ConsumerName): Promise<number> {
  const name = `${consumer}-second`;
  const second = pipeline.supervisor.processes.get(name) ?? pipeline.supervisor.add(name, consumer);
  return measureRecovery(pipeline, [consumer], async () => {
    second.start();
    await second.waitForLine(/partitions\.assigned/);
    await sleep(3000);
    const code = await second.stop();
    if (code !== 0) throw new Error(`${name} exited ${code} on SIGTERM:\n${second.tail()}`);
  });
}
