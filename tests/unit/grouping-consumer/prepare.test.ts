import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseLossless } from "lossless-json";
import { describe, expect, it } from "vitest";
import { insertPayload, sentryDatetime } from "../../../consumers/grouping/eventstream-output.ts";
import {
  type PreparedEvent,
  prepareEvent,
  prepareMessage,
  type ResolvedEvent,
} from "../../../consumers/grouping/prepare.ts";
import type { GroupingSettings } from "../../../consumers/grouping/project-config.ts";
import { GroupingRuleError } from "../../../consumers/grouping/reasons.ts";
import { mapInsertToRow, rowMappingConfig } from "../../../consumers/storage/error-row.ts";
import { InvalidMessage, Message, Partition } from "../../../pipelines/index.ts";
import type { EventNormalizedRecord } from "../../../schemas/avro/types.ts";
import { DecodeError } from "../../../schemas/errors.ts";
import { parseEventStreamMessage } from "../../../schemas/eventstream/codec.ts";
import { eventId, fingerprintEvent, normalizedRecord, recordFor, testOptions } from "./harness.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const LIMITS = { maxBytes: 10_000_000, maxDepth: 64 };
const KAFKA = { partition: 0, offset: 1, timestampMs: 1_706_645_526_000 };

function settings(projectId: number, overrides: Partial<GroupingSettings> = {}): GroupingSettings {
  return {
    projectId,
    organizationId: 123,
    groupingConfig: "newstyle:2023-01-11",
    stackTraceRules: "",
    fingerprintRules: "",
    ...overrides,
  };
}

function prepare(record: EventNormalizedRecord, project = settings(record.project_id)): PreparedEvent {
  return prepareEvent({ record, project, limits: LIMITS });
}

/** The `data` of one of Sentry's example inserts, without the hashes our grouping recomputes. */
function fixtureData(name: string): Record<string, unknown> {
  const tuple = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as [
    number,
    string,
    { data: Record<string, unknown> },
  ];
  const { hashes: _, ...data } = tuple[2].data;
  return data;
}

function expectedRow(name: string): Record<string, unknown> {
  const text = readFileSync(join(FIXTURES, `${name}.row.json`), "utf8");
  const rows = parseLossless(text, null, (token) =>
    Number.isSafeInteger(Number(token)) || /[.eE]/.test(token) ? Number(token) : token,
  ) as Array<Record<string, unknown>>;
  return rows[0] as Record<string, unknown>;
}

// The examples' `grouping_config.enhancements` decodes (base64url, zlib, msgpack) to the
// project stack-trace rule `module:io.sentry.** +app`; without it the built-in
// `module:io.sentry.*` framework rule would move the sample app's frames out of app.
const EXAMPLE_PROJECT_RULES = "module:io.sentry.** +app";

/** Our insert for a fixture's data, mapped the way a Snuba errors consumer would. */
function rowFor(name: string): { row: Record<string, unknown>; prepared: PreparedEvent } {
  const prepared = prepare(
    recordFor(fixtureData(name), 6036610),
    settings(6036610, { stackTraceRules: EXAMPLE_PROJECT_RULES }),
  );
  const payload = insertPayload(
    prepared,
    { groupId: 124, isNew: false, isNewGroupEnvironment: false, groupFirstSeen: prepared.timestamp },
    { defaultRetentionDays: 90 },
  );
  const message = parseEventStreamMessage(payload.value, { maxBytes: 25_000_000, maxDepth: 66 });
  if (message.operation !== "insert") throw new Error("not an insert");
  const row = mapInsertToRow(message.body, { config: rowMappingConfig(testOptions()), kafka: KAFKA });
  return { row: row as unknown as Record<string, unknown>, prepared };
}

function differingColumns(actual: Record<string, unknown>, expected: Record<string, unknown>): string[] {
  const columns = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  columns.delete("message_timestamp");
  return [...columns]
    .filter((c) => JSON.stringify(actual[c] ?? null) !== JSON.stringify(expected[c] ?? null))
    .sort();
}

