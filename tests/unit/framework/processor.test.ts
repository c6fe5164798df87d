import { describe, expect, it } from "vitest";
import { MemoryConsumer } from "../../../consumers/memory-consumer.ts";
import { CommitPolicy, IMMEDIATE } from "../../../pipelines/commit-policy.ts";
import { InvalidMessage, InvalidStateError } from "../../../pipelines/errors.ts";
import { Batch } from "../../../pipelines/strategies/batch.ts";
import { CommitOffsets } from "../../../pipelines/strategies/commit-offsets.ts";
import { type KafkaPayload, type Message, Partition } from "../../../pipelines/types.ts";
import { MemoryBroker } from "../../../producers/memory-broker.ts";
import { kafkaPayload, offsets, P0, P1, plainOffsets, text } from "./helpers.ts";
import { metricLines, processorHarness } from "./processor-harness.ts";
import { ScriptedConsumer } from "./scripted-consumer.ts";

describe("StreamProcessor lifecycle", () => {
  it("subscribes to its topic on construction", () => {
    const consumer = new ScriptedConsumer();
    processorHarness({ consumer });
    expect(consumer.calls).toEqual(["subscribe"]);
    expect(consumer.topics).toEqual(["test-topic"]);
  });

  it("runs idle iterations without a strategy", async () => {
    const consumer = new ScriptedConsumer();
    const { factory, processor } = processorHarness({ consumer });
    await processor.runOnce();
    await processor.runOnce();
    expect(factory.created).toEqual([]);
  });

  it("polls the strategy without submitting when no message arrived", async () => {
    const consumer = new ScriptedConsumer();
    const { factory, processor } = processorHarness({ consumer });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    await processor.runOnce();
    expect(factory.recording.calls.map((c) => c.kind)).toEqual(["poll"]);
  });

  it("submits a polled message exactly once", async () => {
    const consumer = new ScriptedConsumer();
    const { factory, processor } = processorHarness({ consumer });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    consumer.push(P0, 0, "hello");
    await processor.runOnce();
    await processor.runOnce();
    const step = factory.recording;
    expect(step.calls.map((c) => c.kind)).toEqual(["poll", "submit", "poll"]);
    expect(text(step.accepted[0] as Message<KafkaPayload>)).toBe("hello");
  });

  it("raises InvalidStateError for a message without an active strategy", async () => {
    const consumer = new ScriptedConsumer();
    const { processor } = processorHarness({ consumer });
    consumer.push(P0, 0);
    await expect(processor.runOnce()).rejects.toBeInstanceOf(InvalidStateError);
  });

  it("closes and recreates the strategy on reassignment, and closes it on revocation once", async () => {
    const consumer = new ScriptedConsumer();
    const { factory, processor } = processorHarness({ consumer });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    await processor.runOnce();
    consumer.assignOnNextPoll(offsets([P0, 0]));
    await processor.runOnce();
    expect(factory.created).toHaveLength(2);
    const first = factory.created[0]?.strategy as unknown as { calls: { kind: string }[] };
    expect(first.calls.map((c) => c.kind)).toEqual(["poll", "close", "join"]);
    consumer.revokeOnNextPoll([P0]);
    await processor.runOnce();
    consumer.revokeOnNextPoll([P0]);
    await processor.runOnce();
    expect(factory.recording.calls.map((c) => c.kind)).toEqual(["poll", "close", "join"]);
    expect(factory.created).toHaveLength(2);
  });

  it("creates the strategy for the union on incremental assignment and for what remains after a partial revocation", async () => {
    const consumer = new ScriptedConsumer();
    const { factory, processor } = processorHarness({ consumer });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    await processor.runOnce();
    consumer.assignOnNextPoll(offsets([P1, 5]));
    await processor.runOnce();
    consumer.revokeOnNextPoll([P0]);
    await processor.runOnce();
    consumer.revokeOnNextPoll([P1]);
    await processor.runOnce();
    expect(factory.created.map((c) => c.partitions)).toEqual([
      { "test-topic:0": 0 },
      { "test-topic:0": 0, "test-topic:1": 5 },
      { "test-topic:1": 5 },
    ]);
  });

  it("ends the iteration on an InvalidMessage from strategy.poll, then polls again and submits", async () => {
    const consumer = new ScriptedConsumer();
    const { factory, processor } = processorHarness({ consumer });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    await processor.runOnce();
    const step = factory.recording;
    const poll = step.poll.bind(step);
    let failOnce = true;
    step.poll = () => {
      poll();
      if (failOnce) {
        failOnce = false;
        throw new InvalidMessage(P0, 0, "bad");
      }
    };
    consumer.push(P0, 1);
    await processor.runOnce();
    expect(step.count("submit")).toBe(0);
    await processor.runOnce();
    expect(step.count("submit")).toBe(1);
  });

  it("keeps the pending message when an InvalidMessage names another offset, and submits it again", async () => {
    const consumer = new ScriptedConsumer();
    const { factory, processor } = processorHarness({ consumer });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    await processor.runOnce();
    const step = factory.recording;
    const submit = step.submit.bind(step);
    let failOnce = true;
    step.submit = (message) => {
      submit(message);
      if (failOnce) {
        failOnce = false;
        throw new InvalidMessage(P0, 0, "bad");
      }
    };
    consumer.push(P0, 1);
    await processor.runOnce();
    await processor.runOnce();
    const offsetsSubmitted = step.calls.flatMap((c) =>
      c.kind === "submit" && c.message.value.kind === "broker" ? [c.message.value.offset] : [],
    );
    expect(offsetsSubmitted).toEqual([1, 1]);
  });

  it("terminates the strategy, closes the consumer, shuts the factory down and rethrows when submit fails", async () => {
    const consumer = new ScriptedConsumer();
    const { factory, processor } = processorHarness({ consumer });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    await processor.runOnce();
    const step = factory.recording;
    step.submit = () => {
      throw new TypeError("strategy bug");
    };
    consumer.push(P0, 0);
    await expect(processor.run()).rejects.toBeInstanceOf(TypeError);
    expect(step.count("terminate")).toBe(1);
    expect(consumer.closed).toBe(true);
    expect(factory.shutdowns).toBe(1);
  });

  it("counts consumed messages, assigned partitions and rebalances", async () => {
    const consumer = new ScriptedConsumer();
    const { metrics, processor, clock } = processorHarness({ consumer });
    consumer.assignOnNextPoll(offsets([P0, 0], [P1, 0]));
    consumer.push(P0, 0);
    consumer.push(P1, 0);
    await processor.runOnce();
    await processor.runOnce();
    clock.advance(1000);
    await processor.runOnce();
    expect(await metricLines(metrics, "ingest_messages_consumed_total")).toEqual([
      'ingest_messages_consumed_total{consumer="test-consumer",topic="test-topic"} 2',
    ]);
    expect(await metricLines(metrics, "ingest_assigned_partitions_count")).toEqual([
      'ingest_assigned_partitions_count{consumer="test-consumer"} 2',
    ]);
    expect(await metricLines(metrics, "ingest_rebalances_total")).toEqual([
      'ingest_rebalances_total{consumer="test-consumer",kind="assign"} 1',
    ]);
  });
});

