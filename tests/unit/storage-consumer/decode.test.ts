import { describe, expect, it } from "vitest";
import { batchSlots, storageBatchLimits } from "../../../consumers/storage/build-strategy.ts";
import { decodeEventsRecord } from "../../../consumers/storage/decode.ts";
import { rowMappingConfig } from "../../../consumers/storage/error-row.ts";
import { type BrokerValue, InvalidMessage, type KafkaPayload, Partition } from "../../../pipelines/index.ts";
import { EVENTS, fixtureText, insertMessage, payload, testOptions } from "./harness.ts";

const config = { rowMapping: rowMappingConfig(testOptions()), now: () => 1_700_000_000_000 };
const P2 = Partition.of(EVENTS, 2);

function record(value: Buffer | string, offset = 7): BrokerValue<KafkaPayload> {
  return { kind: "broker", payload: payload(value), partition: P2, offset, timestamp: 1_700_000_123_456 };
}

function reasonOf(value: Buffer | string): string {
  try {
    decodeEventsRecord(record(value), config);
  } catch (error) {
    if (error instanceof InvalidMessage) {
      expect(error.partition).toBe(P2);
      expect(error.offset).toBe(7);
      expect(error.needsCommit).toBe(true);
      return error.reason;
    }
    throw error;
  }
  throw new Error("decoded without error");
}

function withBody(edit: (body: Record<string, unknown>) => void): string {
  const tuple = JSON.parse(fixtureText("errors1")) as [number, string, Record<string, unknown>, unknown];
  edit(tuple[2]);
  return JSON.stringify(tuple);
}

describe("decodeEventsRecord", () => {
  it("maps an insert to its errors row and groups row with the Kafka partition, offset and time", () => {
    const item = decodeEventsRecord(record(insertMessage(3)), config);
    expect(item.row.event_id).toBe("00000000-0000-0000-0000-0000e0000003");
    expect(item.row.partition).toBe(2);
    expect(item.row.offset).toBe(7);
    expect(item.row.message_timestamp).toBe(1_700_000_123);
    expect(item.row.project_id).toBe(6036610);
    expect(item.group).toMatchObject({ project_id: 6036610, group_id: 124, times_seen: 1 });
    expect(item.group.primary_hash).toBe("061cf02b26374d108694d6643a7a2f4e");
    expect(item.source.offset).toBe(7);
  });

  it("keeps Sentry's integral float text (100.0) the way Snuba stores it", () => {
    const text = withBody((body) => {
      (body.data as Record<string, unknown>).contexts = { device: { battery_level: 1 } };
    }).replace('"battery_level":1', '"battery_level":100.0');
    const item = decodeEventsRecord(record(text), config);
    expect(item.row["contexts.key"]).toEqual(["device.battery_level"]);
    expect(item.row["contexts.value"]).toEqual(["100.0"]);
  });

  it.each(["start-merge", "tombstone-events", "end-delete-groups", "replace-group"])(
    "refuses the %s replacement as unsupported-replacement",
    (name) => {
      expect(reasonOf(fixtureText(name))).toBe("unsupported-replacement");
    },
  );

  it.each([
    ["invalid-utf8", Buffer.from([0x5b, 0x32, 0xff, 0x5d])],
    ["invalid-json", '[2, "insert", {'],
    ["too-deep", `${"[".repeat(20000)}1.0${"]".repeat(20000)}`],
    ["not-eventstream-tuple", "{}"],
    ["not-eventstream-tuple", '[2, "insert"]'],
    ["not-eventstream-tuple", '[2, "insert", {}]'],
    ["not-eventstream-tuple", '[2, "start_merge", {}, {}]'],
    ["unsupported-version", '[1, "insert", {}, {}]'],
    ["unknown-operation", '[2, "frobnicate", {}]'],
    ["unknown-operation", "[2, 7, {}]"],
    ["missing-field", withBody((body) => delete body.event_id)],
    ["invalid-field", withBody((body) => (body.event_id = "not-a-uuid"))],
    ["invalid-field", withBody((body) => (body.project_id = -1))],
    ["transaction-event", withBody((body) => ((body.data as Record<string, unknown>).type = "transaction"))],
  ])("dead-letters a malformed message with reason %s", (reason, value) => {
    expect(reasonOf(value)).toBe(reason);
  });

  it("accepts the version written as a float (Python compares 2.0 == 2)", () => {
    const text = insertMessage(1).toString().replace(/^\[2,/, "[2.0,");
    expect(decodeEventsRecord(record(text), config).row.event_id).toMatch(/e0000001$/);
  });
});

describe("batchSlots", () => {
  const limits = storageBatchLimits(
    { maxBatchSize: 10, maxBatchTimeMs: 1000 },
    testOptions({ storageMaxBatchBytes: 1000 }),
  );
  const slots = batchSlots(limits);
  const sized = (bytes: number) =>
    ({ ...record(Buffer.alloc(bytes)), payload: { source: record(Buffer.alloc(bytes)) } }) as never;

  it("charges a small message one row slot", () => {
    expect(slots(sized(10))).toBe(1);
  });

  it("charges a large message its share of the byte budget", () => {
    expect(slots(sized(500))).toBe(5);
    expect(slots(sized(1000))).toBe(10);
  });

  it("takes rows and time from the settings and bytes from the options", () => {
    expect(limits).toEqual({ maxRows: 10, maxBytes: 1000, maxBatchTimeMs: 1000 });
  });
});

describe("decodeEventsRecord on type-confused input", () => {
  // Every field of three Sentry inserts replaced in turn by values of every JSON type
  // (incl. `1.0`, out-of-range numbers): each message maps or is dead-lettered, none
  // throws anything else (which would crash the consumer on every redelivery).
  const replacements = ["null", "1", "1.0", "-1", "1e400", '"x"', "[]", "{}", "true", "[null]", '{"a":{}}'];
  const MARK = "__replaced__";

  function paths(value: unknown, path: Array<string | number>, out: Array<Array<string | number>>) {
    out.push(path);
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) paths(item, [...path, i], out);
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) paths(item, [...path, key], out);
    }
    return out;
  }

  it.each(["errors1", "null-values", "sdk-info-java"])("never crashes on a mutated %s", (name) => {
    const text = fixtureText(name);
    const tuple = JSON.parse(text) as unknown[];
    let outcomes = 0;
    for (const path of paths(tuple[2], [2], [])) {
      for (const replacement of replacements) {
        const copy = JSON.parse(text) as Record<string | number, unknown>;
        let target = copy;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
        target[path.at(-1) as string | number] = MARK;
        const value = JSON.stringify(copy).replace(`"${MARK}"`, replacement);
        try {
          decodeEventsRecord(record(value), config);
        } catch (error) {
          if (!(error instanceof InvalidMessage)) throw error;
        }
        outcomes++;
      }
    }
    expect(outcomes).toBeGreaterThan(100);
  });
});
