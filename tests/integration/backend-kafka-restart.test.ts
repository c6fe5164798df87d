import { execFile } from "node:child_process";
import { join } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommitOffsets, Produce, RunTask } from "../../pipelines/index.ts";
import type { KafkaPayload, Message } from "../../pipelines/types.ts";
import { kafkaErrorType } from "../../producers/kafka-client.ts";
import { createKafkaProducerFactory } from "../../producers/kafka-producer-factory.ts";
import {
  committedToEnd,
  GroupLedger,
  kafkaConsumer,
  ObservedConsumer,
  startProcessor,
  strategyFactory,
  testOptions,
  waitFor,
} from "./support/framework.ts";
import { KafkaTestTopics, pollRecords, probeKafka, uniqueName } from "./support/kafka.ts";

// The broker goes down (for DOWN_MS) and comes back under a running chain: a feeder
// producing to `in` (the production producer, as Relay would), and a StreamProcessor on
// the production KafkaConsumer that copies each record to `out` through the production
// producer and commits. The broker is unreachable for about 20 s: longer than kafkajs's own
// retries for a commit or a produce. The chain must ride it out: no crash, the feeder's
// produces all acknowledged, every input record in `out`, and a record written twice only
// when it was redelivered from a later assignment's start offset (at-least-once after a
// rebalance the outage may cause), never more.
//
// This stops the broker of the stack it runs on (like the e2e fault suite): run it
// against a throwaway stack (`. /tmp/stack2/env.sh`) when others share the main one.

const exec = promisify(execFile);
const SERVICES = join(import.meta.dirname, "../../scripts/services.sh");
const TOTAL = 6000;
const PARTITIONS = 3;
/** Longer than kafkajs's retry budgets (about 10 s for a commit, less for a produce). */
const DOWN_MS = 15_000;
/** Warning events of the chain's logger (and kafkajs's, as `kafkajs.log`), by name. */
const events = new Map<string, number>();
const logger = pino(
  { level: "warn" },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) {
        if (line === "") continue;
        const event = (JSON.parse(line) as { msg?: string }).msg ?? "";
        events.set(event, (events.get(event) ?? 0) + 1);
      }
      done();
    },
  }),
);
let topics: KafkaTestTopics;

beforeAll(async () => {
  await probeKafka();
  topics = new KafkaTestTopics();
});

afterAll(async () => {
  // Whatever a failed run left down comes back for the suites after this one.
  await exec("bash", [SERVICES, "up", "kafka"], { timeout: 300_000 }).catch(() => {});
  await topics?.cleanup();
});

/**
 * Creates a topic; once more on a failure: right after a broker (re)start, kafkajs's wait
 * for the new topic's leaders can see UNKNOWN_TOPIC_OR_PARTITION, which it does not retry.
 */
async function createTopic(prefix: string): Promise<string> {
  try {
    return await topics.create(prefix, PARTITIONS);
  } catch (error) {
    if (kafkaErrorType(error) !== "UNKNOWN_TOPIC_OR_PARTITION") throw error;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return topics.create(prefix, PARTITIONS);
  }
}

/** `out` records carry their source as "partition offset seq". */
function sourceOf(value: Buffer): { key: string; partition: number; offset: number; seq: number } {
  const [partition, offset, seq] = value.toString().split(" ").map(Number) as [number, number, number];
  return { key: `${partition}/${offset}`, partition, offset, seq };
}

