import { afterEach, describe, expect, it } from "vitest";
import { MemoryGroupStore } from "../../../consumers/grouping/group-store-memory.ts";
import { mapInsertToRow, rowMappingConfig } from "../../../consumers/storage/error-row.ts";
import { mapGroupRow } from "../../../consumers/storage/group-row.ts";
import { Partition, systemClock } from "../../../pipelines/index.ts";
import { serializeEventStreamMessage } from "../../../schemas/eventstream/codec.ts";
import {
  committed,
  dlqRecords,
  eventId,
  FlakyGroupStore,
  fingerprintEvent,
  headersOf,
  INPUT,
  metricValue,
  newBroker,
  normalizedRecord,
  outputMessages,
  produceRecords,
  type RunningConsumer,
  startConsumer,
  TestFence,
  testDeps,
  testOptions,
  testSettings,
  waitFor,
} from "./harness.ts";

const running: RunningConsumer[] = [];

function start(...args: Parameters<typeof startConsumer>): RunningConsumer {
  const consumer = startConsumer(...args);
  running.push(consumer);
  return consumer;
}

afterEach(async () => {
  for (const consumer of running.splice(0)) await consumer.kill().catch(() => {});
});

const rowConfig = rowMappingConfig(testOptions());

describe("grouping chain", () => {
  it("emits one eventstream insert per event that the codec reads back and storage maps to a row", async () => {
    const broker = newBroker();
    const deps = await testDeps();
    const records = Array.from({ length: 40 }, (_, n) =>
      normalizedRecord(fingerprintEvent(n, `fp-${n % 4}`), 1),
    );
    await produceRecords(broker, records);
    const consumer = start(broker, deps);
    await waitFor(() => committed(broker) === 40);
    await consumer.stop();

    const out = outputMessages(broker);
    expect(out).toHaveLength(40);
    const groupOf = new Map<string, number>();
    out.forEach(({ message, payload }, offset) => {
      const { body } = message;
      expect(payload.key?.toString()).toBe("1");
      expect(headersOf(payload)).toMatchObject({
        operation: "insert",
        version: "2",
        queue: "post_process_errors",
      });
      expect(Number(headersOf(payload)["Received-Timestamp"])).toBe(body.data.received);
      // What we wrote is what the codec would write for the message it read.
      expect(serializeEventStreamMessage(message).equals(payload.value)).toBe(true);
      const fp = `fp-${offset % 4}`;
      const known = groupOf.get(fp);
      if (known === undefined) groupOf.set(fp, body.group_id);
      else expect(body.group_id).toBe(known);
      expect(body.event_id).toBe(eventId(offset));
      expect(body.organization_id).toBe(10);
      expect(body.group_ids).toEqual([body.group_id]);
      expect(body.primary_hash).toMatch(/^[0-9a-f]{32}$/);
      expect(body.data.hashes).toEqual([body.primary_hash]);
      expect(body.data.fingerprint).toEqual([fp]);
      expect(body.retention_days).toBe(90);
      const row = mapInsertToRow(body, {
        config: rowConfig,
        kafka: { partition: 0, offset, timestampMs: 0 },
      });
      expect(row.group_id).toBe(body.group_id);
      expect(row.message).toBe(`boom ${offset}`);
      expect(row.level).toBe("error");
      expect(mapGroupRow(body).hashes).toEqual([body.primary_hash]);
    });
    expect(new Set(groupOf.values()).size).toBe(4);
    const isNew = out.filter(({ message }) => (message.state as { is_new: boolean }).is_new);
    expect(isNew.map(({ message }) => message.body.event_id)).toEqual([0, 1, 2, 3].map(eventId));
    for (const groupId of groupOf.values())
      expect((await deps.store.getGroup(1, groupId))?.timesSeen).toBe(10);
    expect(dlqRecords(broker)).toHaveLength(0);
  });
});

