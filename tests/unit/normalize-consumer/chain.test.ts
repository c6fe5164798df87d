import { describe, expect, it } from "vitest";
import { DLQ_HEADERS } from "../../../pipelines/dlq.ts";
import { eventIdFromKey } from "../../../schemas/relay/codec.ts";
import {
  committedAll,
  DEFAULT_RECEIVED,
  EVENTS_NORMALIZED,
  EVENTS_RAW,
  EVENTS_RAW_DLQ,
  eventId,
  expectedStored,
  headers,
  newBroker,
  normalizedRecords,
  type RawInput,
  rawRecord,
  records,
  relayInputs,
  runToEnd,
  sendBytes,
  sendRaw,
  testCodecs,
  testOptions,
  vectorInputs,
  vectorText,
} from "./harness.ts";

type Stored = Record<string, unknown>;

async function normalizeAll(inputs: ReadonlyArray<RawInput>) {
  const broker = newBroker();
  for (const input of inputs) await sendRaw(broker, input.record);
  await runToEnd(broker);
  return { broker, outputs: await normalizedRecords(broker) };
}

function byName(inputs: ReadonlyArray<RawInput>, name: string): RawInput {
  const found = inputs.find((input) => input.name === name);
  if (found === undefined) throw new Error(`no input ${name}`);
  return found;
}

