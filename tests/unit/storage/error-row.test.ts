import { describe, expect, it } from "vitest";
import { type ErrorRow, enforceRetention, mapInsertToRow } from "../../../consumers/storage/error-row.ts";
import type { EventData, InsertBody } from "../../../consumers/storage/insert-body.ts";
import { JsonFloat, parseEventstreamJson } from "../../../consumers/storage/json-float.ts";
import { RowMappingError } from "../../../consumers/storage/row-errors.ts";
import { defaultConfig, insertBody, KAFKA } from "./helpers.ts";

function map(body: InsertBody, now = () => 1_800_000_000_000): ErrorRow {
  return mapInsertToRow(body, { config: defaultConfig, kafka: KAFKA, now });
}

function mapData(data: EventData): ErrorRow {
  return map(insertBody({}, data));
}

function rejection(body: InsertBody): RowMappingError {
  try {
    map(body);
  } catch (error) {
    if (error instanceof RowMappingError) return error;
    throw error;
  }
  throw new Error("expected a RowMappingError");
}

describe("mapInsertToRow: required fields and message-level rejections", () => {
  it("rejects a body without data as missing_field", () => {
    const error = rejection({ ...insertBody(), data: undefined });
    expect([error.reason, error.field]).toEqual(["missing_field", "data"]);
  });

  it("rejects a body without event_id, project_id, group_id, primary_hash or message", () => {
    for (const field of ["event_id", "project_id", "group_id", "primary_hash", "message"]) {
      const error = rejection({ ...insertBody(), [field]: undefined });
      expect([error.reason, error.field]).toEqual(["missing_field", field]);
    }
  });

  it("rejects an event_id that is not a UUID", () => {
    expect(rejection(insertBody({ event_id: "not-an-id" })).reason).toBe("invalid_field");
  });

  it("rejects a negative or fractional project_id", () => {
    expect(rejection(insertBody({ project_id: -1 })).field).toBe("project_id");
    expect(rejection(insertBody({ project_id: 1.5 })).field).toBe("project_id");
  });

  it("rejects transaction events like Snuba's processor", () => {
    expect(rejection(insertBody({}, { type: "transaction" })).reason).toBe("transaction_event");
  });

  it("rejects a string version, location or ip_address of the wrong JSON type", () => {
    expect(rejection(insertBody({}, { version: 7 })).field).toBe("data.version");
    expect(rejection(insertBody({}, { location: ["a"] })).field).toBe("data.location");
    expect(rejection(insertBody({}, { user: { ip_address: 1 } })).field).toBe("data.user.ip_address");
  });

  it("accepts hyphenated and upper-case event ids and writes them dashed and lower-case", () => {
    expect(map(insertBody({ event_id: "9CDC4C32-DFF1-4FBB-B012-B0AA9E908126" })).event_id).toBe(
      "9cdc4c32-dff1-4fbb-b012-b0aa9e908126",
    );
  });
});