describe("grouping chain: projects and dead letters", () => {
  it("gives equal fingerprints in two projects two groups", async () => {
    const broker = newBroker();
    const deps = await testDeps();
    const records = [1, 2, 1, 2].map((projectId, n) =>
      normalizedRecord(fingerprintEvent(n, "shared"), projectId),
    );
    await produceRecords(broker, records);
    const consumer = start(broker, deps);
    await waitFor(() => committed(broker) === 4);
    await consumer.stop();

    const bodies = outputMessages(broker).map(({ message }) => message.body);
    expect(bodies.map((b) => b.project_id)).toEqual([1, 2, 1, 2]);
    expect(bodies.map((b) => b.organization_id)).toEqual([10, 20, 10, 20]);
    expect(bodies[0]?.primary_hash).toBe(bodies[1]?.primary_hash);
    expect(bodies[0]?.group_id).not.toBe(bodies[1]?.group_id);
    expect(bodies[2]?.group_id).toBe(bodies[0]?.group_id);
    expect(bodies[3]?.group_id).toBe(bodies[1]?.group_id);
    expect(outputMessages(broker).map(({ payload }) => payload.key?.toString())).toEqual([
      "1",
      "2",
      "1",
      "2",
    ]);
    // Each project's group is only known in its own project.
    expect(await deps.store.getGroup(1, bodies[1]?.group_id as number)).toBeUndefined();
  });

  it("dead-letters events of unknown projects, transactions and undecodable records, and commits past them", async () => {
    const broker = newBroker();
    const deps = await testDeps();
    await produceRecords(broker, [
      normalizedRecord(fingerprintEvent(0, "a"), 1),
      normalizedRecord(fingerprintEvent(1, "a"), 999),
      { ...normalizedRecord(fingerprintEvent(2, "a"), 1), kind: "transaction" },
      normalizedRecord(fingerprintEvent(3, "a"), 1),
    ]);
    broker.produce(Partition.of(INPUT, 0), { key: null, value: Buffer.from("not avro"), headers: [] });
    const consumer = start(broker, deps);
    await waitFor(() => committed(broker) === 5);
    await consumer.stop();

    expect(outputMessages(broker).map(({ message }) => message.body.event_id)).toEqual([
      eventId(0),
      eventId(3),
    ]);
    const dlq = dlqRecords(broker);
    const reasons = dlq.map((record) => headersOf(record.payload).reason);
    expect(reasons).toEqual(["unknown-project", "unsupported-event-kind", "bad-magic-byte"]);
    expect(
      await metricValue(consumer.metrics, "ingest_messages_invalid_total", { reason: "unknown-project" }),
    ).toBe(1);
  });
});

describe("grouping chain: Redis trouble", () => {
  it("holds events while Redis is down (backpressure, no dead letters), then assigns each exactly once", async () => {
    const broker = newBroker();
    const store = new FlakyGroupStore();
    const deps = await testDeps({ store });
    store.down = true;
    const total = 400;
    await produceRecords(
      broker,
      Array.from({ length: total }, (_, n) => normalizedRecord(fingerprintEvent(n, `fp-${n % 7}`), 1)),
    );
    const consumer = start(broker, deps, { settings: testSettings({ maxBatchSize: 20 }) });
    await waitFor(() => store.failedCalls >= 5 && consumer.consumer.paused().length === 1);
    expect(outputMessages(broker)).toHaveLength(0);
    expect(dlqRecords(broker)).toHaveLength(0);
    expect(committed(broker)).toBeUndefined();
    expect(
      await metricValue(consumer.metrics, "ingest_state_retries_total", { operation: "assign" }),
    ).toBeGreaterThan(0);

    store.down = false;
    await waitFor(() => committed(broker) === total);
    await consumer.stop();
    const out = outputMessages(broker);
    expect(out.map(({ message }) => message.body.event_id)).toEqual(
      Array.from({ length: total }, (_, n) => eventId(n)),
    );
    const groups = new Set(out.map(({ message }) => message.body.group_id));
    expect(groups.size).toBe(7);
    let seen = 0;
    for (const groupId of groups) seen += (await store.getGroup(1, groupId))?.timesSeen ?? 0;
    expect(seen).toBe(total);
    expect(dlqRecords(broker)).toHaveLength(0);
  });

  it("emits nothing while the grouping state is lost and resumes with the same groups once it is rebuilt", async () => {
    const broker = newBroker();
    const fence = new TestFence();
    const deps = await testDeps({ fence });
    await produceRecords(broker, [normalizedRecord(fingerprintEvent(0, "x"), 1)]);
    const consumer = start(broker, deps);
    await waitFor(() => committed(broker) === 1);

    fence.intact = false;
    await produceRecords(broker, [normalizedRecord(fingerprintEvent(1, "x"), 1)]);
    await waitFor(() => fence.checks >= 5);
    expect(outputMessages(broker)).toHaveLength(1);
    expect(committed(broker)).toBe(1);

    fence.intact = true;
    await waitFor(() => committed(broker) === 2);
    await consumer.stop();
    const [first, second] = outputMessages(broker).map(({ message }) => message.body);
    expect(second?.group_id).toBe(first?.group_id);
    expect(dlqRecords(broker)).toHaveLength(0);
  });

  it("does not count an event twice when it is redelivered after a crash before the commit", async () => {
    const broker = newBroker();
    const store = new MemoryGroupStore(systemClock, 3600);
    const records = Array.from({ length: 10 }, (_, n) => normalizedRecord(fingerprintEvent(n, "same"), 1));
    await produceRecords(broker, records);
    // First run: assigned and produced, but killed before committing.
    const first = start(broker, await testDeps({ store }), {
      options: testOptions({ commitIntervalMs: 60_000 }),
    });
    await waitFor(() => outputMessages(broker).length === 10);
    await first.kill();
    expect(committed(broker)).toBeUndefined();
    // Second run reads the same records again.
    const second = start(broker, await testDeps({ store }));
    await waitFor(() => committed(broker) === 10);
    await second.stop();

    const out = outputMessages(broker);
    expect(out).toHaveLength(20);
    const groupId = out[0]?.message.body.group_id as number;
    expect(new Set(out.map(({ message }) => message.body.group_id))).toEqual(new Set([groupId]));
    expect((await store.getGroup(1, groupId))?.timesSeen).toBe(10);
    // The redelivered copy of the first event still says it created the group.
    expect(out.filter(({ message }) => (message.state as { is_new: boolean }).is_new)).toHaveLength(2);
  });
});

