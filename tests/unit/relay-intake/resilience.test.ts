import { describe, expect, it } from "vitest";
import { MemoryChunkStore } from "../../../consumers/relay-intake/chunk-store.ts";
import { MemoryDedupeStore } from "../../../consumers/relay-intake/dedupe.ts";
import { systemClock } from "../../../pipelines/types.ts";
import {
  ATTACHMENTS,
  committedAll,
  EVENTS,
  EVENTS_DLQ,
  eventsRaw,
  GROUP,
  intakesStoppedAfterEach,
  metricValue,
  newBroker,
  Outage,
  records,
  send,
  waitFor,
} from "./harness.ts";
import { attachmentMessages, eventId, eventMessage } from "./messages.ts";

const start = intakesStoppedAfterEach();

function committedCount(broker: ReturnType<typeof newBroker>): number {
  let total = 0;
  for (const [, offset] of broker.committedOffsets(GROUP)) total += offset;
  return total;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("relay-intake under failures", () => {
  it("retries while Redis is unavailable, holding back new records, then produces everything once", async () => {
    const broker = newBroker();
    const outage = new Outage();
    outage.down = true;
    const intake = await start(broker, { outage, settings: { maxBatchSize: 5 } });
    // More than the chain holds (one batch retrying, one open, a full per-record queue).
    for (let n = 0; n < 200; n++) send(broker, EVENTS, eventMessage(eventId(n)), eventId(n));
    await waitFor(() => outage.failures > 10);
    // Backpressure reached the processor: it paused the partitions rather than buffer 200 records.
    await waitFor(async () => (await metricValue(intake.metrics, "ingest_consumer_pauses_total", {})) > 0);

    expect(records(broker, "events-raw")).toHaveLength(0);
    expect(records(broker, EVENTS_DLQ)).toHaveLength(0);
    expect(committedCount(broker)).toBe(0);
    expect(await metricValue(intake.metrics, "ingest_state_retries_total", {})).toBeGreaterThan(0);

    outage.down = false;
    await waitFor(() => committedAll(broker));
    expect((await eventsRaw(broker)).map((r) => r.event_id).sort()).toEqual(
      Array.from({ length: 200 }, (_, n) => eventId(n)).sort(),
    );
    expect(intake.running.processor.stuck).toBe(false);
  });

  it("commits a record only after its events-raw write is acknowledged", async () => {
    const broker = newBroker();
    const intake = await start(broker);
    const producer = intake.producers.get("relay-intake");
    expect(producer).toBeDefined();
    producer?.holdAcks();
    for (let n = 0; n < 5; n++) send(broker, EVENTS, eventMessage(eventId(n)), eventId(n));
    await waitFor(() => (producer?.pending ?? 0) === 5);
    await sleep(100);
    expect(committedCount(broker)).toBe(0);

    producer?.releaseAcks();
    await waitFor(() => committedAll(broker));
    expect(records(broker, "events-raw")).toHaveLength(5);
  });

  it("produces every event exactly once across a graceful restart with the same group", async () => {
    const broker = newBroker();
    const dedupe = new MemoryDedupeStore(systemClock);
    const chunks = new MemoryChunkStore(systemClock);
    const ids = Array.from({ length: 200 }, (_, n) => eventId(n));
    const first = await start(broker, { dedupe, chunks });
    for (const id of ids.slice(0, 120)) send(broker, EVENTS, eventMessage(id), id);
    // Each of the first 60 once more, as Relay retrying would.
    for (const id of ids.slice(0, 60)) send(broker, EVENTS, eventMessage(id), id);
    await waitFor(() => records(broker, "events-raw").length >= 60);
    await first.stop();

    const attachment = attachmentMessages(ids[150] as string, "a", Buffer.from("0123456789"), {
      chunkSize: 4,
    });
    ids.slice(120).forEach((id, i) => {
      if (i === 30) for (const chunk of attachment.chunks) send(broker, ATTACHMENTS, chunk, id);
      send(
        broker,
        i === 30 ? ATTACHMENTS : EVENTS,
        eventMessage(id, i === 30 ? { attachments: [attachment.descriptor] } : {}),
        id,
      );
    });
    await start(broker, { dedupe, chunks });
    await waitFor(() => committedAll(broker));

    const produced = (await eventsRaw(broker)).map((r) => r.event_id);
    expect(produced).toHaveLength(ids.length);
    expect(new Set(produced).size).toBe(ids.length);
  });

  it("may produce again what was produced but not committed when the consumer is terminated (at least once)", async () => {
    const broker = newBroker();
    const dedupe = new MemoryDedupeStore(systemClock);
    // A commit interval longer than the test: produced records stay uncommitted.
    const first = await start(broker, { dedupe, options: { commitIntervalMs: 60_000 } });
    for (let n = 0; n < 10; n++) send(broker, EVENTS, eventMessage(eventId(n)), eventId(n));
    await waitFor(() => records(broker, "events-raw").length === 10);
    first.running.shutdown();
    first.running.shutdown();
    await first.running.done.catch(() => {});
    expect(committedCount(broker)).toBe(0);

    // The redelivered records own their claims, so they are produced again: never lost.
    await start(broker, { dedupe });
    await waitFor(() => committedAll(broker));
    const produced = (await eventsRaw(broker)).map((r) => r.event_id);
    expect(produced).toHaveLength(20);
    expect(new Set(produced).size).toBe(10);
  });
});