describe("mapInsertToRow: retention, times and Kafka position", () => {
  it("uses the default retention when the message has none", () => {
    expect(map(insertBody()).retention_days).toBe(90);
  });

  it("keeps valid retentions and clamps the others like enforce_retention", () => {
    const clamp = (days: number) => map(insertBody({ retention_days: days })).retention_days;
    expect([30, 60, 90].map(clamp)).toEqual([30, 60, 90]);
    expect([0, 7, 30, 31, 45, 365].map(clamp)).toEqual([30, 30, 30, 90, 90, 90]);
  });

  it("clamps against the configured sets, not constants", () => {
    const config = { ...defaultConfig, validRetentionDays: new Set([14, 400]), lowerRetentionDays: 14 };
    expect(enforceRetention(400, config)).toBe(400);
    expect(enforceRetention(10, config)).toBe(14);
    expect(enforceRetention(null, config)).toBe(90);
  });

  it("rejects a retention beyond u16", () => {
    expect(rejection(insertBody({ retention_days: 70_000 })).field).toBe("retention_days");
  });

  it("writes timestamp in seconds and timestamp_ms in milliseconds", () => {
    const row = map(insertBody({ datetime: "2023-02-27T15:40:12.223999999Z" }));
    expect([row.timestamp, row.timestamp_ms]).toEqual([1677512412, 1677512412223]);
    expect(map(insertBody({ datetime: "2023-02-27T15:40:12Z" })).timestamp_ms).toBe(1677512412000);
  });

  it("uses epoch 0 for a missing datetime and now for an unparseable one", () => {
    expect(map({ ...insertBody(), datetime: undefined }).timestamp).toBe(0);
    expect(map(insertBody({ datetime: "yesterday" }), () => 1_234_567_890_123).timestamp_ms).toBe(
      1_234_567_890_123,
    );
    expect(map(insertBody({ datetime: "2023-02-30T00:00:00Z" }), () => 5000).timestamp).toBe(5);
  });

  it("reads group_first_seen as seconds and 0 when absent", () => {
    expect(map(insertBody({ group_first_seen: "2023-01-01T00:00:01.500000Z" })).group_first_seen).toBe(
      1672531201,
    );
    expect(map(insertBody()).group_first_seen).toBe(0);
  });

  it("copies partition, offset and the message timestamp (seconds) from Kafka", () => {
    const row = map(insertBody());
    expect([row.partition, row.offset, row.message_timestamp, row.deleted]).toEqual([
      3, 42, 1_700_000_000, 0,
    ]);
  });

  it("truncates received to whole seconds and saturates negatives to 0", () => {
    expect(mapData({ received: 1677512412.999 }).received).toBe(1677512412);
    expect(mapData({ received: -5 }).received).toBe(0);
    expect(mapData({ received: undefined }).received).toBe(0);
  });
});

describe("mapInsertToRow: tags", () => {
  it("sorts tags by key then value and promotes Sentry's tag names", () => {
    const row = mapData({
      tags: [
        ["transaction", "/api"],
        ["sentry:release", "1.0"],
        ["level", "warning"],
        ["environment", "prod"],
        ["sentry:dist", "d1"],
        ["sentry:user", "id:7"],
        ["browser", "b"],
        ["browser", "a"],
      ],
    });
    expect(row["tags.key"]).toEqual([
      "browser",
      "browser",
      "environment",
      "level",
      "sentry:dist",
      "sentry:release",
      "sentry:user",
      "transaction",
    ]);
    expect(row["tags.value"].slice(0, 2)).toEqual(["a", "b"]);
    expect([row.environment, row.level, row.release, row.dist, row.user, row.transaction_name]).toEqual([
      "prod",
      "warning",
      "1.0",
      "d1",
      "id:7",
      "/api",
    ]);
  });

  it("does not promote client tags named release, dist or user", () => {
    const row = mapData({
      tags: [
        ["release", "r"],
        ["dist", "d"],
        ["user", "u"],
      ],
    });
    expect([row.release, row.dist, row.user]).toEqual([null, null, ""]);
    expect(row["tags.key"]).toEqual(["dist", "release", "user"]);
  });

  it("drops null entries and pairs with a null key or value", () => {
    const row = mapData({ tags: [null, [null, "x"], ["k", null], ["ok", "1"]] });
    expect([row["tags.key"], row["tags.value"]]).toEqual([["ok"], ["1"]]);
  });

  it("stringifies non-string tag values the way serde_json prints them", () => {
    const row = mapData({
      tags: [
        ["a", true],
        ["b", 5],
        ["c", new JsonFloat(2)],
        ["d", { x: 1 }],
      ],
    });
    expect(row["tags.value"]).toEqual(["true", "5", "2.0", '{"x":1}']);
  });

  it("rejects a tag entry that is not a [key, value] pair", () => {
    expect(rejection(insertBody({}, { tags: [["a", "b", "c"]] })).field).toBe("data.tags.0");
    expect(rejection(insertBody({}, { tags: { a: "b" } })).field).toBe("data.tags");
  });

  it("keeps every tag of a huge tag set, sorted", () => {
    const tags = Array.from({ length: 10_000 }, (_, i) => [
      `k${String(9_999 - i).padStart(5, "0")}`,
      `v${i}`,
    ]);
    const row = mapData({ tags });
    expect(row["tags.key"]).toHaveLength(10_000);
    expect(row["tags.key"][0]).toBe("k00000");
    expect(row["tags.key"].at(-1)).toBe("k09999");
  });

  it("orders unicode keys by UTF-8 bytes as Rust does, not by UTF-16 units", () => {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (4 bytes, F0 9F 98 80) in
    // byte order, but after it in UTF-16 (0xFF5E > 0xD83D).
    const row = mapData({
      tags: [
        ["😀", "1"],
        ["～", "2"],
        ["é", "3"],
        ["z", "4"],
      ],
    });
    expect(row["tags.key"]).toEqual(["z", "é", "～", "😀"]);
  });

  it("takes replay_id from the replayId tag, null when it is not a UUID, and contexts.replay over both", () => {
    const id = "1da660e88c01430b85fe68537ed5838b";
    expect(mapData({ tags: [["replayId", id]] }).replay_id).toBe("1da660e8-8c01-430b-85fe-68537ed5838b");
    expect(mapData({ tags: [["replayId", "nope"]] }).replay_id).toBeNull();
    const fromContext = mapData({
      tags: [["replayId", id]],
      contexts: { replay: { replay_id: "00000000000000000000000000000001" } },
    });
    expect(fromContext.replay_id).toBe("00000000-0000-0000-0000-000000000001");
  });
});