describe("grouping chain: post-process state", () => {
  it("reports is_new_group_environment for the first event of each (group, environment) only", async () => {
    const broker = newBroker();
    const deps = await testDeps();
    const envs = ["prod", "prod", "staging", undefined, "prod", undefined];
    await produceRecords(
      broker,
      envs.map((environment, n) => normalizedRecord(fingerprintEvent(n, "env-test", { environment }), 1)),
    );
    const consumer = start(broker, deps);
    await waitFor(() => committed(broker) === envs.length);
    await consumer.stop();
    const states = outputMessages(broker).map(
      ({ message }) => message.state as { is_new_group_environment: boolean; group_states: unknown[] },
    );
    expect(states.map((s) => s.is_new_group_environment)).toEqual([true, false, true, true, false, false]);
    expect(states[0]?.group_states).toEqual([
      {
        id: outputMessages(broker)[0]?.message.body.group_id,
        is_new: true,
        is_regression: false,
        is_new_group_environment: true,
      },
    ]);
  });

  it("carries the group's first_seen on every insert", async () => {
    const broker = newBroker();
    const deps = await testDeps();
    await produceRecords(broker, [
      normalizedRecord(fingerprintEvent(5, "fs"), 1),
      normalizedRecord(fingerprintEvent(1, "fs"), 1),
      normalizedRecord(fingerprintEvent(9, "fs"), 1),
    ]);
    const consumer = start(broker, deps, { settings: testSettings({ maxBatchSize: 1 }) });
    await waitFor(() => committed(broker) === 3);
    await consumer.stop();
    const bodies = outputMessages(broker).map(({ message }) => message.body);
    // Event 1 is older than event 5: from its arrival on, the group was first seen at its time.
    expect(bodies.map((b) => b.group_first_seen)).toEqual([
      bodies[0]?.datetime,
      bodies[1]?.datetime,
      bodies[1]?.datetime,
    ]);
  });
});

describe("grouping chain in worker threads", () => {
  it("produces the same inserts with concurrency 2 as in the main thread", async () => {
    const records = Array.from({ length: 30 }, (_, n) =>
      normalizedRecord(fingerprintEvent(n, `w-${n % 3}`), 1),
    );
    const outputs: string[][] = [];
    for (const concurrency of [1, 2]) {
      const broker = newBroker();
      await produceRecords(broker, records);
      const consumer = start(broker, await testDeps(), { settings: testSettings({ concurrency }) });
      await waitFor(() => committed(broker) === 30, 15_000);
      await consumer.stop();
      outputs.push(outputMessages(broker).map(({ payload }) => payload.value.toString("utf8")));
    }
    expect(outputs[1]).toEqual(outputs[0]);
  });
});
