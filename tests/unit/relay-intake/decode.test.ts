import { describe, expect, it } from "vitest";
import { loadOptions } from "../../../config/options.ts";
import { decodeIntakeRecord, type IntakeItem, intakeLimits } from "../../../consumers/relay-intake/decode.ts";
import { INTAKE_DLQ_REASONS } from "../../../consumers/relay-intake/reasons.ts";
import { InvalidMessage } from "../../../pipelines/errors.ts";
import {
  attachmentMessages,
  brokerValue,
  encode,
  eventId,
  eventMessage,
  fixtureDecoded,
  packr,
  rawEventMap,
  relayFixtures,
  userReportMessage,
} from "./messages.ts";

const LIMITS = intakeLimits(
  loadOptions(
    {},
    { maxPayloadBytes: 2048, maxJsonDepth: 16, maxAttachmentChunks: 4, maxAttachmentBytes: 1024 },
  ),
);
const ID = eventId(5);

function decode(bytes: Buffer, limits = LIMITS): IntakeItem {
  return decodeIntakeRecord(brokerValue(bytes, 17), limits);
}

function invalid(bytes: Buffer): InvalidMessage {
  try {
    decode(bytes);
  } catch (error) {
    if (error instanceof InvalidMessage) return error;
    throw error;
  }
  throw new Error("expected InvalidMessage");
}

function eventMap(entries: ReadonlyArray<[string, unknown]>): Buffer {
  return rawEventMap(ID, entries, JSON.stringify({ event_id: ID }));
}

