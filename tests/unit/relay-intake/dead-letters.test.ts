import { describe, expect, it } from "vitest";
import { type KafkaPayload, Partition } from "../../../pipelines/types.ts";
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
  waitFor,
} from "./harness.ts";
import {
  attachmentMessages,
  encode,
  eventId,
  eventMessage,
  eventPayloadText,
  packr,
  rawEventMap,
} from "./messages.ts";

const start = intakesStoppedAfterEach();

const ID = eventId(40);

function eventMap(entries: ReadonlyArray<[string, unknown]>): Buffer {
  return rawEventMap(ID, entries);
}

/** Each hostile record with the reason it must be dead-lettered with. */
const HOSTILE: ReadonlyArray<[string, Buffer, string]> = [
  ["truncated msgpack", eventMessage(ID).subarray(0, 33), "truncated-msgpack"],
  ["garbage", Buffer.from("this is not msgpack"), "not-msgpack-map"],
  ["wrong type: project id as string", eventMap([["project_id", "1"]]), "wrong-type"],
  ["wrong type: project id NaN", eventMap([["project_id", Number.NaN]]), "wrong-type"],
  ["wrong type: attachments as map", eventMap([["attachments", new Map()]]), "wrong-type"],
  [
    "invalid UTF-8 payload",
    eventMap([["payload", Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x7d])]]),
    "invalid-utf8",
  ],
  ["invalid UTF-8 msgpack str", eventMap([["remote_addr", Buffer.from([0xa2, 0xc3, 0x28])]]), "wrong-type"],
  ["NaN in payload", eventMap([["payload", Buffer.from(`{"event_id":"${ID}","x":NaN}`)]]), "invalid-json"],
  [
    "payload over the size limit",
    eventMap([["payload", Buffer.from(eventPayloadText(ID, { pad: "x".repeat(600) }))]]),
    "payload-too-large",
  ],
  [
    "payload nested too deep",
    eventMap([["payload", Buffer.from(`{"a":${"[".repeat(12)}${"]".repeat(12)}}`)]]),
    "too-deep",
  ],
  [
    "event id mismatch",
    eventMap([["payload", Buffer.from(eventPayloadText(eventId(41)))]]),
    "event-id-mismatch",
  ],
  ["unknown project", eventMessage(ID, { projectId: 999 }), "unknown-project"],
  [
    "unknown message type",
    packr.pack(
      new Map<string, unknown>([
        ["type", "span"],
        ["project_id", 1],
      ]),
    ),
    "unknown-message-type",
  ],
];

