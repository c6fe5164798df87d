import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import type { DecodeReason } from "../../../schemas/errors.ts";
import { EncodeError } from "../../../schemas/errors.ts";
import {
  decodeRelayMessage,
  encodeRelayMessage,
  eventIdFromKey,
  eventIdToKey,
} from "../../../schemas/relay/codec.ts";
import type { RelayEventMessage } from "../../../schemas/relay/types.ts";
import { catchDecode, relayFixtures } from "./fixtures.ts";

const packr = new Packr({ useRecords: false, variableMapSize: true });
const EVENT_ID = "2107c4e968514c8690d3a3a24570c40d";

/** A valid Relay event message as a Map, ready to be broken one key at a time. */
function eventMap(
  overrides: ReadonlyArray<[string, unknown]> = [],
  without: ReadonlyArray<string> = [],
): Buffer {
  const map = new Map<string, unknown>([
    ["type", "event"],
    ["payload", Buffer.from('{"event_id":"2107c4e968514c8690d3a3a24570c40d"}')],
    ["start_time", 1709691573],
    ["event_id", EVENT_ID],
    ["project_id", 3],
    ["remote_addr", "172.18.0.1"],
    ["attachments", []],
  ]);
  for (const [k, v] of overrides) map.set(k, v);
  for (const k of without) map.delete(k);
  return packr.pack(map);
}

function attachment(overrides: ReadonlyArray<[string, unknown]> = [], without: ReadonlyArray<string> = []) {
  const map = new Map<string, unknown>([
    ["id", "bbbb"],
    ["name", "screenshot.png"],
    ["attachment_type", "event.attachment"],
    ["chunks", 1],
  ]);
  for (const [k, v] of overrides) map.set(k, v);
  for (const k of without) map.delete(k);
  return map;
}

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ""), "hex");
const deepArrays = (depth: number): Buffer =>
  Buffer.concat([hex("81 a1 78"), Buffer.alloc(depth, 0x91), hex("c0")]);

const HOSTILE: ReadonlyArray<[string, Uint8Array, DecodeReason]> = [
  ["empty input", Buffer.alloc(0), "truncated-msgpack"],
  ["a map header with nothing after it", hex("87"), "truncated-msgpack"],
  ["a str32 claiming 4 GiB", hex("81 a1 78 db ffffffff 61"), "truncated-msgpack"],
  ["an array32 claiming 4 billion items", hex("81 a1 78 dd ffffffff c0"), "truncated-msgpack"],
  ["a bin32 claiming 4 GiB", hex("81 a1 78 c6 ffffffff"), "truncated-msgpack"],
  ["a top-level array", hex("92 01 02"), "not-msgpack-map"],
  ["a top-level string", hex("a3 616263"), "not-msgpack-map"],
  ["a top-level nil", hex("c0"), "not-msgpack-map"],
  ["a top-level bin", hex("c4 01 00"), "not-msgpack-map"],
  ["bytes after the message", Buffer.concat([eventMap(), hex("00")]), "trailing-bytes"],
  ["two messages back to back", Buffer.concat([eventMap(), eventMap()]), "trailing-bytes"],
  ["the reserved byte 0xc1", hex("81 a1 78 c1"), "invalid-msgpack"],
  ["a timestamp extension", hex("81 a1 78 d6 ff 00000000"), "invalid-msgpack"],
  ["msgpackr's record extension", hex("81 a1 78 d4 72 00"), "invalid-msgpack"],
  ["an ext8 value", hex("81 a1 78 c7 01 05 00"), "invalid-msgpack"],
  ["an integer map key", hex("81 01 a1 61"), "non-string-key"],
  ["a bin map key", hex("81 c4 01 61 01"), "non-string-key"],
  ["a map as a map key", hex("81 80 01"), "non-string-key"],
  [
    "a non-string key inside an attachment",
    eventMap([["attachments", [new Map<unknown, unknown>([[1, 2]])]]]),
    "non-string-key",
  ],
  ["invalid UTF-8 in a value", hex("81 a1 78 a2 ff fe"), "invalid-utf8"],
  ["invalid UTF-8 in a key", hex("81 a2 c3 28 01"), "invalid-utf8"],
  ["an overlong UTF-8 encoding", hex("81 a1 78 a2 c0 af"), "invalid-utf8"],
  ["a UTF-16 surrogate encoded as UTF-8", hex("81 a1 78 a3 ed a0 80"), "invalid-utf8"],
  ["100 000 nested arrays", deepArrays(100_000), "too-deep"],
  ["33 nested arrays", deepArrays(32), "too-deep"],
  ["no type", eventMap([], ["type"]), "missing-field"],
  ["type as an integer", eventMap([["type", 1]]), "wrong-type"],
  ["an unknown type", eventMap([["type", "metric"]]), "unknown-message-type"],
  ["payload as str instead of bin", eventMap([["payload", "{}"]]), "wrong-type"],
  ["payload as nil", eventMap([["payload", null]]), "wrong-type"],
  ["no start_time", eventMap([], ["start_time"]), "missing-field"],
  ["project_id as a string", eventMap([["project_id", "3"]]), "wrong-type"],
  ["project_id as a float", eventMap([["project_id", 1.5]]), "wrong-type"],
  ["a negative project_id", eventMap([["project_id", -3]]), "out-of-range"],
  ["project_id = 2^64-1", eventMap([["project_id", 18446744073709551615n]]), "out-of-range"],
  ["event_id with dashes", eventMap([["event_id", "2107c4e9-6851-4c86-90d3-a3a24570c40d"]]), "invalid-value"],
  ["event_id in upper case", eventMap([["event_id", EVENT_ID.toUpperCase()]]), "invalid-value"],
  ["remote_addr as an integer", eventMap([["remote_addr", 17]]), "wrong-type"],
  ["attachments as a map", eventMap([["attachments", new Map()]]), "wrong-type"],
  ["an attachment that is a string", eventMap([["attachments", ["x"]]]), "wrong-type"],
  ["an attachment without name", eventMap([["attachments", [attachment([], ["name"])]]]), "missing-field"],
  [
    "an attachment with chunks as a string",
    eventMap([["attachments", [attachment([["chunks", "1"]])]]]),
    "wrong-type",
  ],
  [
    "rate_limited as a string",
    eventMap([["attachments", [attachment([["rate_limited", "yes"]])]]]),
    "wrong-type",
  ],
  [
    "a chunk without chunk_index",
    packr.pack(
      new Map<string, unknown>([
        ["type", "attachment_chunk"],
        ["payload", Buffer.from("x")],
        ["event_id", EVENT_ID],
        ["project_id", 1],
        ["id", "a"],
      ]),
    ),
    "missing-field",
  ],
  [
    "a standalone attachment whose attachment is a list",
    packr.pack(
      new Map<string, unknown>([
        ["type", "attachment"],
        ["event_id", EVENT_ID],
        ["project_id", 1],
        ["attachment", []],
      ]),
    ),
    "wrong-type",
  ],
];

