import { Packr, Unpackr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { relayCodec } from "../../schemas/codecs.ts";
import {
  eventStreamHeaders,
  parseEventStreamMessage,
  serializeEventStreamMessage,
} from "../../schemas/eventstream/codec.ts";
import { isInsert } from "../../schemas/eventstream/types.ts";
import { parseEventPayload } from "../../schemas/json-payload.ts";
import { decodeRelayMessage, encodeRelayMessage } from "../../schemas/relay/codec.ts";
import type { RelayAttachmentChunkMessage, RelayMessage } from "../../schemas/relay/types.ts";
import {
  catchDecode,
  eventStreamFixtures,
  readFixtureJson,
  relayFixtures,
  renderBytes,
  renderMsgpackValue,
} from "../unit/schemas/fixtures.ts";

const rawUnpackr = new Unpackr({ useRecords: false, mapsAsObjects: false });
// Packs arbitrary maps (e.g. with a required key removed) the way Relay would.
const rawPackr = new Packr({ useRecords: false, variableMapSize: true });
const LIMITS = { maxBytes: 1_048_576, maxDepth: 128 };

/** The typed message as the fixtures' decoded.json spell it (Relay key names, bytes rendered). */
function fixtureView(message: RelayMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    if (key === "extra" || key === "id_key") continue;
    const name = key === "id" && "id_key" in message && message.id_key ? message.id_key : key;
    out[name] = renderMsgpackValue(value);
  }
  if (message.extra) for (const [key, value] of message.extra) out[key] = renderMsgpackValue(value);
  return out;
}

describe("Relay messages from sentry-kafka-schemas", () => {
  const fixtures = relayFixtures();

  it("finds every example message", () => {
    expect(fixtures.map((f) => f.name)).toEqual([
      "ingest-events/dev-default-message.msgpack",
      "ingest-attachments/attachment.msgpack",
      "ingest-attachments/attachment_chunk.msgpack",
      "ingest-transactions/example.msgpack",
      "ingest-feedback-events/pokemart-widget-kcat.msgpack",
      "ingest-feedback-events/relay-test_feedback_event_with_processing.msgpack",
    ]);
  });

  for (const fixture of fixtures) {
    describe(fixture.name, () => {
      it("decodes with its topic's codec to the decoded.json values", () => {
        const message = relayCodec(undefined).decode(fixture.bytes);
        expect(fixtureView(message)).toEqual(fixture.decoded);
      });

      it("keeps payload and data as bytes until asked to parse them", () => {
        const message = decodeRelayMessage(fixture.bytes);
        if (message.type === "attachment") {
          expect(message.attachment.data).toBeUndefined();
          return;
        }
        expect(Buffer.isBuffer(message.payload)).toBe(true);
        expect(renderBytes(message.payload)).toEqual(fixture.decoded.payload);
        if (message.type === "event") {
          const event = parseEventPayload(message.payload, LIMITS);
          expect(event.event_id).toBe(message.event_id);
        }
      });

      it("re-encodes to an equal msgpack value", () => {
        const encoded = encodeRelayMessage(decodeRelayMessage(fixture.bytes));
        expect(renderMsgpackValue(rawUnpackr.unpack(encoded))).toEqual(fixture.decoded);
        expect(renderMsgpackValue(rawUnpackr.unpack(encoded))).toEqual(
          renderMsgpackValue(rawUnpackr.unpack(fixture.bytes)),
        );
      });
    });
  }

  it("re-encodes Relay-written examples byte for byte", () => {
    // The registry's attachment_chunk example orders its keys differently from Relay's struct
    // (attachment_id before payload), so only its value round-trips, which the tests above pin.
    const relayWritten = fixtures.filter((f) => !f.name.endsWith("attachment_chunk.msgpack"));
    for (const fixture of relayWritten) {
      expect(encodeRelayMessage(decodeRelayMessage(fixture.bytes)).equals(fixture.bytes), fixture.name).toBe(
        true,
      );
    }
  });

  it("reads the attachment id under Relay's key and the registry's alias alike", () => {
    const chunk = fixtures.find((f) => f.name.endsWith("attachment_chunk.msgpack"))!;
    const message = decodeRelayMessage(chunk.bytes) as RelayAttachmentChunkMessage;
    expect(message).toMatchObject({
      type: "attachment_chunk",
      id: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
      chunk_index: 0,
    });
    const { id_key: _registrySpelling, ...relayShape } = message;
    const relaySpelling = encodeRelayMessage(relayShape);
    expect([...(rawUnpackr.unpack(relaySpelling) as Map<string, unknown>).keys()]).toEqual([
      "type",
      "payload",
      "event_id",
      "project_id",
      "id",
      "chunk_index",
    ]);
    expect(decodeRelayMessage(relaySpelling)).toMatchObject({ id: message.id, chunk_index: 0 });
  });

  it("requires every key the registry schema requires for event messages", () => {
    const schema = readFixtureJson<{ required: string[] }>("schemas/ingest-events.v1.schema.json");
    const fixture = fixtures.find((f) => f.topic === "ingest-events")!;
    for (const key of schema.required) {
      const map = rawUnpackr.unpack(fixture.bytes) as Map<string, unknown>;
      map.delete(key);
      const bytes = rawPackr.pack(map);
      const error = catchDecode(() => decodeRelayMessage(bytes));
      expect(error.reason, key).toBe("missing-field");
    }
  });

  it("refuses message types a topic does not carry, as Sentry's consumer does", () => {
    const attachment = fixtures.find((f) => f.name.endsWith("/attachment.msgpack"))!;
    const ingestEvents = relayCodec(new Set(["event"]));
    expect(catchDecode(() => ingestEvents.decode(attachment.bytes)).reason).toBe("unknown-message-type");
  });
});

