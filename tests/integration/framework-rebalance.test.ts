import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../observability/logger.ts";
import { CommitOffsets, MessageRejected, Reduce, RunTask } from "../../pipelines/index.ts";
import type { KafkaPayload, Message } from "../../pipelines/types.ts";
import { createKafkaProducerFactory } from "../../producers/kafka-producer-factory.ts";
import {
  committedToEnd,
  GroupLedger,
  kafkaConsumer,
  ObservedConsumer,
  type RunningProcessor,
  startProcessor,
  strategyFactory,
  testOptions,
  waitFor,
} from "./support/framework.ts";
import { KafkaTestTopics, probeKafka, uniqueName } from "./support/kafka.ts";

// Two processors in one group: the second joins mid-stream and later leaves. Every record
// must be processed at least once; a record may be processed twice only if it was above
// the group's committed offset when its partition changed hands (the uncommitted window).

const logger = silentLogger();
let topics: KafkaTestTopics;

beforeAll(async () => {
  await probeKafka();
  topics = new KafkaTestTopics();
});

afterAll(async () => {
  await topics?.cleanup();
});

interface Processed {
  readonly member: string;
  readonly partition: string;
  readonly offset: number;
}

describe("rebalancing on Kafka", () => {
  it("processes every record at least once while a member joins and leaves mid-stream", async () => {
    const topic = await topics.create("rebalance", 4);
    const total = 24_000;
    const factory = createKafkaProducerFactory(testOptions(), { logger });
    try {
      const producer = factory("rebalance-test");
      await Promise.all(
        Array.from({ length: total }, (_, i) =>
          producer.produce(topic, { key: null, value: Buffer.from(String(i)), headers: [] }),
        ),
      );
    } finally {
      await factory.close();
    }

    const group = uniqueName("rebalance");
    const options = testOptions({ commitIntervalMs: 500 });
    const ledger = new GroupLedger();
    const processed: Processed[] = [];
    // About 2000 records a second per member: a throttle that refuses past its budget.
    const member = (name: string): RunningProcessor => {
      let windowStart = Date.now();
      let inWindow = 0;
      return startProcessor({
        name,
        topic,
        options,
        consumer: new ObservedConsumer(kafkaConsumer(group, options), name, ledger),
        factory: strategyFactory(
          (commit) =>
            new RunTask<KafkaPayload, number>(
              (message: Message<KafkaPayload>) => {
                const now = Date.now();
                if (now - windowStart >= 10) {
                  windowStart = now;
                  inWindow = 0;
                }
                if (inWindow >= 20) throw new MessageRejected();
                inWindow += 1;
                const value = message.value;
                if (value.kind === "broker") {
                  processed.push({ member: name, partition: value.partition.key, offset: value.offset });
                }
                return 1;
              },
              new Reduce<number, number>(new CommitOffsets(commit), {
                maxBatchSize: 200,
                maxBatchTimeMs: 300,
                accumulator: (n, v) => n + v.payload,
                initialValue: () => 0,
              }),
            ),
        ),
      });
    };

    const a = member("a");
    expect(await waitFor(() => processed.length >= 3000, 20_000)).toBe(true);
    const b = member("b");
    expect(await waitFor(() => processed.some((p) => p.member === "b"), 20_000)).toBe(true);
    expect(await waitFor(() => processed.filter((p) => p.member === "b").length >= 2000, 20_000)).toBe(true);
    await b.stop();
    const finished = await waitFor(() => committedToEnd(topics.admin, group, topic), 40_000);
    await a.stop();
    expect(finished).toBe(true);

    // At least once: every offset of every partition was processed.
    const end = await topics.admin.endOffsets(topic);
    const counts = new Map<string, number>();
    for (const p of processed)
      counts.set(`${p.partition}@${p.offset}`, (counts.get(`${p.partition}@${p.offset}`) ?? 0) + 1);
    for (const [p, endOffset] of end) {
      for (let offset = 0; offset < endOffset; offset++)
        expect(counts.get(`${p.key}@${offset}`) ?? 0).toBeGreaterThan(0);
    }
    // Both members really shared the work, through at least join + leave rebalances.
    expect(new Set(ledger.assignments.map((x) => x.member))).toEqual(new Set(["a", "b"]));
    expect(ledger.assignments.length).toBeGreaterThanOrEqual(3);
    // Each assignment started exactly at the group's last accepted commit (or 0): nothing
    // below a commit was redelivered and nothing above it skipped.
    for (const assignment of ledger.assignments) {
      for (const [p, start] of assignment.offsets) {
        expect({ partition: p.key, start }).toEqual({
          partition: p.key,
          start: assignment.committedBefore.get(p) ?? 0,
        });
      }
    }
    // Duplicates only inside an uncommitted window: a redelivered record lies at or above
    // the start offset its second owner was given.
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
    for (const key of duplicates) {
      const [partition, offsetText] = key.split("@") as [string, string];
      const offset = Number(offsetText);
      const starts = ledger.assignments.flatMap((x) =>
        [...x.offsets].filter(([p]) => p.key === partition).map(([, start]) => start),
      );
      expect(starts.some((start) => start <= offset)).toBe(true);
    }
    console.info(
      JSON.stringify({
        test: "rebalance",
        processed: processed.length,
        distinct: counts.size,
        duplicates: duplicates.length,
        assignments: ledger.assignments.length,
      }),
    );
  });
});
