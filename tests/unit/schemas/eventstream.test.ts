import { describe, expect, it } from "vitest";
import { type DecodeReason, EncodeError } from "../../../schemas/errors.ts";
import {
  eventStreamHeaders,
  eventStreamKey,
  parseEventStreamMessage,
  serializeEventStreamMessage,
} from "../../../schemas/eventstream/codec.ts";
import type { EventStreamMessage, InsertMessage } from "../../../schemas/eventstream/types.ts";
import { catchDecode } from "./fixtures.ts";

const LIMITS = { maxBytes: 25_000_000, maxDepth: 130 };

const body = {
  event_id: "dcb9d002cac548c795d1c9adbfc68040",
  project_id: 300688,
  organization_id: 3,
  group_id: 124,
  group_ids: [124],
  primary_hash: "04233d08ac90cf6fc015b1be5932e7e2",
  message: "hello",
  platform: "python",
  datetime: "2023-02-27T15:40:12.223000Z",
  data: { received: 1677512412.2232, tags: [["level", "error"]] },
};
const state = { is_new: false, is_regression: false, is_new_group_environment: false, skip_consume: false };
const insert = (patch: Record<string, unknown> = {}, drop: string[] = []): unknown[] => {
  const b: Record<string, unknown> = { ...body, ...patch };
  for (const key of drop) delete b[key];
  return [2, "insert", b, state];
};
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

const HOSTILE: ReadonlyArray<[string, Uint8Array, DecodeReason]> = [
  ["text that is not JSON", Buffer.from("[2, insert"), "invalid-json"],
  ["invalid UTF-8", Buffer.from([0x5b, 0x32, 0x2c, 0xff, 0x5d]), "invalid-utf8"],
  ["an object instead of a tuple", json({ version: 2 }), "not-eventstream-tuple"],
  ["a tuple of two", json([2, "insert"]), "not-eventstream-tuple"],
  ["an insert without its state", json([2, "insert", body]), "not-eventstream-tuple"],
  [
    "a replacement with a fourth element",
    json([2, "end_merge", { project_id: 1 }, {}]),
    "not-eventstream-tuple",
  ],
  ["protocol version 1", json([1, "insert", body, state]), "unsupported-version"],
  ["the version as a string", json(["2", "insert", body, state]), "unsupported-version"],
  ["the operation as a number", json([2, 7, body, state]), "wrong-type"],
  ["an unknown operation", json([2, "delete_everything", { project_id: 1 }]), "unknown-operation"],
  ["a null body", json([2, "insert", null, state]), "wrong-type"],
  ["an array body", json([2, "exclude_groups", [1]]), "wrong-type"],
  ["an insert without data", json(insert({}, ["data"])), "missing-field"],
  ["an insert whose data lacks received", json(insert({ data: { tags: [] } })), "missing-field"],
  ["received as a string", json(insert({ data: { received: "now" } })), "wrong-type"],
  ["data as a string", json(insert({ data: "{}" })), "wrong-type"],
  ["a negative project_id", json(insert({ project_id: -1 })), "out-of-range"],
  ["project_id as a string", json(insert({ project_id: "1" })), "wrong-type"],
  [
    "project_id beyond 2^53",
    Buffer.from(JSON.stringify(insert()).replace("300688", "1152921504606846976")),
    "out-of-range",
  ],
  ["group_id as a float", json(insert({ group_id: 1.5 })), "wrong-type"],
  ["primary_hash as null", json(insert({ primary_hash: null })), "wrong-type"],
  ["a string in group_ids", json(insert({ group_ids: [1, "2"] })), "wrong-type"],
  ["retention_days as a string", json(insert({ retention_days: "90" })), "wrong-type"],
  [
    "event_ids that are not a list",
    json([2, "tombstone_events", { project_id: 1, event_ids: "abc" }]),
    "wrong-type",
  ],
  [
    "a number among unmerge hashes",
    json([
      2,
      "end_unmerge",
      { project_id: 1, previous_group_id: 1, new_group_id: 2, hashes: [1], datetime: "x" },
    ]),
    "wrong-type",
  ],
  [
    "merge without new_group_id",
    json([2, "end_merge", { project_id: 1, previous_group_ids: [1], datetime: "x" }]),
    "missing-field",
  ],
  [
    "200 levels of nesting in data",
    json(insert({ data: { received: 1, x: JSON.parse(`${"[".repeat(200)}${"]".repeat(200)}`) } })),
    "too-deep",
  ],
  ["a message over the limit", Buffer.alloc(LIMITS.maxBytes + 1, 0x20), "payload-too-large"],
];