describe("eventstream messages on `events` from sentry-kafka-schemas", () => {
  const fixtures = eventStreamFixtures();
  const schema = readFixtureJson<{
    definitions: Record<string, { items: Array<{ const?: string; $ref?: string; required?: string[] }> }>;
  }>("schemas/events.v1.schema.json");

  it("covers inserts and every replacement operation", () => {
    const operations = new Set(fixtures.map((f) => f.value[1]));
    expect([...operations].sort()).toEqual([
      "end_delete_groups",
      "end_delete_tag",
      "end_merge",
      "end_unmerge",
      "exclude_groups",
      "insert",
      "replace_group",
      "start_delete_groups",
      "start_merge",
      "tombstone_events",
    ]);
  });

  for (const fixture of fixtures) {
    it(`${fixture.name} parses into a typed message and re-serializes to equal JSON`, () => {
      const message = parseEventStreamMessage(fixture.bytes, LIMITS);
      expect(message.version).toBe(2);
      expect(message.operation).toBe(fixture.value[1]);
      expect(message.body.project_id).toBe((fixture.value[2] as { project_id: number }).project_id);
      if (isInsert(message)) {
        expect(typeof message.body.data.received).toBe("number");
        expect(message.body.group_id).toBeGreaterThanOrEqual(0);
        expect(message.state).toEqual(fixture.value[3]);
      }
      expect(JSON.parse(serializeEventStreamMessage(message).toString("utf8"))).toEqual(fixture.value);
    });
  }

  it("requires, per operation, exactly the body keys the registry schema requires", () => {
    const requiredByOp = new Map<string, string[]>();
    for (const def of Object.values(schema.definitions)) {
      const op = def.items?.[1]?.const;
      const body = def.items?.[2];
      if (!op || !body) continue;
      requiredByOp.set(op, body.required ?? []);
    }
    requiredByOp.set(
      "insert",
      (schema.definitions.ErrorMessage as unknown as { required: string[] }).required,
    );
    for (const fixture of fixtures) {
      const op = fixture.value[1] as string;
      const body = fixture.value[2] as Record<string, unknown>;
      const required = requiredByOp.get(op)!;
      for (const key of Object.keys(body)) {
        const tuple = [...fixture.value];
        const { [key]: _dropped, ...rest } = body;
        tuple[2] = rest;
        const bytes = Buffer.from(JSON.stringify(tuple));
        if (required.includes(key)) {
          expect(catchDecode(() => parseEventStreamMessage(bytes, LIMITS)).reason, `${op} ${key}`).toBe(
            "missing-field",
          );
        } else {
          expect(parseEventStreamMessage(bytes, LIMITS).operation, `${op} ${key}`).toBe(op);
        }
      }
    }
  });

  it("builds Sentry's headers: received timestamp and queue on inserts, operation and version always", () => {
    const insert = parseEventStreamMessage(fixtures.find((f) => f.name === "errors1.json")!.bytes, LIMITS);
    const headers = eventStreamHeaders(insert, { receivedTimestamp: 1677512412 });
    expect(headers.map(([k, v]) => [k, v.toString()])).toEqual([
      ["Received-Timestamp", "1677512412.0"],
      ["queue", "post_process_errors"],
      ["operation", "insert"],
      ["version", "2"],
    ]);
    const merge = parseEventStreamMessage(fixtures.find((f) => f.name === "end-merge.json")!.bytes, LIMITS);
    expect(eventStreamHeaders(merge).map(([k, v]) => [k, v.toString()])).toEqual([
      ["operation", "end_merge"],
      ["version", "2"],
    ]);
  });
});

describe("Python-legacy JSON (Relay's store endpoint for raven-python/sentry-python clients)", () => {
  const input = readFixtureJson<{ raw_event: string }>("legacy-json/store_py_legacy_json_nan.input.json");
  const expected = readFixtureJson<Record<string, unknown>>(
    "legacy-json/store_py_legacy_json_nan.expected.json",
  );

  it("repairs NaN to 0 like Relay does for those clients", () => {
    const event = parseEventPayload(Buffer.from(input.raw_event), { ...LIMITS, legacyPythonJson: true });
    expect(event).toMatchObject(expected);
  });

  it("rejects the same text as invalid JSON everywhere else", () => {
    expect(catchDecode(() => parseEventPayload(Buffer.from(input.raw_event), LIMITS)).reason).toBe(
      "invalid-json",
    );
  });
});