describe("StreamProcessor commit policy", () => {
  async function commitsFor(policy: CommitPolicy, offsetsIn: number[]): Promise<Record<string, number>[]> {
    const consumer = new ScriptedConsumer();
    const { processor } = processorHarness({
      consumer,
      commitPolicy: policy,
      build: (commit) => new CommitOffsets(commit),
    });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    const commits: Record<string, number>[] = [];
    for (const offset of offsetsIn) {
      consumer.push(P0, offset);
      await processor.runOnce();
      commits.push(...consumer.commits.splice(0).map(plainOffsets));
      commits.push({ after: offset });
    }
    return commits;
  }

  it("commits after the 2nd, 4th and 5th message with a count policy of 2 and offsets 0, 1, 2, 5, 10", async () => {
    expect(await commitsFor(new CommitPolicy(null, 2), [0, 1, 2, 5, 10])).toEqual([
      { after: 0 },
      { "test-topic:0": 2 },
      { after: 1 },
      { after: 2 },
      { "test-topic:0": 6 },
      { after: 5 },
      { "test-topic:0": 11 },
      { after: 10 },
    ]);
  });

  it("commits the very first message with IMMEDIATE", async () => {
    expect((await commitsFor(IMMEDIATE, [0])).slice(0, 1)).toEqual([{ "test-topic:0": 1 }]);
  });

  it("adds the deltas of every partition a commit carries", async () => {
    const consumer = new ScriptedConsumer();
    const { processor } = processorHarness({
      consumer,
      commitPolicy: new CommitPolicy(null, 3),
      build: (commit) => new Batch(new CommitOffsets(commit), { maxBatchSize: 2, maxBatchTimeMs: 60_000 }),
    });
    consumer.assignOnNextPoll(offsets([P0, 0], [P1, 0]));
    for (const [p, o] of [
      [P0, 0],
      [P1, 0],
      [P0, 1],
      [P1, 1],
    ] as const)
      consumer.push(p, o);
    await processor.runOnce();
    await processor.runOnce();
    expect(consumer.commits).toEqual([]);
    await processor.runOnce();
    await processor.runOnce();
    expect(consumer.commits.map(plainOffsets)).toEqual([{ "test-topic:0": 2, "test-topic:1": 2 }]);
  });

  it("commits staged offsets from an idle poll once two seconds have passed", async () => {
    const consumer = new ScriptedConsumer();
    const { processor, clock } = processorHarness({
      consumer,
      commitPolicy: new CommitPolicy(2000, null),
      build: (commit) => new CommitOffsets(commit),
    });
    consumer.assignOnNextPoll(offsets([P0, 0]));
    consumer.push(P0, 0);
    await processor.runOnce();
    clock.advance(1999);
    await processor.runOnce();
    expect(consumer.commits).toEqual([]);
    clock.advance(1);
    await processor.runOnce();
    expect(consumer.commits.map(plainOffsets)).toEqual([{ "test-topic:0": 1 }]);
  });

  it("commits through the in-memory broker and resumes the group from there", async () => {
    const broker = new MemoryBroker();
    broker.createTopic("test-topic", 1);
    for (let i = 0; i < 3; i++) broker.produce(P0, kafkaPayload(`m${i}`));
    const consumer = new MemoryConsumer(broker, "g");
    const { processor } = processorHarness({
      consumer,
      commitPolicy: IMMEDIATE,
      build: (c) => new CommitOffsets(c),
    });
    for (let i = 0; i < 4; i++) await processor.runOnce();
    expect(broker.committedOffset("g", Partition.of("test-topic", 0))).toBe(3);
  });
});