describe("decodeIntakeRecord", () => {
  it("decodes every Relay example of the fixtures into its item type", () => {
    const fixtures = relayFixtures();
    expect(fixtures.map((f) => f.name)).toEqual([
      "ingest-attachments/attachment.msgpack",
      "ingest-attachments/attachment_chunk.msgpack",
      "ingest-events/dev-default-message.msgpack",
      "ingest-feedback-events/pokemart-widget-kcat.msgpack",
      "ingest-feedback-events/relay-test_feedback_event_with_processing.msgpack",
      "ingest-transactions/example.msgpack",
    ]);
    // The transaction example is 57 KB: the fixtures go through the default limits.
    const defaults = intakeLimits(loadOptions({}));
    for (const fixture of fixtures) {
      const item = decode(fixture.bytes, defaults);
      const decoded = fixtureDecoded(fixture.name);
      expect(item.type, fixture.name).toBe(decoded.type);
      expect(item.message.project_id).toBe(decoded.project_id);
      if (item.type === "event") {
        expect(item.facts.payloadText).toBe(item.message.payload.toString("utf8"));
        const payload = (decoded.payload as { __bytes_json__: { type: string; received: number } })
          .__bytes_json__;
        expect(item.facts.received).toBe(payload.received);
        expect(item.facts.kind).toBe(
          payload.type === "transaction" || payload.type === "feedback" ? payload.type : "event",
        );
      }
    }
  });

  it("reads the registry's attachment_id spelling of a chunk's id", () => {
    const item = decode(relayFixtures().find((f) => f.name.endsWith("attachment_chunk.msgpack"))!.bytes);
    expect(item).toMatchObject({
      type: "attachment_chunk",
      message: { id: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
    });
  });

  it("decodes built events, chunks, standalone attachments and user reports", () => {
    const built = attachmentMessages(ID, "att", Buffer.from("0123456789"), {
      standalone: true,
      chunkSize: 4,
    });
    expect(decode(eventMessage(ID)).type).toBe("event");
    expect(decode(built.chunks[0] as Buffer).type).toBe("attachment_chunk");
    expect(decode(built.message as Buffer).type).toBe("attachment");
    const report = decode(userReportMessage(ID, { comments: "hi" }));
    expect(report).toMatchObject({ type: "user_report", report: { eventId: ID, comments: "hi" } });
  });

  it("names the record and a closed reason for every hostile input", () => {
    const cases: Array<[string, Buffer, string]> = [
      ["truncated msgpack", eventMessage(ID).subarray(0, 40), "truncated-msgpack"],
      ["trailing bytes", Buffer.concat([eventMessage(ID), Buffer.from([0xc0])]), "trailing-bytes"],
      ["not a map", packr.pack([1, 2, 3]), "not-msgpack-map"],
      ["empty record", Buffer.alloc(0), "truncated-msgpack"],
      ["unknown type", packr.pack(new Map([["type", "metric"]])), "unknown-message-type"],
      ["project id as string", eventMap([["project_id", "1"]]), "wrong-type"],
      ["project id NaN", eventMap([["project_id", Number.NaN]]), "wrong-type"],
      ["negative project id", eventMap([["project_id", -1]]), "out-of-range"],
      ["start_time as float", eventMap([["start_time", 1.5]]), "wrong-type"],
      ["payload as str", eventMap([["payload", "{}"]]), "wrong-type"],
      [
        "missing event_id",
        packr.pack(
          new Map<string, unknown>([
            ["type", "event"],
            ["payload", Buffer.from("{}")],
          ]),
        ),
        "missing-field",
      ],
      ["event_id not hex", eventMap([["event_id", "X".repeat(32)]]), "invalid-value"],
      ["payload not UTF-8", eventMap([["payload", Buffer.from([0x7b, 0xc3, 0x28, 0x7d])]]), "invalid-utf8"],
      ["payload with NaN", eventMap([["payload", Buffer.from('{"a":NaN}')]]), "invalid-json"],
      [
        "payload too large",
        eventMap([["payload", Buffer.from(`{"pad":"${"x".repeat(3000)}"}`)]]),
        "payload-too-large",
      ],
      [
        "payload too deep",
        eventMap([["payload", Buffer.from(`{"a":${"[".repeat(20)}${"]".repeat(20)}}`)]]),
        "too-deep",
      ],
      ["payload an array", eventMap([["payload", Buffer.from("[]")]]), "payload-not-json-object"],
      [
        "event_id mismatch",
        eventMap([["payload", Buffer.from(JSON.stringify({ event_id: eventId(6) }))]]),
        "event-id-mismatch",
      ],
      [
        "too many chunks",
        eventMessage(ID, {
          attachments: [{ id: "a", name: "n", attachment_type: "event.attachment", chunks: 5, size: 10 }],
        }),
        "attachment-too-large",
      ],
      ["user report without comments", userReportMessage(ID, {}), "invalid-user-report"],
    ];
    for (const [name, bytes, reason] of cases) {
      const error = invalid(bytes);
      expect(error.reason, name).toBe(reason);
      expect(INTAKE_DLQ_REASONS).toContain(error.reason);
      expect(error.offset).toBe(17);
      expect(error.partition.key).toBe("ingest-attachments:0");
    }
  });

  it("treats a __proto__ key in the msgpack map as data: kept, never a prototype", () => {
    const bytes = eventMap([["__proto__", new Map([["polluted", true]])]]);
    const item = decode(bytes);
    expect(item.type).toBe("event");
    expect(item.message.extra?.get("__proto__")).toBeInstanceOf(Map);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("decodes an event whose payload has no event id, filling it in", () => {
    const item = decode(eventMap([["payload", Buffer.from('{"level":"error"}')]]));
    expect(item.type === "event" && JSON.parse(item.facts.payloadText)).toEqual({
      level: "error",
      event_id: ID,
    });
  });

  it("refuses a chunk larger than the attachment limit", () => {
    const big = encode({
      type: "attachment_chunk",
      payload: Buffer.alloc(LIMITS.maxAttachmentBytes + 1),
      event_id: ID,
      project_id: 1,
      id: "a",
      chunk_index: 0,
    });
    expect(invalid(big).reason).toBe("attachment-too-large");
  });
});