describe("prepareEvent against Sentry's example inserts and Snuba's rows", () => {
  it("maps error-with-threads to Snuba's row except where save_event's own changes show", () => {
    const { row, prepared } = rowFor("error-with-threads");
    const expected = expectedRow("error-with-threads");
    expect(differingColumns(row, expected)).toEqual(
      [
        "contexts.value",
        "dist",
        "event_id",
        "group_first_seen",
        "message",
        "platform",
        "primary_hash",
        "release",
        "tags.key",
        "tags.value",
        "timestamp",
        "timestamp_ms",
        "user",
      ].sort(),
    );
    expect(row.release).toBe("io.sentry.samples.android@6.16.0+2");
    expect(row.dist).toBe("2");
    expect(row.user).toBe("id:b7478c1e-a9ba-4e5a-bc65-364142284f89");
    expect(row.environment).toBe("debug");
    expect(row.transaction_name).toBe("MainActivity.capture_exception");
    expect(prepared.data.tags).toEqual([
      ["isSideLoaded", "true"],
      ["level", "error"],
      ["environment", "debug"],
      ["transaction", "MainActivity.capture_exception"],
      ["sentry:release", "io.sentry.samples.android@6.16.0+2"],
      ["sentry:dist", "2"],
      ["sentry:user", "id:b7478c1e-a9ba-4e5a-bc65-364142284f89"],
      ["device", "sdk_gphone64_arm64"],
      ["device.family", "sdk_gphone64_arm64"],
      ["os", "Android 13"],
      ["os.name", "Android"],
      ["os.rooted", "no"],
    ]);
    // The metadata is derived again after the frames are written, in Sentry's order (value,
    // type, filename, function), then the culprit.
    expect(row.message).toBe(
      "Some exception. Exception MainActivity.java lambda$onCreate$6 MainActivity.capture_exception",
    );
    // Only float spelling differs in the contexts: 100.0 became 100.
    const ours = row["contexts.value"] as string[];
    const theirs = expected["contexts.value"] as string[];
    expect(ours).toHaveLength(theirs.length);
    ours.forEach((value, i) => {
      if (value !== theirs[i]) expect(Number(value)).toBe(Number(theirs[i]));
    });
    expect(row.title).toBe("Exception: Some exception.");
    expect(row.location).toBe("MainActivity.java");
  });

  it("keeps null tag entries of null-tag-keys and adds the tags save_event derives", () => {
    const { row, prepared } = rowFor("null-tag-keys");
    expect(prepared.data.tags).toEqual([
      null,
      [null, "redacted"],
      ["level", "fatal"],
      ["environment", "production"],
      ["sentry:release", "redacted"],
    ]);
    expect(row["tags.key"]).toEqual(["environment", "level", "sentry:release"]);
    expect(row.level).toBe("fatal");
    expect(row.release).toBe("redacted");
    const expected = expectedRow("null-tag-keys");
    expect(row["contexts.key"]).toEqual(expected["contexts.key"]);
    expect(row["exception_stacks.type"] ?? null).toEqual(expected["exception_stacks.type"] ?? null);
  });

  it("puts the log message first in sdk-info-java's search message", () => {
    const { row } = rowFor("sdk-info-java");
    expect(row.message).toBe("Authentication failed, token expired! redacted");
    expect(row.title).toBe(expectedRow("sdk-info-java").title);
  });
});

