import { describe, expect, it } from "vitest";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { CommitOffsets } from "../../../pipelines/strategies/commit-offsets.ts";
import { Reduce } from "../../../pipelines/strategies/reduce.ts";
import { RunTask } from "../../../pipelines/strategies/run-task.ts";
import { type KafkaPayload, Partition } from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import { kafkaPayload } from "./helpers.ts";
import { processorHarness } from "./processor-harness.ts";

const P0 = Partition.of("test-topic", 0);
const P1 = Partition.of("test-topic", 1);

/** A member whose chain batches everything it sees until join, then commits it. */
function member(broker: MemoryBroker, seen: string[]) {
  const consumer = new MemoryConsumer(broker, "g");
  const harness = processorHarness({
    consumer,
    build: (commit) =>
      new RunTask<KafkaPayload, string>(
        (m) => {
          const value = m.payload.value.toString();
          seen.push(value);
          return value;
        },
        new Reduce<string, number>(new CommitOffsets(commit), {
          maxBatchSize: 1000,
          maxBatchTimeMs: 60_000,
          accumulator: (n) => n + 1,
          initialValue: () => 0,
        }),
      ),
  });
  return { consumer, ...harness };
}

describe("StreamProcessor rebalancing on the in-memory broker", () => {
  it("drains and commits the chain before revocation returns, then splits the partitions", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("test-topic", 2);
    for (let i = 0; i < 10; i++) {
      broker.produce(P0, kafkaPayload(`a${i}`));
      broker.produce(P1, kafkaPayload(`b${i}`));
    }
    const seenA: string[] = [];
    const seenB: string[] = [];
    const a = member(broker, seenA);
    for (let i = 0; i < 4; i++) await a.processor.runOnce();
    expect(broker.committedOffset("g", P0)).toBeUndefined();

    const b = member(broker, seenB);
    await b.processor.runOnce();
    expect(b.factory.created).toHaveLength(0);
    await a.processor.runOnce();
    // A's revocation joined its chain: the batch flushed and committed what A had seen.
    expect(broker.committedOffset("g", P0)).toBe(2);
    expect(broker.committedOffset("g", P1)).toBe(2);
    expect(a.factory.created.map((c) => c.partitions)).toEqual([
      { "test-topic:0": 0, "test-topic:1": 0 },
      { "test-topic:0": 2 },
    ]);

    for (let i = 0; i < 20; i++) {
      await a.processor.runOnce();
      await b.processor.runOnce();
    }
    expect(b.factory.created.map((c) => c.partitions)).toEqual([{ "test-topic:1": 2 }]);
    a.processor.signalShutdown();
    b.processor.signalShutdown();
    await Promise.all([a.processor.run(), b.processor.run()]);

    const all = [...seenA, ...seenB].sort();
    const expected = Array.from({ length: 10 }, (_, i) => [`a${i}`, `b${i}`])
      .flat()
      .sort();
    // Every record processed exactly once: nothing lost or repeated across the rebalance.
    expect(all).toEqual(expected);
    expect([broker.committedOffset("g", P0), broker.committedOffset("g", P1)]).toEqual([10, 10]);
  });
});
