import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventIdFromKey } from "../../../schemas/relay/codec.ts";
import {
  ATTACHMENTS,
  ATTACHMENTS_DLQ,
  committedAll,
  EVENTS,
  EVENTS_DLQ,
  eventsRaw,
  headers,
  intakesStoppedAfterEach,
  metricValue,
  newBroker,
  records,
  send,
  sendTo,
  USER_REPORTS,
  waitFor,
} from "./harness.ts";
import {
  attachmentMessages,
  eventId,
  eventMessage,
  fixtureBytes,
  fixtureDecoded,
  userReportMessage,
} from "./messages.ts";

const start = intakesStoppedAfterEach();

const EVENT_FIXTURES = [
  "ingest-events/dev-default-message.msgpack",
  "ingest-feedback-events/pokemart-widget-kcat.msgpack",
  "ingest-feedback-events/relay-test_feedback_event_with_processing.msgpack",
  "ingest-transactions/example.msgpack",
];

describe("relay-intake chain", () => {
  it("turns every Relay example event into one events-raw record carrying its envelope fields", async () => {
    const broker = newBroker();
    for (const name of EVENT_FIXTURES) {
      send(broker, EVENTS, fixtureBytes(name), fixtureDecoded(name).event_id as string);
    }
    await start(broker);
    await waitFor(() => committedAll(broker));

    const produced = records(broker, "events-raw");
    const byId = new Map((await eventsRaw(broker)).map((r) => [r.event_id, r]));
    expect(byId.size).toBe(EVENT_FIXTURES.length);
    for (const record of produced) {
      expect(eventIdFromKey(record.payload.key)).toBeDefined();
    }
    for (const name of EVENT_FIXTURES) {
      const decoded = fixtureDecoded(name);
      const json = (decoded.payload as { __bytes_json__: Record<string, unknown> }).__bytes_json__;
      const record = byId.get(decoded.event_id as string);
      expect(record, name).toMatchObject({
        kind: json.type === "transaction" || json.type === "feedback" ? json.type : "event",
        project_id: decoded.project_id,
        source_topic: EVENTS,
        start_time: decoded.start_time,
        received: json.received,
        remote_addr: decoded.remote_addr,
        attachments: [],
        processing_errors: [],
      });
      // The payload is Relay's text, byte for byte.
      const raw = fixtureBytes(name);
      expect(raw.includes(Buffer.from(record?.payload ?? "NOT FOUND"))).toBe(true);
      expect(JSON.parse(record?.payload ?? "")).toEqual(json);
    }
    expect(byId.get("2107c4e968514c8690d3a3a24570c40d")?.organization_id).toBe(13);
  });

  it("dead-letters the registry's attachment example, whose empty chunk contradicts its size of 100", async () => {
    const broker = newBroker();
    const chunk = fixtureBytes("ingest-attachments/attachment_chunk.msgpack");
    const attachment = fixtureBytes("ingest-attachments/attachment.msgpack");
    send(broker, ATTACHMENTS, chunk, "a".repeat(32));
    send(broker, ATTACHMENTS, attachment, "a".repeat(32));
    await start(broker);
    await waitFor(() => committedAll(broker));

    const dlq = records(broker, ATTACHMENTS_DLQ);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.payload.value.equals(attachment)).toBe(true);
    expect(headers(dlq[0]!)).toMatchObject({
      reason: "attachment-size-mismatch",
      original_topic: ATTACHMENTS,
      consumer: "relay-intake",
    });
    expect(JSON.parse(headers(dlq[0]!).reason_detail ?? "")).toMatchObject({ expected: 100, actual: 0 });
    expect(records(broker, "events-raw")).toHaveLength(0);
  });

  it("produces an event sent twice on one partition, on two partitions and on both topics once", async () => {
    const broker = newBroker();
    const a = eventId(1);
    const b = eventId(2);
    send(broker, EVENTS, eventMessage(a), a);
    send(broker, EVENTS, eventMessage(a), a);
    sendTo(broker, EVENTS, 0, eventMessage(b), b);
    sendTo(broker, EVENTS, 1, eventMessage(b), b);
    sendTo(broker, ATTACHMENTS, 1, eventMessage(b), b);
    const intake = await start(broker);
    await waitFor(() => committedAll(broker));

    expect((await eventsRaw(broker)).map((r) => r.event_id).sort()).toEqual([a, b]);
    expect(await metricValue(intake.metrics, "ingest_duplicates_dropped_total", {})).toBe(3);
  });

  it("joins chunks sent out of order, and records missing and mis-sized attachments as processing errors", async () => {
    const broker = newBroker();
    const id = eventId(3);
    const good = attachmentMessages(id, "good", Buffer.from("0123456789"), { chunkSize: 4 });
    const lost = attachmentMessages(id, "lost", Buffer.from("abcdefgh"), { chunkSize: 4 });
    const short = attachmentMessages(id, "short", Buffer.from("xyz"), { chunkSize: 4 });
    for (const index of [2, 0, 1]) send(broker, ATTACHMENTS, good.chunks[index] as Buffer, id);
    send(broker, ATTACHMENTS, lost.chunks[1] as Buffer, id);
    send(broker, ATTACHMENTS, short.chunks[0] as Buffer, id);
    const event = eventMessage(id, {
      attachments: [good.descriptor, lost.descriptor, { ...short.descriptor, size: 5 }],
    });
    send(broker, ATTACHMENTS, event, id);
    const intake = await start(broker);
    await waitFor(() => committedAll(broker));

    const [record] = await eventsRaw(broker);
    expect(record?.source_topic).toBe(ATTACHMENTS);
    expect(record?.attachments).toEqual([
      expect.objectContaining({
        id: "good",
        size: 10,
        chunks: 3,
        stored_key: `1/${id}/good/good.txt`,
        missing: false,
      }),
      expect.objectContaining({ id: "lost", stored_key: null, missing: true }),
      expect.objectContaining({ id: "short", stored_key: null, missing: false }),
    ]);
    expect(record?.processing_errors.map((e) => [e.type, e.name])).toEqual([
      ["attachment_missing_chunks", "lost.txt"],
      ["attachment_size_mismatch", "short.txt"],
    ]);
    expect(JSON.parse(record?.processing_errors[0]?.detail ?? "")).toMatchObject({ missing: [0] });
    expect(readFileSync(join(intake.attachmentDir, "1", id, "good", "good.txt"), "utf8")).toBe("0123456789");
    expect(await metricValue(intake.metrics, "ingest_attachments_joined_total", { outcome: "stored" })).toBe(
      1,
    );
    expect(records(broker, ATTACHMENTS_DLQ)).toHaveLength(0);
  });

  it("stores a standalone attachment without producing anything and commits its offsets", async () => {
    const broker = newBroker();
    const id = eventId(4);
    const chunked = attachmentMessages(id, "dump", Buffer.from("MDMP-0123456789"), {
      standalone: true,
      chunkSize: 4,
    });
    const inline = attachmentMessages(id, "small", Buffer.from("hi"), { standalone: true, chunkSize: 4 });
    for (const chunk of chunked.chunks) send(broker, ATTACHMENTS, chunk, id);
    send(broker, ATTACHMENTS, chunked.message as Buffer, id);
    send(broker, ATTACHMENTS, inline.message as Buffer, id);
    const intake = await start(broker);
    await waitFor(() => committedAll(broker));

    expect(readFileSync(join(intake.attachmentDir, "1", id, "dump", "dump.txt"), "utf8")).toBe(
      "MDMP-0123456789",
    );
    expect(readFileSync(join(intake.attachmentDir, "1", id, "small", "small.txt"), "utf8")).toBe("hi");
    expect(records(broker, "events-raw")).toHaveLength(0);
    expect(records(broker, ATTACHMENTS_DLQ)).toHaveLength(0);
  });

  it("dead-letters a standalone attachment whose chunks are gone, and goes on", async () => {
    const broker = newBroker();
    const id = eventId(5);
    const built = attachmentMessages(id, "gone", Buffer.from("0123456789"), {
      standalone: true,
      chunkSize: 4,
    });
    send(broker, ATTACHMENTS, built.chunks[0] as Buffer, id);
    send(broker, ATTACHMENTS, built.message as Buffer, id);
    send(broker, ATTACHMENTS, eventMessage(id), id);
    await start(broker);
    await waitFor(() => committedAll(broker));

    const dlq = records(broker, ATTACHMENTS_DLQ);
    expect(dlq.map((r) => headers(r).reason)).toEqual(["attachment-chunks-missing"]);
    expect(dlq[0]?.payload.value.equals(built.message as Buffer)).toBe(true);
    expect(dlq[0]?.payload.key?.toString("hex")).toBe(id);
    expect(await eventsRaw(broker)).toHaveLength(1);
  });

  it("validates user reports onto user-reports, keyed by event id, and dead-letters bad ones", async () => {
    const broker = newBroker();
    const id = eventId(6);
    send(
      broker,
      ATTACHMENTS,
      userReportMessage(id, { name: "Jo", email: "jo@example.com", comments: " broke " }),
      id,
    );
    send(broker, ATTACHMENTS, userReportMessage(id, { name: "Jo", comments: "" }), id);
    await start(broker);
    await waitFor(() => committedAll(broker));

    const reports = records(broker, USER_REPORTS);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.payload.key?.toString("hex")).toBe(id);
    expect(JSON.parse(reports[0]?.payload.value.toString("utf8") ?? "")).toEqual({
      project_id: 1,
      organization_id: 11,
      event_id: id,
      name: "Jo",
      email: "jo@example.com",
      comments: "broke",
      start_time: 1_709_691_600,
    });
    expect(records(broker, ATTACHMENTS_DLQ).map((r) => headers(r).reason)).toEqual(["invalid-user-report"]);
    expect(records(broker, EVENTS_DLQ)).toHaveLength(0);
  });

  it("counts produced records per output topic", async () => {
    const broker = newBroker();
    send(broker, EVENTS, eventMessage(eventId(8)), eventId(8));
    send(broker, ATTACHMENTS, userReportMessage(eventId(8), { comments: "x" }), eventId(8));
    const intake = await start(broker);
    await waitFor(() => committedAll(broker));
    expect(await metricValue(intake.metrics, "ingest_messages_produced_total", { topic: "events-raw" })).toBe(
      1,
    );
    expect(await metricValue(intake.metrics, "ingest_messages_produced_total", { topic: USER_REPORTS })).toBe(
      1,
    );
  });
});