describe("prepareEvent", () => {
  it("writes the client fingerprint, the hashes and the grouping config into the event", () => {
    const prepared = prepare(normalizedRecord(fingerprintEvent(1, "checkout-failed"), 1));
    expect(prepared.data.fingerprint).toEqual(["checkout-failed"]);
    expect(prepared.data.hashes).toEqual(prepared.hashes);
    expect(prepared.data._fingerprint_info).toEqual({ client_fingerprint: ["checkout-failed"] });
    expect(prepared.data.grouping_config).toEqual({ id: "newstyle:2023-01-11" });
    expect(prepared.eventId).toBe(eventId(1));
    expect(prepared.organizationId).toBe(123);
  });

  it("defaults the fingerprint to {{ default }} and groups equal messages together", () => {
    const a = prepare(
      normalizedRecord({ ...fingerprintEvent(1, ""), fingerprint: undefined, message: "same" }, 1),
    );
    const b = prepare(
      normalizedRecord({ ...fingerprintEvent(2, ""), fingerprint: undefined, message: "same" }, 1),
    );
    expect(a.data.fingerprint).toEqual(["{{ default }}"]);
    expect(a.data._fingerprint_info).toBeUndefined();
    expect(a.hashes).toEqual(b.hashes);
  });

  it("applies a project fingerprint rule, records it, and takes the rule's title", () => {
    const project = settings(1, {
      fingerprintRules: 'error.type:DatabaseError -> db-down title="DB down: {{ value }}"',
    });
    const record = normalizedRecord(
      {
        ...fingerprintEvent(3, ""),
        fingerprint: undefined,
        exception: { values: [{ type: "DatabaseError", value: "timeout" }] },
      },
      1,
    );
    const prepared = prepare(record, project);
    expect(prepared.data.fingerprint).toEqual(["db-down"]);
    expect(prepared.title).toBe("DB down: timeout");
    expect((prepared.data.metadata as Record<string, unknown>).title).toBe("DB down: timeout");
    const info = prepared.data._fingerprint_info as {
      matched_rule: { fingerprint: string[]; attributes: unknown };
    };
    expect(info.matched_rule.fingerprint).toEqual(["db-down"]);
    expect(info.matched_rule.attributes).toEqual({ title: "DB down: {{ value }}" });
  });

  it("removes debug_meta and _meta, as Sentry does for the eventstream copy", () => {
    const record = recordFor(
      {
        event_id: eventId(4),
        timestamp: 1_700_000_000,
        received: 1_700_000_001,
        debug_meta: { images: [] },
        _meta: {},
      },
      1,
    );
    const prepared = prepare(record);
    expect(prepared.data.debug_meta).toBeUndefined();
    expect(prepared.data._meta).toBeUndefined();
    expect(prepared.data.received).toBe(1_700_000_001);
  });

  it("refuses a payload whose event id is not the record's, and a non-finite timestamp", () => {
    const record = recordFor({ event_id: eventId(5), received: 1 }, 1, { event_id: eventId(6) });
    expect(() => prepare(record)).toThrow(GroupingRuleError);
    const nan = recordFor({ event_id: eventId(7), received: 1 }, 1, { timestamp: Number.NaN });
    expect(() => prepare(nan)).toThrow(/invalid-timestamp/);
  });

  it("refuses a payload that is not a JSON object", () => {
    const record = { ...recordFor({ event_id: eventId(8) }, 1), payload: "[1, 2]" };
    expect(() => prepare(record)).toThrow(DecodeError);
  });

  it("turns the event's faults into an InvalidMessage naming the record, with a closed reason", () => {
    const record = { ...recordFor({ event_id: eventId(9) }, 1), payload: "{not json" };
    const input: ResolvedEvent = { record, project: settings(1), limits: LIMITS };
    const message = Message.broker(input, Partition.of("events-normalized", 2), 17, 0);
    try {
      prepareMessage(message);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidMessage);
      expect(error).toMatchObject({ reason: "invalid-json", offset: 17 });
    }
  });
});

describe("sentryDatetime (Python's fromtimestamp + %Y-%m-%dT%H:%M:%S.%fZ)", () => {
  it("formats UTC with six fraction digits", () => {
    expect(sentryDatetime(1677512412.223)).toBe("2023-02-27T15:40:12.223000Z");
    expect(sentryDatetime(1679060099)).toBe("2023-03-17T13:34:59.000000Z");
  });

  it("rounds microseconds half to even and carries into the next second", () => {
    expect(sentryDatetime(0.0000025)).toBe("1970-01-01T00:00:00.000002Z");
    expect(sentryDatetime(0.0000035)).toBe("1970-01-01T00:00:00.000004Z");
    expect(sentryDatetime(1.9999999)).toBe("1970-01-01T00:00:02.000000Z");
  });
});