describe("mapInsertToRow: contexts, trace and flags", () => {
  it("flattens contexts by name and key, skipping type and non-scalars, with Python booleans", () => {
    const row = mapData({
      contexts: {
        os: { type: "os", name: "Linux", rooted: false, extra: { a: 1 }, list: [1] },
        app: { in_foreground: true, build: 12, ratio: new JsonFloat(1), none: null },
      },
    });
    expect(row["contexts.key"]).toEqual([
      "app.build",
      "app.in_foreground",
      "app.ratio",
      "os.name",
      "os.rooted",
    ]);
    expect(row["contexts.value"]).toEqual(["12", "True", "1.0", "Linux", "False"]);
  });

  it("adds user.geo as the geo context, replacing a geo context", () => {
    const row = mapData({
      contexts: { geo: { city: "Old" } },
      user: { geo: { city: "Vienna", country_code: "AT" } },
    });
    expect(row["contexts.key"]).toEqual(["geo.city", "geo.country_code"]);
    expect(row["contexts.value"]).toEqual(["Vienna", "AT"]);
  });

  it("rejects a context that is not an object", () => {
    expect(rejection(insertBody({}, { contexts: { os: "linux" } })).field).toBe("data.contexts.os");
  });

  it("appends trace fields in Snuba's order and promotes trace_id, span_id and sampled", () => {
    const row = mapData({
      contexts: {
        trace: {
          parent_span_id: "aaaaaaaaaaaaaaaa",
          trace_id: "1DA660E8-8C01-430B-85FE-68537ED5838B",
          status: "ok",
          span_id: "ffffffffffffffff",
          op: "http",
          sampled: true,
          client_sample_rate: 0.5,
          ignored: "x",
        },
      },
    });
    expect(row["contexts.key"]).toEqual([
      "trace.client_sample_rate",
      "trace.op",
      "trace.span_id",
      "trace.status",
      "trace.trace_id",
      "trace.parent_span_id",
    ]);
    expect(row["contexts.value"]).toEqual([
      "0.5",
      "http",
      "ffffffffffffffff",
      "ok",
      "1da660e88c01430b85fe68537ed5838b",
      "aaaaaaaaaaaaaaaa",
    ]);
    expect([row.trace_id, row.span_id, row.trace_sampled]).toEqual([
      "1da660e8-8c01-430b-85fe-68537ed5838b",
      "18446744073709551615",
      1,
    ]);
  });

  it("keeps an unparseable span id in contexts but stores span_id as null", () => {
    const row = mapData({ contexts: { trace: { span_id: "xyz" } } });
    expect([row.span_id, row["contexts.value"]]).toEqual([null, ["xyz"]]);
  });

  it("rejects a trace_id that is not a UUID and a non-boolean sampled", () => {
    expect(rejection(insertBody({}, { contexts: { trace: { trace_id: "abc" } } })).field).toBe(
      "data.contexts.trace.trace_id",
    );
    expect(rejection(insertBody({}, { contexts: { trace: { sampled: "yes" } } })).field).toBe(
      "data.contexts.trace.sampled",
    );
  });

  it("stores feature flags with non-null flag and result, stringified", () => {
    const row = mapData({
      contexts: {
        flags: {
          values: [{ flag: "a", result: true }, { flag: "b", result: null }, null, { flag: "c", result: 3 }],
        },
      },
    });
    expect([row["flags.key"], row["flags.value"]]).toEqual([
      ["a", "c"],
      ["true", "3"],
    ]);
    expect(row["contexts.key"]).toEqual([]);
  });
});