describe("decodeRelayMessage on hostile input", () => {
  for (const [name, bytes, reason] of HOSTILE) {
    it(`gives DecodeError ${reason} for ${name}`, () => {
      const error = catchDecode(() => decodeRelayMessage(bytes));
      expect(error.reason).toBe(reason);
      expect(error.format).toBe("relay-msgpack");
    });
  }

  it("reports truncated-msgpack for every proper prefix of every fixture", () => {
    for (const fixture of relayFixtures()) {
      for (let end = 0; end < fixture.bytes.length; end++) {
        const error = catchDecode(() => decodeRelayMessage(fixture.bytes.subarray(0, end)));
        expect(error.reason, `${fixture.name} cut at ${end}`).toBe("truncated-msgpack");
      }
    }
  });

  it("names the path of a bad nested field", () => {
    const error = catchDecode(() =>
      decodeRelayMessage(eventMap([["attachments", [attachment(), attachment([], ["id"])]]])),
    );
    expect(error.path).toBe("attachments[1].id");
  });

  it("keeps a __proto__ key as data without touching any prototype", () => {
    const bytes = packr.pack(
      new Map<string, unknown>([
        ...(packrEntries(eventMap()) as [string, unknown][]),
        ["__proto__", new Map([["polluted", true]])],
      ]),
    );
    const message = decodeRelayMessage(bytes) as RelayEventMessage;
    expect(message.extra?.get("__proto__")).toEqual(new Map([["polluted", true]]));
    expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(encodeRelayMessage(message).equals(bytes)).toBe(true);
  });

  it("accepts a 5 MiB payload and keeps it as a view of the input", () => {
    const payload = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const bytes = eventMap([["payload", payload]]);
    const message = decodeRelayMessage(bytes) as RelayEventMessage;
    expect(message.payload.length).toBe(payload.length);
  });
});

