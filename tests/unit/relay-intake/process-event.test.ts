import { describe, expect, it } from "vitest";
import { readEventPayload } from "../../../consumers/relay-intake/process-event.ts";
import { IntakeRuleError } from "../../../consumers/relay-intake/reasons.ts";
import { DecodeError } from "../../../schemas/errors.ts";
import { relayEventMessage } from "../../../schemas/relay/build.ts";
import type { RelayEventMessage } from "../../../schemas/relay/types.ts";
import { eventId } from "./messages.ts";

const ID = eventId(1);
const LIMITS = { maxBytes: 4096, maxDepth: 8 };

function message(payload: string, id = ID): RelayEventMessage {
  return relayEventMessage({
    payload: Buffer.from(payload),
    eventId: id,
    projectId: 1,
    startTime: 1_700_000_000,
  });
}

function failure(run: () => unknown): { reason: string; detail: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError || error instanceof IntakeRuleError) {
      return { reason: error.reason, detail: error.detail };
    }
    throw error;
  }
  throw new Error("expected a failure");
}

describe("readEventPayload", () => {
  it("keeps the payload text exactly as Relay wrote it when the ids agree", () => {
    const text = ` {"event_id":"${ID}", "big": 12345678901234567890, "type":"error"}\n`;
    const facts = readEventPayload(message(text), LIMITS);
    expect(facts.payloadText).toBe(text);
    expect(facts.kind).toBe("event");
  });

  it("accepts the payload's id in dashed upper-case form", () => {
    const dashed = `${ID.slice(0, 8)}-${ID.slice(8, 12)}-${ID.slice(12, 16)}-${ID.slice(16, 20)}-${ID.slice(20)}`;
    const text = JSON.stringify({ event_id: dashed.toUpperCase() });
    expect(readEventPayload(message(text), LIMITS).payloadText).toBe(text);
  });

  it("appends the message's event id as the last key when the payload has none", () => {
    const facts = readEventPayload(message('{"level":"error"}  '), LIMITS);
    expect(facts.payloadText).toBe(`{"level":"error","event_id":"${ID}"}  `);
    expect(JSON.parse(facts.payloadText).event_id).toBe(ID);
  });

  it("fills an empty object and overrides an explicit null id", () => {
    expect(readEventPayload(message("{ }"), LIMITS).payloadText).toBe(`{ "event_id":"${ID}"}`);
    const filled = readEventPayload(message('{"event_id":null,"a":1}'), LIMITS).payloadText;
    expect(JSON.parse(filled)).toEqual({ event_id: ID, a: 1 });
  });

  it("rejects a payload whose event id differs from the message's", () => {
    const other = readEventPayload.bind(null, message(JSON.stringify({ event_id: eventId(2) })), LIMITS);
    expect(failure(other).reason).toBe("event-id-mismatch");
    const numeric = readEventPayload.bind(null, message('{"event_id":42}'), LIMITS);
    expect(failure(numeric)).toMatchObject({
      reason: "event-id-mismatch",
      detail: expect.stringMatching(/number/),
    });
  });

  it("rejects oversize, deep, non-object, non-UTF-8 and NaN payloads with the decoder's reasons", () => {
    const cases: Array<[string | Buffer, string]> = [
      [`{"event_id":"${ID}","pad":"${"x".repeat(5000)}"}`, "payload-too-large"],
      [`{"a":${"[".repeat(9)}${"]".repeat(9)}}`, "too-deep"],
      ["[1,2]", "payload-not-json-object"],
      [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), "invalid-utf8"],
      ['{"value": NaN}', "invalid-json"],
      ['{"a":1', "invalid-json"],
    ];
    for (const [payload, reason] of cases) {
      const m = relayEventMessage({
        payload: typeof payload === "string" ? Buffer.from(payload) : payload,
        eventId: ID,
        projectId: 1,
        startTime: 1,
      });
      expect(failure(() => readEventPayload(m, LIMITS)).reason, String(payload).slice(0, 40)).toBe(reason);
    }
  });

  it("lifts kind, received time and SDK client from the payload", () => {
    const facts = readEventPayload(
      message(
        JSON.stringify({
          event_id: ID,
          type: "transaction",
          received: 1_700_000_001.5,
          sdk: { name: "s", version: "1" },
        }),
      ),
      LIMITS,
    );
    expect(facts).toMatchObject({ kind: "transaction", received: 1_700_000_001.5, client: "s/1" });
    expect(readEventPayload(message(JSON.stringify({ type: "feedback" })), LIMITS).kind).toBe("feedback");
  });

  it("falls back to start_time for a missing or unusable received time and to null for a partial sdk", () => {
    const facts = readEventPayload(
      message(JSON.stringify({ received: "not a time", sdk: { name: "s" } })),
      LIMITS,
    );
    expect(facts).toMatchObject({ received: 1_700_000_000, client: null });
    const text = readEventPayload(message(JSON.stringify({ received: "2024-03-06T02:19:33.5Z" })), LIMITS);
    expect(text.received).toBe(1_709_691_573.5);
  });

  it.each([
    ["at the top", `{"event_id":"${ID}","__proto__":{"polluted":true}}`],
    ["nested in an object", `{"event_id":"${ID}","extra":{"a":{"__proto__":{"polluted":true}}}}`],
    ["inside an array", `{"event_id":"${ID}","breadcrumbs":{"values":[{"data":{"__proto__":{}}}]}}`],
    ["spelled with an escape", `{"event_id":"${ID}","user":{"\\u005f_proto__":{"polluted":true}}}`],
    ["with a non-object value", `{"event_id":"${ID}","tags":{"__proto__":"x"}}`],
  ])("refuses a __proto__ key %s as proto-key, touching no prototype", (_, text) => {
    const { reason, detail } = failure(() => readEventPayload(message(text), LIMITS));
    expect(reason).toBe("proto-key");
    expect(detail).toContain("__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps constructor and prototype keys and a __proto__ string value: plain data, text unchanged", () => {
    const text = `{"event_id":"${ID}","extra":{"constructor":{"prototype":{"polluted":true}},"prototype":1,"k":"__proto__"}}`;
    expect(readEventPayload(message(text), LIMITS).payloadText).toBe(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