describe("mapInsertToRow: exceptions and threads", () => {
  const frame = (fn: string, extra: Record<string, unknown> = {}) => ({
    function: fn,
    in_app: true,
    lineno: 1,
    ...extra,
  });

  it("writes one stack per non-null exception and one frame per non-null frame, levelled by exception", () => {
    const row = mapData({
      exception: {
        values: [
          { type: "A", value: "a", stacktrace: { frames: [frame("f1"), null, frame("f2")] } },
          null,
          {
            type: "B",
            value: 5,
            mechanism: { type: "generic", handled: false },
            stacktrace: { frames: [frame("g1")] },
          },
        ],
      },
    });
    expect(row["exception_stacks.type"]).toEqual(["A", "B"]);
    expect(row["exception_stacks.value"]).toEqual(["a", "5"]);
    expect(row["exception_stacks.mechanism_type"]).toEqual([null, "generic"]);
    expect(row["exception_stacks.mechanism_handled"]).toEqual([null, 0]);
    expect(row["exception_frames.function"]).toEqual(["f1", "f2", "g1"]);
    expect(row["exception_frames.stack_level"]).toEqual([0, 0, 1]);
  });

  it("maps mechanism.handled booleans only; strings become null like the Rust port", () => {
    const row = mapData({
      exception: {
        values: [{ mechanism: { handled: true } }, { mechanism: { handled: "yes" } }, { mechanism: null }],
      },
    });
    expect(row["exception_stacks.mechanism_handled"]).toEqual([1, null, null]);
  });

  it("rejects a negative colno and a non-boolean in_app; nulls a lineno beyond u32", () => {
    const withFrame = (f: Record<string, unknown>) =>
      insertBody({}, { exception: { values: [{ stacktrace: { frames: [f] } }] } });
    expect(rejection(withFrame({ colno: -1 })).field).toBe(
      "data.exception.values.0.stacktrace.frames.0.colno",
    );
    expect(rejection(withFrame({ in_app: "yes" })).field).toBe(
      "data.exception.values.0.stacktrace.frames.0.in_app",
    );
    expect(map(withFrame({ lineno: 2 ** 40 }))["exception_frames.lineno"]).toEqual([null]);
  });

  it("reads the legacy sentry.interfaces.Exception key", () => {
    const row = mapData({ "sentry.interfaces.Exception": { values: [{ type: "Legacy" }] } });
    expect(row["exception_stacks.type"]).toEqual(["Legacy"]);
  });

  it("marks exception_main_thread true, false or null from thread ids", () => {
    const threads = { values: [{ id: 1, main: false }, { id: 2, main: true }, { id: 3 }] };
    const onThread = (threadId: unknown) =>
      mapData({ exception: { values: [{ type: "E", thread_id: threadId }] }, threads }).exception_main_thread;
    expect(onThread(2)).toBe(true);
    expect(onThread(1)).toBe(false);
    expect(onThread(null)).toBeNull();
    // Ids compare without coercion: "2" is not 2.
    expect(onThread("2")).toBe(false);
    expect(
      mapData({ exception: { values: [{ thread_id: 2 }] }, threads: null }).exception_main_thread,
    ).toBeNull();
  });

  it("stores no stacks or frames for blacklisted projects", () => {
    const row = mapInsertToRow(
      insertBody({}, { exception: { values: [{ type: "E", stacktrace: { frames: [frame("f")] } }] } }),
      {
        config: { ...defaultConfig, stacktraceBlacklist: new Set([1]) },
        kafka: KAFKA,
      },
    );
    expect([
      row["exception_stacks.type"],
      row["exception_frames.function"],
      row.exception_main_thread,
    ]).toEqual([[], [], null]);
  });
});