describe("parseEventStreamMessage on hostile input", () => {
  for (const [name, bytes, reason] of HOSTILE) {
    it(`gives DecodeError ${reason} for ${name}`, () => {
      const error = catchDecode(() => parseEventStreamMessage(bytes, LIMITS));
      expect(error.reason).toBe(reason);
      expect(error.format).toBe("eventstream-json");
    });
  }

  it("drops __proto__ keys inside the event data", () => {
    const text = JSON.stringify(insert()).replace('"tags"', '"__proto__":{"polluted":1},"tags"');
    const message = parseEventStreamMessage(Buffer.from(text), LIMITS) as InsertMessage;
    expect(Object.hasOwn(message.body.data, "__proto__")).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("parseEventStreamMessage on valid input", () => {
  it("accepts null platform and retention_days, as Sentry sends them", () => {
    const message = parseEventStreamMessage(json(insert({ platform: null, retention_days: null })), LIMITS);
    expect(message.operation).toBe("insert");
  });

  it("accepts null optional replacement fields", () => {
    const message = parseEventStreamMessage(
      json([
        2,
        "tombstone_events",
        { project_id: 1, event_ids: ["a"], old_primary_hash: null, from_timestamp: null },
      ]),
      LIMITS,
    );
    expect(message.operation).toBe("tombstone_events");
  });

  it("keeps keys it does not know", () => {
    const message = parseEventStreamMessage(json(insert({ occurrence_id: "x", future_field: [1] })), LIMITS);
    expect(message.body.future_field).toEqual([1]);
  });
});

describe("serializing eventstream messages", () => {
  it("writes the tuple compactly and parses back to the same message", () => {
    const message: EventStreamMessage = {
      version: 2,
      operation: "end_delete_groups",
      body: {
        project_id: 5,
        group_ids: [1, 2],
        datetime: "2023-03-08T10:40:43.677535Z",
        transaction_id: "t",
      },
    };
    const bytes = serializeEventStreamMessage(message);
    expect(bytes.toString()).toBe(
      '[2,"end_delete_groups",{"project_id":5,"group_ids":[1,2],"datetime":"2023-03-08T10:40:43.677535Z","transaction_id":"t"}]',
    );
    expect(parseEventStreamMessage(bytes, LIMITS)).toEqual(message);
  });

  it("keys every message by project id text", () => {
    expect(eventStreamKey(300688).toString()).toBe("300688");
  });

  it("builds the detailed insert headers of eventstream:kafka-headers, omitting nulls", () => {
    const message = parseEventStreamMessage(json(insert()), LIMITS);
    const headers = eventStreamHeaders(message, { receivedTimestamp: 1677512412.2232, detailed: true });
    expect(headers.map(([k, v]) => [k, v.toString()])).toEqual([
      ["Received-Timestamp", "1677512412.2232"],
      ["event_id", body.event_id],
      ["project_id", "300688"],
      ["group_id", "124"],
      ["primary_hash", body.primary_hash],
      ["is_new", "0"],
      ["is_new_group_environment", "0"],
      ["is_regression", "0"],
      ["skip_consume", "0"],
      ["queue", "post_process_errors"],
      ["operation", "insert"],
      ["version", "2"],
    ]);
  });

  it("refuses to build insert headers without the received timestamp", () => {
    const message = parseEventStreamMessage(json(insert()), LIMITS);
    expect(() => eventStreamHeaders(message)).toThrow(EncodeError);
  });
});