describe("relay-intake dead letters", () => {
  it("dead-letters every hostile record with its reason, original bytes and origin, and keeps going", async () => {
    const broker = newBroker();
    const sent: Array<{ reason: string; payload: KafkaPayload; offset: number }> = [];
    for (const [, bytes, reason] of HOSTILE) {
      const record = broker.produce(Partition.of(EVENTS, 0), {
        key: Buffer.from(ID, "hex"),
        value: bytes,
        headers: [["x-test", Buffer.from(reason)]],
      });
      sent.push({ reason, payload: record.payload, offset: record.offset });
    }
    send(broker, EVENTS, eventMessage(ID), ID);
    const intake = await start(broker, { options: { maxPayloadBytes: 512, maxJsonDepth: 10 } });
    await waitFor(() => committedAll(broker));

    const dlq = records(broker, EVENTS_DLQ);
    expect(dlq.map((r) => headers(r).reason)).toEqual(HOSTILE.map(([, , reason]) => reason));
    dlq.forEach((record, i) => {
      const original = sent[i]!;
      expect(record.payload.value.equals(original.payload.value), HOSTILE[i]![0]).toBe(true);
      expect(record.payload.key?.toString("hex")).toBe(ID);
      expect(headers(record)).toMatchObject({
        "x-test": original.reason,
        original_topic: EVENTS,
        original_partition: "0",
        original_offset: String(original.offset),
        consumer: "relay-intake",
      });
      expect(headers(record).reason_detail?.length).toBeGreaterThan(0);
    });
    // The good event after them all went through.
    expect((await eventsRaw(broker)).map((r) => r.event_id)).toEqual([ID]);
    expect(
      await metricValue(intake.metrics, "ingest_messages_dead_lettered_total", { reason: "unknown-project" }),
    ).toBe(1);
    expect(intake.running.processor.stuck).toBe(false);
  });

  it("dead-letters records of unknown projects on either topic, chunks included, to that topic's DLQ", async () => {
    const broker = newBroker();
    const built = attachmentMessages(ID, "a", Buffer.from("abcdef"), { projectId: 998 });
    for (const chunk of built.chunks) send(broker, ATTACHMENTS, chunk, ID);
    send(broker, ATTACHMENTS, eventMessage(ID, { projectId: 998, attachments: [built.descriptor] }), ID);
    send(broker, EVENTS, eventMessage(eventId(42), { projectId: 998 }), eventId(42));
    await start(broker);
    await waitFor(() => committedAll(broker));

    expect(records(broker, ATTACHMENTS_DLQ).map((r) => headers(r).reason)).toEqual([
      "unknown-project",
      "unknown-project",
      "unknown-project",
    ]);
    expect(records(broker, EVENTS_DLQ).map((r) => headers(r).reason)).toEqual(["unknown-project"]);
    expect(records(broker, "events-raw")).toHaveLength(0);
  });

  it("dead-letters a payload with a __proto__ key at any depth as proto-key with its original bytes, and keeps going", async () => {
    const broker = newBroker();
    const top = `{"event_id":"${ID}","__proto__":{"admin":true}}`;
    const deep = `{"event_id":"${eventId(43)}","user":{"data":[{"__proto__":{"admin":true}}]}}`;
    const sent = [
      broker.produce(Partition.of(EVENTS, 0), {
        key: Buffer.from(ID, "hex"),
        value: eventMessage(ID, { payload: top }),
        headers: [],
      }),
      broker.produce(Partition.of(EVENTS, 0), {
        key: Buffer.from(eventId(43), "hex"),
        value: eventMessage(eventId(43), { payload: deep }),
        headers: [],
      }),
    ];
    send(broker, EVENTS, eventMessage(eventId(44)), eventId(44));
    const intake = await start(broker);
    await waitFor(() => committedAll(broker));

    const dlq = records(broker, EVENTS_DLQ);
    expect(dlq.map((r) => headers(r).reason)).toEqual(["proto-key", "proto-key"]);
    dlq.forEach((record, i) => {
      expect(record.payload.value.equals(sent[i]!.payload.value)).toBe(true);
      expect(headers(record).original_offset).toBe(String(sent[i]!.offset));
      expect(headers(record).reason_detail).toContain("__proto__");
    });
    expect((await eventsRaw(broker)).map((r) => r.event_id)).toEqual([eventId(44)]);
    expect(
      await metricValue(intake.metrics, "ingest_messages_dead_lettered_total", { reason: "proto-key" }),
    ).toBe(2);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(intake.running.processor.stuck).toBe(false);
  });

  it("keeps a __proto__ key of Relay's msgpack envelope as data (a Map key) and stores the event", async () => {
    const broker = newBroker();
    send(broker, EVENTS, eventMap([["__proto__", new Map([["admin", true]])]]), ID);
    await start(broker);
    await waitFor(() => committedAll(broker));
    expect((await eventsRaw(broker)).map((r) => r.event_id)).toEqual([ID]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(records(broker, EVENTS_DLQ)).toHaveLength(0);
  });

  it("dead-letters an attachment announcing more chunks than allowed", async () => {
    const broker = newBroker();
    const bytes = encode({
      type: "attachment",
      event_id: ID,
      project_id: 1,
      attachment: { id: "a", name: "n", attachment_type: "event.attachment", chunks: 2 ** 40, size: 1 },
    });
    send(broker, ATTACHMENTS, bytes, ID);
    await start(broker);
    await waitFor(() => committedAll(broker));
    expect(records(broker, ATTACHMENTS_DLQ).map((r) => headers(r).reason)).toEqual(["attachment-too-large"]);
  });
});
