import { readFileSync } from "node:fs";
import { Unpackr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { parseEnvelope } from "../../../dev/envelope.ts";
import {
  ATTACHMENT_CHUNK_SIZE,
  type IntakeContext,
  planEnvelope,
  planStore,
  producePlan,
  RELAY_TOPICS,
  toKafkaPayload,
} from "../../../dev/intake.ts";
import { HttpProblem } from "../../../dev/problems.ts";
import { decodeRelayMessage, eventIdFromKey } from "../../../schemas/relay/codec.ts";
import type { RelayAttachmentMessage, RelayEventMessage } from "../../../schemas/relay/types.ts";
import { fixture, RecordingProducer } from "./helpers.ts";

const CONTEXT: IntakeContext = {
  projectId: 1,
  startTime: 1_717_171_800,
  remoteAddr: "127.0.0.1",
  topics: RELAY_TOPICS,
  maxEventBytes: 1_048_576,
};

const HEADER = '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}';

function plan(body: Buffer | string, context: IntakeContext = CONTEXT) {
  return planEnvelope(parseEnvelope(Buffer.from(body)), context);
}

function envelopeWith(...items: ReadonlyArray<readonly [Record<string, unknown>, Buffer]>): Buffer {
  const parts: Buffer[] = [Buffer.from(`${HEADER}\n`)];
  for (const [headers, payload] of items) {
    parts.push(
      Buffer.from(`${JSON.stringify({ ...headers, length: payload.length })}\n`),
      payload,
      Buffer.from("\n"),
    );
  }
  return Buffer.concat(parts);
}

const EVENT = Buffer.from('{"message":"boom","level":"error"}');

/** Key order of a msgpack map as encoded, to compare with Relay's own messages. */
function keysOf(bytes: Uint8Array): string[] {
  return [
    ...(
      new Unpackr({ mapsAsObjects: false, useRecords: false }).unpack(bytes) as Map<string, unknown>
    ).keys(),
  ];
}

describe("planEnvelope: routing like Relay's store service", () => {
  it("sends a plain error event to ingest-events with Relay's fields", () => {
    const result = plan(fixture("node-error.envelope"));
    expect(result.eventId).toBe("5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6");
    expect(result.messages).toHaveLength(1);
    const [only] = result.messages;
    expect(only!.topic).toBe("ingest-events");
    const message = only!.message as RelayEventMessage;
    expect(message).toMatchObject({
      type: "event",
      event_id: "5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6",
      project_id: 1,
      start_time: 1_717_171_800,
      remote_addr: "127.0.0.1",
      attachments: [],
    });
    // The SDK's JSON passes through byte for byte (normalization is a later consumer's job).
    const envelope = parseEnvelope(fixture("node-error.envelope"));
    expect(Buffer.compare(message.payload, envelope.items[0]!.payload)).toBe(0);
  });

  it("encodes an event message with exactly Relay's key order and the event UUID's 16 bytes as key", () => {
    const payload = toKafkaPayload(plan(fixture("node-error.envelope")).messages[0]!);
    const relayBytes = readFileSync(
      new URL("../../fixtures/formats/ingest-events/dev-default-message.msgpack", import.meta.url),
    );
    expect(keysOf(payload.value)).toEqual(keysOf(relayBytes));
    expect(payload.key).toEqual(Buffer.from("5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6", "hex"));
    expect(eventIdFromKey(payload.key)).toBe("5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6");
    expect(payload.headers).toEqual([]);
    expect(decodeRelayMessage(payload.value)).toMatchObject({ type: "event", project_id: 1 });
  });

  it("sends an event with an attachment to ingest-attachments: chunks first, then the event with its descriptor", () => {
    const result = plan(fixture("python-error-with-attachment.envelope"));
    expect(result.messages.map((m) => [m.topic, m.message.type])).toEqual([
      ["ingest-attachments", "attachment_chunk"],
      ["ingest-attachments", "event"],
    ]);
    const chunk = result.messages[0]!.message;
    const event = result.messages[1]!.message as RelayEventMessage;
    if (chunk.type !== "attachment_chunk") throw new Error("expected a chunk first");
    expect(chunk.chunk_index).toBe(0);
    expect(event.attachments).toEqual([
      {
        id: chunk.id,
        name: "job.log",
        content_type: "text/plain",
        attachment_type: "event.attachment",
        chunks: 1,
        size: chunk.payload.length,
        rate_limited: false,
      },
    ]);
    expect(chunk.id).toMatch(/^[0-9a-f]{32}$/);
    expect(result.messages.every((m) => m.eventId === "9ec79c33ec9942ab8353589fcb2e04dc")).toBe(true);
  });

  it("cuts attachments into 1 MiB chunks with indexes 0..n-1, one id per attachment", () => {
    const big = Buffer.alloc(ATTACHMENT_CHUNK_SIZE * 2 + 123, 7);
    const small = Buffer.from("tiny");
    const result = plan(
      envelopeWith(
        [{ type: "event" }, EVENT],
        [{ type: "attachment", filename: "big.bin" }, big],
        [{ type: "attachment" }, small],
      ),
    );
    const chunks = result.messages.filter((m) => m.message.type === "attachment_chunk").map((m) => m.message);
    expect(
      chunks.map((c) => (c.type === "attachment_chunk" ? [c.chunk_index, c.payload.length] : [])),
    ).toEqual([
      [0, ATTACHMENT_CHUNK_SIZE],
      [1, ATTACHMENT_CHUNK_SIZE],
      [2, 123],
      [0, 4],
    ]);
    const event = result.messages.at(-1)!.message as RelayEventMessage;
    expect(event.attachments!.map((a) => [a.name, a.chunks, a.size, a.attachment_type])).toEqual([
      ["big.bin", 3, big.length, "event.attachment"],
      ["Unnamed Attachment", 1, 4, "event.attachment"],
    ]);
    expect(new Set(chunks.slice(0, 3).map((c) => (c.type === "attachment_chunk" ? c.id : "")))).toEqual(
      new Set([event.attachments![0]!.id]),
    );
    const joined = Buffer.concat(
      chunks.slice(0, 3).map((c) => (c.type === "attachment_chunk" ? c.payload : Buffer.alloc(0))),
    );
    // Buffer#equals: vitest's deep equality walks 2 MiB byte by byte.
    expect(joined.equals(big)).toBe(true);
  });

  it("gives an empty attachment zero chunks", () => {
    const result = plan(
      envelopeWith([{ type: "event" }, EVENT], [{ type: "attachment", filename: "empty" }, Buffer.alloc(0)]),
    );
    expect(result.messages.map((m) => m.message.type)).toEqual(["event"]);
    expect((result.messages[0]!.message as RelayEventMessage).attachments![0]).toMatchObject({
      chunks: 0,
      size: 0,
    });
  });

  it("sends attachments without an event as standalone attachment messages, small ones inline", () => {
    const big = Buffer.alloc(ATTACHMENT_CHUNK_SIZE + 1, 1);
    const result = plan(
      envelopeWith(
        [{ type: "attachment", filename: "a.txt", content_type: "text/plain" }, Buffer.from("abc")],
        [{ type: "attachment", filename: "dump.dmp", attachment_type: "event.minidump" }, big],
      ),
    );
    expect(result.messages.map((m) => [m.topic, m.message.type])).toEqual([
      ["ingest-attachments", "attachment"],
      ["ingest-attachments", "attachment_chunk"],
      ["ingest-attachments", "attachment_chunk"],
      ["ingest-attachments", "attachment"],
    ]);
    const inline = (result.messages[0]!.message as RelayAttachmentMessage).attachment;
    expect(inline).toMatchObject({ name: "a.txt", content_type: "text/plain", chunks: 0, size: 3 });
    expect(inline.data?.toString()).toBe("abc");
    const chunked = (result.messages[3]!.message as RelayAttachmentMessage).attachment;
    expect(chunked).toMatchObject({
      name: "dump.dmp",
      attachment_type: "event.minidump",
      chunks: 2,
      size: big.length,
    });
    expect(chunked.data).toBeUndefined();
  });

  it("encodes a standalone attachment message with the same keys, in the same order, as Relay's example", () => {
    const big = Buffer.alloc(ATTACHMENT_CHUNK_SIZE, 2);
    const result = plan(
      envelopeWith([
        { type: "attachment", filename: "screenshot.png", content_type: "application/png" },
        big,
      ]),
    );
    const attachment = toKafkaPayload(result.messages.at(-1)!);
    const relayBytes = readFileSync(
      new URL("../../fixtures/formats/ingest-attachments/attachment.msgpack", import.meta.url),
    );
    expect(keysOf(attachment.value)).toEqual(keysOf(relayBytes));
    const descriptorKeys = (bytes: Uint8Array) => [
      ...(
        (new Unpackr({ mapsAsObjects: false, useRecords: false }).unpack(bytes) as Map<string, unknown>).get(
          "attachment",
        ) as Map<string, unknown>
      ).keys(),
    ];
    expect(descriptorKeys(attachment.value)).toEqual(descriptorKeys(relayBytes));
  });

  it("sends a user report as a user_report message keyed by the envelope's event id", () => {
    const result = plan(fixture("user-report.envelope"));
    expect(result.messages).toHaveLength(1);
    const [report] = result.messages;
    expect(report!.topic).toBe("ingest-attachments");
    expect(report!.eventId).toBe("c3b6f1b2a0d94e3b8f1e2d3c4b5a6978");
    expect(report!.message).toMatchObject({ type: "user_report", project_id: 1, start_time: 1_717_171_800 });
    const decoded = decodeRelayMessage(toKafkaPayload(report!).value);
    expect(Object.keys(decoded)).not.toContain("event_id");
  });

  it("counts and drops sessions and client reports, producing nothing", () => {
    const result = plan(fixture("session-client-report.envelope"));
    expect(result.messages).toEqual([]);
    expect(result.eventId).toBeUndefined();
    expect([...result.dropped]).toEqual([
      ["session", 1],
      ["client_report", 1],
    ]);
  });

  it("sends a transaction to ingest-transactions, and with attachments to ingest-attachments with standalone attachments", () => {
    expect(plan(fixture("transaction.envelope")).messages.map((m) => m.topic)).toEqual([
      "ingest-transactions",
    ]);
    const withAttachment = plan(
      envelopeWith(
        [{ type: "transaction" }, Buffer.from('{"type":"transaction"}')],
        [{ type: "attachment" }, Buffer.from("x")],
      ),
    );
    expect(withAttachment.messages.map((m) => [m.topic, m.message.type])).toEqual([
      ["ingest-attachments", "attachment"],
      ["ingest-attachments", "event"],
    ]);
    expect((withAttachment.messages[1]!.message as RelayEventMessage).attachments).toEqual([]);
  });

  it("sends user feedback to ingest-feedback-events and its screenshot as a standalone attachment", () => {
    const result = plan(fixture("feedback-with-screenshot.envelope"));
    expect(result.messages.map((m) => [m.topic, m.message.type])).toEqual([
      ["ingest-feedback-events", "event"],
      ["ingest-attachments", "attachment"],
    ]);
    expect(result.messages[0]!.message).toMatchObject({
      event_id: "e5d4c3b2a1f04e6d8c7b6a5f4e3d2c1b",
      attachments: [],
    });
  });

  it("drops transactions and feedback, counting them, when their topics are null", () => {
    const topics = { ...RELAY_TOPICS, transactions: null, feedback: null };
    const context = { ...CONTEXT, topics };
    const transaction = plan(fixture("transaction.envelope"), context);
    expect(transaction.messages).toEqual([]);
    expect([...transaction.dropped]).toEqual([["transaction", 1]]);
    const feedback = plan(fixture("feedback-with-screenshot.envelope"), context);
    expect(feedback.messages.map((m) => m.message.type)).toEqual(["attachment"]);
    expect([...feedback.dropped]).toEqual([["feedback", 1]]);
    const store = planStore(Buffer.from('{"type":"transaction"}'), context);
    expect([store.messages, [...store.dropped]]).toEqual([[], [["transaction", 1]]]);
  });

  it("takes the event id from the payload when the header has none, and makes one up when neither has it", () => {
    const fromPayload = plan('{}\n{"type":"event"}\n{"event_id":"ABCDEFABCDEFABCDEFABCDEFABCDEFAB"}');
    expect(fromPayload.eventId).toBe("abcdefabcdefabcdefabcdefabcdefab");
    const generated = plan('{}\n{"type":"event"}\n{"message":"x"}');
    expect(generated.eventId).toMatch(/^[0-9a-f]{32}$/);
    expect(generated.messages[0]!.eventId).toBe(generated.eventId);
  });

  it("refuses two event items, a non-object or invalid JSON payload, and an oversized event", () => {
    const refuse = (body: Buffer | string, context: IntakeContext = CONTEXT): HttpProblem => {
      try {
        plan(body, context);
      } catch (error) {
        if (error instanceof HttpProblem) return error;
        throw error;
      }
      throw new Error("expected a refusal");
    };
    expect(refuse(envelopeWith([{ type: "event" }, EVENT], [{ type: "event" }, EVENT])).reason).toBe(
      "bad_envelope",
    );
    expect(refuse(envelopeWith([{ type: "event" }, Buffer.from("[1,2]")])).reason).toBe("bad_payload");
    expect(refuse(envelopeWith([{ type: "event" }, Buffer.from('"text"')])).reason).toBe("bad_payload");
    expect(refuse(envelopeWith([{ type: "event" }, Buffer.from("{nope")])).reason).toBe("bad_payload");
    expect(
      refuse(envelopeWith([{ type: "event" }, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])]))
        .message,
    ).toContain("UTF-8");
    const tooBig = refuse(envelopeWith([{ type: "event" }, EVENT]), { ...CONTEXT, maxEventBytes: 10 });
    expect([tooBig.reason, tooBig.status]).toEqual(["too_large", 413]);
  });
});