describe("decodeRelayMessage tolerance", () => {
  it("keeps unknown keys, in order, and writes them back", () => {
    const bytes = eventMap([
      ["retention_days", 90],
      ["sdk", new Map([["name", "x"]])],
    ]);
    const message = decodeRelayMessage(bytes) as RelayEventMessage;
    expect([...(message.extra?.keys() ?? [])]).toEqual(["retention_days", "sdk"]);
    expect(encodeRelayMessage(message).equals(bytes)).toBe(true);
  });

  it("accepts events without remote_addr and attachments, and does not invent them", () => {
    const bytes = eventMap([], ["remote_addr", "attachments"]);
    const message = decodeRelayMessage(bytes) as RelayEventMessage;
    expect("remote_addr" in message).toBe(false);
    expect("attachments" in message).toBe(false);
    expect(encodeRelayMessage(message).equals(bytes)).toBe(true);
  });

  it("reads nil remote_addr as null", () => {
    expect(
      (decodeRelayMessage(eventMap([["remote_addr", null]])) as RelayEventMessage).remote_addr,
    ).toBeNull();
  });
});

describe("encodeRelayMessage", () => {
  it("writes Relay's key order with type first, bytes as bin", () => {
    const message: RelayEventMessage = {
      type: "event",
      payload: Buffer.from("{}"),
      start_time: 1,
      event_id: EVENT_ID,
      project_id: 1,
      remote_addr: null,
      attachments: [
        { id: "a", name: "n", attachment_type: "event.minidump", chunks: 0, data: Buffer.from([1]), size: 1 },
      ],
    };
    const bytes = encodeRelayMessage(message);
    expect([...packrKeys(bytes)]).toEqual([
      "type",
      "payload",
      "start_time",
      "event_id",
      "project_id",
      "remote_addr",
      "attachments",
    ]);
    expect(bytes.includes(Buffer.from("c4027b7d", "hex"))).toBe(true);
    expect(decodeRelayMessage(bytes)).toEqual(message);
  });

  it("writes integers above 32 bits as integers, not floats", () => {
    const message: RelayEventMessage = {
      type: "event",
      payload: Buffer.from("{}"),
      start_time: 1,
      event_id: EVENT_ID,
      project_id: 2 ** 40,
    };
    const bytes = encodeRelayMessage(message);
    expect(bytes.includes(Buffer.from("d30000010000000000", "hex"))).toBe(true);
    expect((decodeRelayMessage(bytes) as RelayEventMessage).project_id).toBe(2 ** 40);
  });

  it("refuses a negative or fractional integer field", () => {
    const base = { type: "user_report" as const, start_time: 1, payload: Buffer.from("{}") };
    expect(() => encodeRelayMessage({ ...base, project_id: -1 })).toThrow(EncodeError);
    expect(() => encodeRelayMessage({ ...base, project_id: 1.5 })).toThrow(EncodeError);
  });

  it("round-trips a user_report, which carries no event id in the map", () => {
    const message = {
      type: "user_report" as const,
      project_id: 7,
      start_time: 5,
      payload: Buffer.from('{"name":"x"}'),
    };
    const bytes = encodeRelayMessage(message);
    expect([...packrKeys(bytes)]).toEqual(["type", "project_id", "start_time", "payload"]);
    expect(decodeRelayMessage(bytes)).toEqual(message);
  });
});

describe("Relay Kafka keys", () => {
  it("are the 16 raw bytes of the event id", () => {
    const key = eventIdToKey(EVENT_ID);
    expect(key.length).toBe(16);
    expect(eventIdFromKey(key)).toBe(EVENT_ID);
    expect(eventIdFromKey(Buffer.from(EVENT_ID))).toBeUndefined();
    expect(eventIdFromKey(null)).toBeUndefined();
    expect(() => eventIdToKey("nope")).toThrow(EncodeError);
  });
});

function packrEntries(bytes: Buffer): Array<[unknown, unknown]> {
  return [...(new Packr({ useRecords: false, mapsAsObjects: false }).unpack(bytes) as Map<unknown, unknown>)];
}

function packrKeys(bytes: Buffer): IterableIterator<unknown> {
  return (
    new Packr({ useRecords: false, mapsAsObjects: false }).unpack(bytes) as Map<unknown, unknown>
  ).keys();
}

describe("64-bit integers as rmp writes them", () => {
  it("reads a uint64-encoded (0xcf) project id below 2^53", () => {
    const small = packr.pack(
      new Map<string, unknown>([
        ["type", "user_report"],
        ["project_id", 0],
        ["start_time", 1],
        ["payload", Buffer.from("{}")],
      ]),
    );
    // "project_id" followed by fixint 0, swapped for 0xcf and 8 bytes of 2^40.
    const uint64 = Buffer.from(
      small.toString("hex").replace("aa70726f6a6563745f696400", "aa70726f6a6563745f6964cf0000010000000000"),
      "hex",
    );
    expect(uint64.length).toBe(small.length + 8);
    expect(decodeRelayMessage(uint64)).toMatchObject({ project_id: 2 ** 40 });
  });
});
