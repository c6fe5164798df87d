import { afterEach, describe, expect, it } from "vitest";
import { rowMappingConfig } from "../../../consumers/storage/error-row.ts";
import { mapInsertToRow } from "../../../consumers/storage/error-row.ts";
import { mapGroupRow } from "../../../consumers/storage/group-row.ts";
import { MemoryGroupStore } from "../../../consumers/grouping/group-store-memory.ts";
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
    const records = Array.from({ length: 40 }, (_, n) => normalizedRecord(fingerprintEvent(n, `fp-${n % 4}`), 1));
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
      expect(headersOf(payload)).toMatchObject({ operation: "insert", version: "2", queue: "post_process_errors" });
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
      const row = mapInsertToRow(body, { config: rowConfig, kafka: { partition: 0, offset, timestampMs: 0 } });
      expect(row.group_id).toBe(body.group_id);
      expect(row.message).toBe(`boom ${offset}`);
      expect(row.level).toBe("error");
      expect(mapGroupRow(body).hashes).toEqual([body.primary_hash]);
    });
    expect(new Set(groupOf.values()).size).toBe(4);
    const isNew = out.filter(({ message }) => (message.state as { is_new: boolean }).is_new);
    expect(isNew.map(({ message }) => message.body.event_id)).toEqual([0, 1, 2, 3].map(eventId));
    for (const groupId of groupOf.values()) expect((await deps.store.getGroup(1, groupId))?.timesSeen).toBe(10);
    expect(dlqRecords(broker)).toHaveLength(0);
  });
});