describe("normalize consumer chain", () => {
  it("writes every fixture event as normalizeEvent of its payload, decodable with the events-normalized codec", async () => {
    const inputs = [...vectorInputs(), ...relayInputs()];
    expect(inputs.length).toBeGreaterThan(30);
    const options = testOptions();
    const accepted = inputs.filter((input) => expectedStored(input.record, options) !== undefined);
    const { broker, outputs } = await normalizeAll(inputs);

    expect(outputs.map((o) => o.event_id)).toEqual(accepted.map((input) => input.record.event_id));
    const written = records(broker, EVENTS_NORMALIZED);
    outputs.forEach((output, i) => {
      const input = accepted[i] as RawInput;
      const stored = JSON.parse(output.payload) as Stored;
      expect(stored, input.name).toEqual(expectedStored(input.record, options));
      expect(eventIdFromKey(written[i]?.payload.key ?? null)).toBe(input.record.event_id);
      // The typed routing fields are the stored event's own values.
      expect(output.platform).toBe(stored.platform);
      expect(output.type).toBe(stored.type);
      expect(output.level).toBe(stored.level);
      expect(output.timestamp).toBe(stored.timestamp);
      expect(output.received).toBe(stored.received);
      expect(output.release).toBe((stored.release as string | undefined) ?? null);
      expect(output.environment).toBe((stored.environment as string | undefined) ?? null);
      expect(output.processing_errors).toHaveLength(((stored.errors as unknown[] | undefined) ?? []).length);
      // The envelope is carried through unchanged.
      expect(output).toMatchObject({
        kind: input.record.kind,
        project_id: input.record.project_id,
        organization_id: input.record.organization_id,
        source_topic: input.record.source_topic,
        start_time: input.record.start_time,
        ingested_at_ms: input.record.ingested_at_ms,
        remote_addr: input.record.remote_addr,
        retention_days: null,
      });
    });
    expect(committedAll(broker)).toBe(true);
  });

  it("applies the received time, client IP and project of each record as the vectors expect", async () => {
    const inputs = vectorInputs();
    const names = [
      "store_user_ip_auto",
      "store_user_ip_client_ip_js",
      "store_future_timestamp",
      "store_py_basic",
    ];
    const { outputs } = await normalizeAll(names.map((name) => byName(inputs, name)));
    const [auto, js, future, basic] = outputs.map((o) => JSON.parse(o.payload) as Stored);

    for (const event of [auto, js]) {
      expect(event).toMatchObject(JSON.parse(vectorText("store_user_ip_auto", "expected")));
    }
    // 2000-01-03T00:02:00Z sent, received 2000-01-03T00:00:00Z: shifted back to received.
    expect(future).toMatchObject({ timestamp: 946857600, received: 946857600 });
    expect(future?.errors).toEqual([
      {
        type: "future_timestamp",
        name: "timestamp",
        sdk_time: "2000-01-03T00:02:00+00:00",
        server_time: "2000-01-03T00:00:00+00:00",
      },
    ]);
    expect(outputs[2]).toMatchObject({ timestamp: 946857600, received: 946857600, level: "error" });
    expect(outputs[2]?.processing_errors).toEqual([
      {
        type: "future_timestamp",
        name: "timestamp",
        detail: JSON.stringify({
          sdk_time: "2000-01-03T00:02:00+00:00",
          server_time: "2000-01-03T00:00:00+00:00",
        }),
      },
    ]);
    expect(basic).toMatchObject({
      project: 1,
      type: "default",
      platform: "other",
      received: DEFAULT_RECEIVED,
    });
    expect(outputs[3]).toMatchObject({ type: "default", platform: "other", project_id: 1 });
  });

  it("dead-letters the stale-timestamp vector with the normalizer's reason and commits past it", async () => {
    const inputs = vectorInputs();
    const stale = byName(inputs, "validate_stale_timestamp_rejected");
    const before = byName(inputs, "store_level_defaulted");
    const after = byName(inputs, "store_tags_deduplicated");
    // With the default 30-day window the -1 timestamp would first be shifted to the received
    // time (V1 runs before V2); a window reaching back before 1970 leaves it stale.
    const options = { maxSecsInPast: 100 * 365 * 86_400 };
    const broker = newBroker();
    for (const input of [before, stale, after]) await sendRaw(broker, input.record);
    await runToEnd(broker, { options });
    const outputs = await normalizedRecords(broker);

    expect(outputs.map((o) => o.event_id)).toEqual([before.record.event_id, after.record.event_id]);
    const dlq = records(broker, EVENTS_RAW_DLQ);
    expect(dlq).toHaveLength(1);
    const expected = JSON.parse(vectorText("validate_stale_timestamp_rejected", "expected")) as Stored;
    expect(headers(dlq[0] as never)).toMatchObject({
      [DLQ_HEADERS.reason]: "stale-timestamp",
      [DLQ_HEADERS.reasonDetail]: expected.__rejected__,
      [DLQ_HEADERS.originalTopic]: EVENTS_RAW,
      [DLQ_HEADERS.originalOffset]: "1",
      [DLQ_HEADERS.consumer]: "normalize",
    });
    expect(dlq[0]?.payload.value).toEqual(records(broker, EVENTS_RAW)[1]?.payload.value);
    expect(committedAll(broker)).toBe(true);
  });

  it("dead-letters records it cannot decode, each with the codec's reason, and goes on", async () => {
    const c = await testCodecs();
    const good = c.raw.encode(rawRecord('{"message":"ok"}', { event_id: eventId(1) }));
    const unknownId = Buffer.from(good);
    unknownId.writeUInt32BE(987_654, 1);
    const broker = newBroker();
    const cases: Array<[string, Buffer]> = [
      ["bad-magic-byte", Buffer.from("not avro at all")],
      ["unknown-schema-id", unknownId],
      ["truncated-avro", good.subarray(0, 3)],
      ["truncated-avro", good.subarray(0, 12)],
      // Python's bare NaN: Relay repairs it at its HTTP endpoint; Kafka payloads never carry it.
      [
        "invalid-json",
        c.raw.encode(
          rawRecord(JSON.parse(vectorText("store_py_legacy_json_nan", "input")).raw_event, {
            event_id: eventId(2),
          }),
        ),
      ],
      ["payload-not-json-object", c.raw.encode(rawRecord("[1, 2]", { event_id: eventId(3) }))],
      ["invalid-value", c.raw.encode(rawRecord("{}", { event_id: "2107C4E9-6851-4C86-90D3-A3A24570C40D" }))],
      [
        "too-deep",
        c.raw.encode(rawRecord(`{"extra":${"[".repeat(200)}${"]".repeat(200)}}`, { event_id: eventId(4) })),
      ],
    ];
    sendBytes(broker, good);
    for (const [, bytes] of cases) sendBytes(broker, bytes);
    sendBytes(broker, c.raw.encode(rawRecord('{"message":"still ok"}', { event_id: eventId(5) })));
    await runToEnd(broker);

    expect((await normalizedRecords(broker)).map((o) => o.event_id)).toEqual([eventId(1), eventId(5)]);
    const dlq = records(broker, EVENTS_RAW_DLQ).map(headers);
    expect(dlq.map((h) => h[DLQ_HEADERS.reason])).toEqual(cases.map(([reason]) => reason));
    expect(dlq.map((h) => Number(h[DLQ_HEADERS.originalOffset]))).toEqual(cases.map((_, i) => i + 1));
    expect(dlq[1]?.[DLQ_HEADERS.reasonDetail]).toContain("987654");
    expect(committedAll(broker)).toBe(true);
  });

  it("turns relay-intake's processing errors into errors entries and lists them typed", async () => {
    const record = rawRecord(
      '{"message":"with a lost minidump","errors":[{"type":"js_no_source","url":"a.js"}]}',
      {
        event_id: eventId(9),
        processing_errors: [
          {
            type: "attachment_missing_chunks",
            name: "crash.dmp",
            detail: JSON.stringify({ attachment_id: "a1", missing: [0], __proto__: 1 }),
          },
          { type: "attachment_too_large", name: null, detail: "free text" },
        ],
      },
    );
    const { outputs } = await normalizeAll([{ name: "processing errors", record }]);
    const stored = JSON.parse(outputs[0]?.payload ?? "{}") as Stored;
    expect(stored.errors).toEqual([
      { type: "js_no_source", url: "a.js" },
      { type: "attachment_missing_chunks", name: "crash.dmp", attachment_id: "a1", missing: [0] },
      { type: "attachment_too_large", detail: "free text" },
    ]);
    expect(Object.getPrototypeOf((stored.errors as object[])[1])).toBe(Object.prototype);
    expect(outputs[0]?.processing_errors).toEqual([
      { type: "js_no_source", name: null, detail: '{"url":"a.js"}' },
      {
        type: "attachment_missing_chunks",
        name: "crash.dmp",
        detail: '{"attachment_id":"a1","missing":[0]}',
      },
      { type: "attachment_too_large", name: null, detail: '{"detail":"free text"}' },
    ]);
  });

  it("spreads over every input partition and commits each to its end", async () => {
    const broker = newBroker(3);
    const inputs = vectorInputs().slice(0, 12);
    for (const [i, input] of inputs.entries()) await sendRaw(broker, input.record, i % 3);
    await runToEnd(broker);
    const options = testOptions();
    const accepted = inputs.filter((input) => expectedStored(input.record, options) !== undefined);
    expect((await normalizedRecords(broker)).map((o) => o.event_id).sort()).toEqual(
      accepted.map((input) => input.record.event_id).sort(),
    );
    expect(committedAll(broker)).toBe(true);
  });
});