describe("a Kafka broker restart under a running chain", () => {
  it("resumes the chain with nothing lost and nothing duplicated beyond redelivery", async () => {
    const input = await createTopic("restart-in");
    const output = await createTopic("restart-out");
    const group = uniqueName("restart");
    const options = testOptions();
    const feederProducers = createKafkaProducerFactory(options, { logger });
    const chainProducers = createKafkaProducerFactory(options, { logger });
    const ledger = new GroupLedger();
    const consumer = new ObservedConsumer(kafkaConsumer(group, options, logger), "only", ledger);
    const copy = chainProducers("restart-copy");
    const running = startProcessor({
      name: "restart-chain",
      topic: input,
      options,
      logger,
      consumer,
      factory: strategyFactory(
        (commit) =>
          new RunTask<KafkaPayload, KafkaPayload>(
            (message: Message<KafkaPayload>) => {
              const value = message.value;
              const at = value.kind === "broker" ? `${value.partition.index} ${value.offset}` : "-1 -1";
              return { key: null, value: Buffer.from(`${at} ${message.payload.value}`), headers: [] };
            },
            new Produce(copy, output, new CommitOffsets(commit)),
          ),
      ),
    });
    let crashed: unknown;
    let stopped = false;
    running.done.catch((error: unknown) => {
      crashed = error;
    });

    // The feeder: bursts of 100 every 200 ms, waiting for each burst's acknowledgements.
    const feeder = feederProducers("restart-feeder");
    let acked = 0;
    const feederFailures: unknown[] = [];
    const feeding = (async () => {
      for (let seq = 0; seq < TOTAL; seq += 100) {
        const burst = Array.from({ length: Math.min(100, TOTAL - seq) }, (_, i) =>
          feeder
            .produce(input, {
              key: Buffer.from(String(seq + i)),
              value: Buffer.from(String(seq + i)),
              headers: [],
            })
            .then(
              () => {
                acked += 1;
              },
              (error: unknown) => {
                feederFailures.push(error);
              },
            ),
        );
        await Promise.all(burst);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    try {
      // The chain is running and has committed before the fault.
      expect(await waitFor(() => acked >= TOTAL / 4, 60_000)).toBe(true);
      expect(await waitFor(() => ledger.committed.size > 0, 30_000)).toBe(true);
      const committedBefore = [...ledger.committed.values()].reduce((a, b) => a + b, 0);

      const faultAt = Date.now();
      await exec("bash", [SERVICES, "down", "kafka"], { timeout: 300_000 });
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      await exec("bash", [SERVICES, "up", "kafka"], { timeout: 300_000 });
      const brokerBackMs = Date.now() - faultAt;
      // The chain commits again past where it was (progress, not just survival).
      const progressed = await waitFor(
        () => [...ledger.committed.values()].reduce((a, b) => a + b, 0) > committedBefore,
        90_000,
      );
      const recoveryMs = Date.now() - faultAt;
      expect(progressed).toBe(true);

      await feeding;
      expect(feederFailures).toEqual([]);
      expect(acked).toBe(TOTAL);
      expect(await waitFor(() => committedToEnd(topics.admin, group, input), 90_000)).toBe(true);
      expect(crashed).toBeUndefined();
      expect(running.processor.stuck).toBe(false);
      stopped = true;
      await running.stop();
      await Promise.all([feederProducers.close(), chainProducers.close()]);

      // Read all of `out` back with a fresh group.
      const ends = await topics.admin.endOffsets(output);
      const written = [...ends.values()].reduce((a, b) => a + b, 0);
      const reader = kafkaConsumer(
        uniqueName("restart-reader"),
        testOptions({ autoOffsetReset: "earliest" }),
      );
      reader.subscribe([output]);
      const records = await pollRecords(reader, written, 60_000);
      await reader.close();
      expect(records.length).toBe(written);

      const copies = new Map<string, number>();
      const seqs = new Set<number>();
      for (const record of records) {
        const source = sourceOf(record.payload.value);
        copies.set(source.key, (copies.get(source.key) ?? 0) + 1);
        seqs.add(source.seq);
      }
      // Nothing lost: every record of `in` was copied.
      const inputEnds = await topics.admin.endOffsets(input);
      expect([...inputEnds.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);
      const missing: string[] = [];
      for (const [p, end] of inputEnds) {
        for (let offset = 0; offset < end; offset++) {
          if (!copies.has(`${p.index}/${offset}`)) missing.push(`${p.index}/${offset}`);
        }
      }
      expect(missing.slice(0, 10), `${missing.length} records never copied`).toEqual([]);
      expect(seqs.size).toBe(TOTAL);

      // Duplicated only as redelivery: a record copied twice lies at or after the start
      // offset of a later assignment of its partition, and is copied at most once per
      // assignment (a producer resend written twice would break either).
      const starts = new Map<number, number[]>();
      for (const assignment of ledger.assignments) {
        for (const [p, offset] of assignment.offsets) {
          starts.set(p.index, [...(starts.get(p.index) ?? []), offset]);
        }
      }
      const beyondRedelivery: string[] = [];
      let duplicates = 0;
      for (const [key, count] of copies) {
        if (count === 1) continue;
        duplicates += count - 1;
        const [partition, offset] = key.split("/").map(Number) as [number, number];
        const later = (starts.get(partition) ?? []).slice(1).filter((start) => start <= offset);
        if (later.length === 0 || count > later.length + 1) beyondRedelivery.push(`${key}×${count}`);
      }
      expect(beyondRedelivery.slice(0, 10)).toEqual([]);
      // The outage outlasted kafkajs's own retries, so ours did the riding out.
      expect(events.get("kafka.producer.unavailable_retry") ?? 0).toBeGreaterThan(0);

      console.info(
        JSON.stringify({
          test: "kafka-restart",
          brokerBackMs,
          recoveryMs,
          copied: records.length,
          duplicates,
          assignments: ledger.assignments.length,
          warnings: Object.fromEntries(events),
          partitions: [...inputEnds.keys()].map((p) => p.key),
        }),
      );
    } finally {
      if (!stopped) running.processor.signalShutdown();
      await running.done.catch(() => undefined);
      await Promise.all([feederProducers.close(), chainProducers.close()]).catch(() => undefined);
    }
  }, 300_000);
});