describe("mapInsertToRow: user, request, sdk, modules and scalars", () => {
  it("splits the user's ip into v4 or canonical v6 text, null when unparseable", () => {
    const ip = (ip_address: string) => {
      const row = mapData({ user: { ip_address } });
      return [row.ip_address_v4, row.ip_address_v6];
    };
    expect(ip("84.115.213.8")).toEqual(["84.115.213.8", null]);
    expect(ip("2001:0DB8:0000:0000:0000:0000:0000:0001")).toEqual([null, "2001:db8::1"]);
    expect(ip("::ffff:10.0.0.1")).toEqual([null, "::ffff:10.0.0.1"]);
    expect(ip("fe80::1%eth0")).toEqual([null, null]);
    expect(ip("{{auto}}")).toEqual([null, null]);
  });

  it("takes user id, username and email, stringifying numbers", () => {
    const row = mapData({ user: { id: 42, username: "ann", email: "a@example.com" } });
    expect([row.user_id, row.user_name, row.user_email]).toEqual(["42", "ann", "a@example.com"]);
  });

  it("takes the first exact Referer or Referrer header and the method", () => {
    const referer = (headers: unknown) => mapData({ request: { method: "POST", headers } }).http_referer;
    expect(
      referer([
        ["referer", "lower"],
        ["Referrer", "r2"],
        ["Referer", "r3"],
      ]),
    ).toBe("r2");
    expect(referer([["Accept", "x"]])).toBeNull();
    expect(mapData({ request: { method: "POST" } }).http_method).toBe("POST");
  });

  it("writes empty sdk name/version when missing and drops null integrations", () => {
    const row = mapData({ sdk: { integrations: ["a", null, "b"] } });
    expect([row.sdk_name, row.sdk_version, row.sdk_integrations]).toEqual(["", "", ["a", "b"]]);
  });

  it("sorts modules by name and writes '' for a null version", () => {
    const row = mapData({ modules: { zlib: "1", attrs: null, Django: "4.2" } });
    expect([row["modules.name"], row["modules.version"]]).toEqual([
      ["Django", "attrs", "zlib"],
      ["4.2", "", "1"],
    ]);
  });

  it("hashes a primary hash that is not a UUID with MD5", () => {
    expect(map(insertBody({ primary_hash: "abc" })).primary_hash).toBe(
      "90015098-3cd2-4fb0-d696-3f7d28e17f72",
    );
  });

  it("computes sample_weight, num_processing_errors and symbolicated_in_app", () => {
    const row = mapData({ sample_rate: 0.25, errors: [{}, {}], symbolicated_in_app: true });
    expect([row.sample_weight, row.num_processing_errors, row.symbolicated_in_app]).toEqual([4, 2, 1]);
    expect(mapData({ sample_rate: 0 }).sample_weight).toBeNull();
  });

  it("stringifies non-string title, culprit and type and defaults them to ''", () => {
    expect([mapData({ title: 5 }).title, mapData({}).culprit, mapData({ type: undefined }).type]).toEqual([
      "5",
      "",
      "",
    ]);
  });

  it("keeps unicode text unchanged", () => {
    const row = map(insertBody({ message: "ошибка 💥 — \u0000" }, { title: "标题" }));
    expect([row.message, row.title]).toEqual(["ошибка 💥 — \u0000", "标题"]);
  });

  it("maps a message parsed from JSON text, keeping integral floats as Snuba prints them", () => {
    const text = JSON.stringify([
      2,
      "insert",
      insertBody({}, { contexts: { device: { battery: 1 } } }),
      {},
    ]).replace('"battery":1', '"battery":100.0');
    const body = (parseEventstreamJson(text) as unknown[])[2] as InsertBody;
    expect(map(body)["contexts.value"]).toEqual(["100.0"]);
  });
});