describe("planStore: the legacy store endpoint", () => {
  it("takes the body as the event, its event id, and routes transactions to their topic", () => {
    const result = planStore(
      Buffer.from('{"event_id":"9ec79c33-ec99-42ab-8353-589fcb2e04dc","message":"hi"}'),
      CONTEXT,
    );
    expect(result.eventId).toBe("9ec79c33ec9942ab8353589fcb2e04dc");
    expect(result.messages.map((m) => m.topic)).toEqual(["ingest-events"]);
    expect(planStore(Buffer.from('{"type":"transaction"}'), CONTEXT).messages[0]!.topic).toBe(
      "ingest-transactions",
    );
  });

  it("accepts the base64+zlib body of old SDKs", async () => {
    const { deflateSync } = await import("node:zlib");
    const body = Buffer.from(deflateSync(Buffer.from('{"message":"legacy"}')).toString("base64"));
    const result = planStore(body, CONTEXT);
    expect((result.messages[0]!.message as RelayEventMessage).payload.toString()).toBe(
      '{"message":"legacy"}',
    );
  });

  it("refuses an invalid event id and a body that is neither JSON nor base64+zlib", () => {
    expect(() => planStore(Buffer.from('{"event_id":"nope"}'), CONTEXT)).toThrow(/invalid event id/);
    expect(() => planStore(Buffer.from("hello there"), CONTEXT)).toThrow(HttpProblem);
  });
});

describe("producePlan", () => {
  it("produces every message in plan order, each acknowledged before the next", async () => {
    const order: string[] = [];
    const producer = new RecordingProducer();
    const original = producer.produce.bind(producer);
    let inFlight = 0;
    producer.produce = async (destination, payload) => {
      inFlight += 1;
      expect(inFlight).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      const result = await original(destination, payload);
      order.push(producer.records.at(-1)!.message.type);
      inFlight -= 1;
      return result;
    };
    await producePlan(producer, plan(fixture("python-error-with-attachment.envelope")));
    expect(order).toEqual(["attachment_chunk", "event"]);
  });
});
