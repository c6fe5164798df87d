import { afterEach, describe, expect, it } from "vitest";
import { prepareEvent } from "../../../consumers/grouping/prepare.ts";
import type { GroupingSettings } from "../../../consumers/grouping/project-config.ts";
import { normalizeConfigFromOptions } from "../../../consumers/normalize/config.ts";
import { isRejected, normalizeEvent, toStoredEvent } from "../../../consumers/normalize/normalize.ts";
import { decodeEventsRecord } from "../../../consumers/storage/decode.ts";
import { rowMappingConfig } from "../../../consumers/storage/error-row.ts";
import { type BrokerValue, type KafkaPayload, Partition } from "../../../pipelines/index.ts";
import { parseEventStreamMessage } from "../../../schemas/eventstream/codec.ts";
import { parseEventPayload } from "../../../schemas/json-payload.ts";
import { recordFor } from "../grouping-consumer/harness.ts";
import { testOptions as normalizeOptions } from "../normalize-consumer/harness.ts";
import { fixtureText, payload, testOptions as storageOptions } from "../storage-consumer/harness.ts";

// normalize, grouping and storage re-parse JSON from topics that something other than our
// relay-intake may have written (a replay, Sentry's own producers), so a `__proto__`,
// `constructor` or `prototype` key can reach them even though relay-intake refuses
// `__proto__`. Whatever they do with such an event, no prototype may change: neither
// Object.prototype (global pollution) nor the prototype of any object they build.

const ID = "a0000000000000000000000000000abc";
const LIMITS = { maxBytes: 1_000_000, maxDepth: 64 };

/**
 * Every hostile spelling we know, at the top, nested, in arrays, in tag pairs and maps.
 * `contexts` can name a context `constructor` (whose type then defaults to its name).
 */
function hostileEvent(contexts = '"constructor": {"type": "constructor", "x": 1},'): string {
  return `{
    "event_id": "${ID}",
    "platform": "python",
    "timestamp": ${Math.floor(Date.now() / 1000)},
    "message": "proto",
    "__proto__": {"polluted": "top", "level": "fatal"},
    "\\u005f_proto__": {"polluted": "escaped"},
    "constructor": {"prototype": {"polluted": "ctor"}},
    "prototype": {"polluted": "proto"},
    "extra": {"__proto__": {"polluted": "extra"}, "constructor": {"prototype": {"polluted": "extra-ctor"}}},
    "tags": [["__proto__", "t1"], ["constructor", "t2"], ["prototype", "t3"], ["hasOwnProperty", "t4"]],
    "contexts": {"__proto__": {"type": "os", "polluted": "ctx"}, ${contexts}
      "toString": {"type": "runtime", "name": "x"}, "trace": {"trace_id": "${"a".repeat(32)}",
      "span_id": "${"b".repeat(16)}", "status": "constructor"}},
    "user": {"id": "u", "data": {"__proto__": {"polluted": "user"}}},
    "request": {"url": "http://x/", "headers": [["__proto__", "h"], ["constructor", "c"]],
      "cookies": [["__proto__", "c1"]], "data": {"__proto__": {"polluted": "req"}}},
    "fingerprint": ["{{ default }}", "__proto__", "constructor"],
    "exception": {"values": [{"type": "constructor", "value": "__proto__",
      "mechanism": {"type": "constructor", "data": {"__proto__": {"polluted": "mech"}}},
      "stacktrace": {"frames": [{"function": "constructor", "module": "__proto__", "vars": {"__proto__": {"polluted": "vars"}, "constructor": 1}}]}}]}
  }`;
}

const POLLUTABLE = ["polluted", "level", "type", "x", "name", "id"];

function expectNoGlobalPollution(): void {
  for (const name of POLLUTABLE) expect(Object.hasOwn(Object.prototype, name), name).toBe(false);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(BASELINE);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(ARRAY_BASELINE);
}

const BASELINE = Object.getOwnPropertyNames(Object.prototype).sort();
const ARRAY_BASELINE = Object.getOwnPropertyNames(Array.prototype).sort();

/**
 * Every object reachable from `value` has a standard prototype (none was swapped by a key),
 * and every leaf is JSON data (a lookup by a payload string into a plain object can return
 * Object.prototype's functions: `TABLE["constructor"]`).
 */
function expectPlainPrototypes(value: unknown, path = "$", seen = new Set<unknown>()): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  const proto = Object.getPrototypeOf(value);
  const standard =
    proto === null ||
    proto === Object.prototype ||
    proto === Array.prototype ||
    ArrayBuffer.isView(value) ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Date;
  expect(standard, `${path} has a foreign prototype`).toBe(true);
  for (const key of Object.keys(value)) {
    expect(typeof (value as Record<string, unknown>)[key], `${path}.${key}`).not.toBe("function");
  }
  for (const key of Object.keys(value)) {
    expectPlainPrototypes((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
  }
}

afterEach(() => expectNoGlobalPollution());

function normalized(text: string): Record<string, unknown> {
  const config = normalizeConfigFromOptions(normalizeOptions(), {
    receivedAt: Date.now() / 1000,
    projectId: 42,
    fallbackEventId: ID,
  });
  // What normalize's RecordNormalizer does with an events-raw payload.
  const result = normalizeEvent(parseEventPayload(Buffer.from(text), LIMITS), config);
  if (isRejected(result)) throw new Error(`normalize rejected the event: ${result.rejected.reason}`);
  return toStoredEvent(result);
}

function grouping(projectId: number): GroupingSettings {
  return {
    projectId,
    organizationId: 7,
    groupingConfig: "newstyle:2023-01-11",
    stackTraceRules: "",
    fingerprintRules: "",
  };
}

describe("__proto__, constructor and prototype keys reaching the consumers after relay-intake", () => {
  it("normalize drops __proto__ keys, keeps constructor/prototype as data and swaps no prototype", () => {
    const stored = normalized(hostileEvent());
    expectPlainPrototypes(stored);
    expect(Object.hasOwn(stored, "__proto__")).toBe(false);
    expect((stored as { level?: unknown }).level).not.toBe("fatal");
    const tags = stored.tags as Array<[string, string]>;
    expect(tags).toEqual(expect.arrayContaining([["constructor", "t2"]]));
    expect(Object.hasOwn(stored.contexts as object, "constructor")).toBe(true);
  });

  it("normalize refuses a trace status named after an Object.prototype member instead of storing a function", () => {
    const traceOf = (text: string) =>
      (normalized(text).contexts as Record<string, Record<string, unknown>>).trace as Record<string, unknown>;
    const hostile = traceOf(hostileEvent());
    const bogus = traceOf(hostileEvent().replace('"status": "constructor"', '"status": "no-such-status"'));
    expect(typeof hostile.status).toBe("string");
    expect(hostile).toEqual(bogus);
  });

  it("grouping groups the event without swapping a prototype, under hostile rules and tag names", () => {
    // Includes a context named and typed `constructor`: grouping's context-tag table must
    // not hand back Object.prototype.constructor for it.
    const stored = normalized(hostileEvent());
    // Sentry-produced text can carry the key straight to grouping, past normalize.
    const payloadText = JSON.stringify(stored).replace(
      '"event_id"',
      '"__proto__":{"polluted":"g"},"event_id"',
    );
    const record = { ...recordFor(stored, 42), payload: payloadText };
    const project = grouping(42);
    const prepared = prepareEvent({
      record,
      project: { ...project, fingerprintRules: "message:proto -> __proto__, constructor" },
      limits: LIMITS,
    });
    expectPlainPrototypes(prepared);
    expect(prepared.hashes.length).toBeGreaterThan(0);
  });

  it("storage maps an insert whose data holds all three keys, at the top and nested, to a row", () => {
    const tuple = JSON.parse(fixtureText("errors1")) as [number, string, Record<string, unknown>, unknown];
    const text = JSON.stringify(tuple)
      .replace(
        '"data":{',
        '"data":{"__proto__":{"polluted":"s"},"constructor":{"prototype":{"polluted":"s2"}},',
      )
      .replace('"event_id"', '"__proto__":{"polluted":"body"},"event_id"');
    expect(text).toContain('"__proto__"');
    const record: BrokerValue<KafkaPayload> = {
      kind: "broker",
      payload: payload(text),
      partition: Partition.of("events", 0),
      offset: 3,
      timestamp: 1_700_000_000_000,
    };
    const item = decodeEventsRecord(record, { rowMapping: rowMappingConfig(storageOptions()), now: () => 0 });
    expectPlainPrototypes(item.row);
    expectPlainPrototypes(item.group);
    expect(item.row.project_id).toBeGreaterThan(0);
  });

  it("storage keeps tag and context names __proto__ and constructor as data in the row", () => {
    const tuple = JSON.parse(fixtureText("errors1")) as [number, string, Record<string, unknown>, unknown];
    const data = tuple[2].data as Record<string, unknown>;
    data.tags = [
      ["constructor", "t2"],
      ["prototype", "t3"],
    ];
    const text = JSON.stringify(tuple).replace('"tags":[', '"tags":[["__proto__","t1"],');
    const record: BrokerValue<KafkaPayload> = {
      kind: "broker",
      payload: payload(text),
      partition: Partition.of("events", 0),
      offset: 4,
      timestamp: 1_700_000_000_000,
    };
    const item = decodeEventsRecord(record, { rowMapping: rowMappingConfig(storageOptions()), now: () => 0 });
    expectPlainPrototypes(item.row);
    expect(item.row["tags.key"]).toEqual(expect.arrayContaining(["__proto__", "constructor", "prototype"]));
  });

  it("the eventstream codec drops __proto__ keys at every depth of an events message", () => {
    const tuple = JSON.parse(fixtureText("errors1")) as [number, string, Record<string, unknown>, unknown];
    const text = JSON.stringify(tuple).replace('"data":{', '"data":{"__proto__":{"polluted":"es"},');
    const message = parseEventStreamMessage(Buffer.from(text), LIMITS);
    expectPlainPrototypes(message);
  });
});
