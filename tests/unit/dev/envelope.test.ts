import { describe, expect, it } from "vitest";
import { normalizeEventId, parseEnvelope } from "../../../dev/envelope.ts";
import { HttpProblem } from "../../../dev/problems.ts";
import { fixture } from "./helpers.ts";

function rejection(body: Buffer | string): HttpProblem {
  try {
    parseEnvelope(Buffer.from(body));
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error("expected the envelope to be refused");
}

const HEADER = '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}';

describe("parseEnvelope: envelopes as SDKs send them", () => {
  it("reads a @sentry/node error envelope without item length and without a trailing newline", () => {
    const body = fixture("node-error.envelope");
    const envelope = parseEnvelope(body);
    expect(envelope.headers.eventId).toBe("5b1f6c0e0e6a4c58b5d2a1f0c3e4d5a6");
    expect(envelope.headers.raw.sent_at).toBe("2024-05-31T16:08:37.200Z");
    expect(envelope.headers.raw.sdk).toEqual({ name: "sentry.javascript.node", version: "8.9.2" });
    expect((envelope.headers.raw.trace as Record<string, unknown>).trace_id).toBe(
      "0af7651916cd43dd8448eb211c80319c",
    );
    expect(envelope.items.map((item) => item.type)).toEqual(["event"]);
    const event = JSON.parse(envelope.items[0]!.payload.toString("utf8"));
    expect(event.exception.values[0].type).toBe("TypeError");
    // The payload runs to the end of the body: the last byte is the event's closing brace.
    expect(envelope.items[0]!.payload.at(-1)).toBe(0x7d);
  });

  it("reads a sentry-python envelope with lengths, an attachment and a trailing newline", () => {
    const envelope = parseEnvelope(fixture("python-error-with-attachment.envelope"));
    expect(envelope.items.map((item) => item.type)).toEqual(["event", "attachment"]);
    const attachment = envelope.items[1]!;
    expect(attachment.filename).toBe("job.log");
    expect(attachment.contentType).toBe("text/plain");
    expect(attachment.attachmentType).toBe("event.attachment");
    expect(attachment.payload.toString("utf8")).toBe(
      "2024-05-31 16:09:59 INFO starting job 17\n2024-05-31 16:10:00 ERROR job 17 failed\n",
    );
    expect(attachment.payload.length).toBe(attachment.headers.length);
  });

  it("reads a user_report envelope", () => {
    const envelope = parseEnvelope(fixture("user-report.envelope"));
    expect(envelope.items).toHaveLength(1);
    expect(envelope.items[0]!.type).toBe("user_report");
    expect(JSON.parse(envelope.items[0]!.payload.toString("utf8")).comments).toContain("blank");
  });

  it("reads a session + client_report envelope that has no event id", () => {
    const envelope = parseEnvelope(fixture("session-client-report.envelope"));
    expect(envelope.headers.eventId).toBeUndefined();
    expect(envelope.items.map((item) => item.type)).toEqual(["session", "client_report"]);
    expect(JSON.parse(envelope.items[0]!.payload.toString("utf8")).status).toBe("ok");
  });

  it("keeps binary attachment payloads byte for byte, including newlines inside a length-delimited payload", () => {
    const envelope = parseEnvelope(fixture("feedback-with-screenshot.envelope"));
    expect(envelope.items.map((item) => item.type)).toEqual(["feedback", "attachment"]);
    const png = envelope.items[1]!.payload;
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(png.length).toBe(29);
  });

  it("parses Relay's documented example with a BOM and CRLF inside an attachment", () => {
    const body = Buffer.concat([
      Buffer.from(
        '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","dsn":"https://e12d836b15bb49d7bbf99e64295d995b:@sentry.io/42"}\n' +
          '{"type":"attachment","length":10,"content_type":"text/plain","filename":"hello.txt"}\n',
      ),
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from("Hello\r\n\n"),
      Buffer.from(
        '{"type":"event","length":41,"content_type":"application/json","filename":"application.log"}\n' +
          '{"message":"hello world","level":"error"}\n',
      ),
    ]);
    const envelope = parseEnvelope(body);
    expect(envelope.headers.dsn).toBe("https://e12d836b15bb49d7bbf99e64295d995b:@sentry.io/42");
    expect(envelope.items.map((item) => [item.type, item.payload.length])).toEqual([
      ["attachment", 10],
      ["event", 41],
    ]);
  });

  it("accepts an envelope that is only a header, with or without the newline", () => {
    expect(parseEnvelope(Buffer.from(HEADER)).items).toEqual([]);
    expect(parseEnvelope(Buffer.from(`${HEADER}\n`)).items).toEqual([]);
  });

  it("accepts empty items with length 0, followed by a newline or the end of the body", () => {
    const withNewline = parseEnvelope(
      Buffer.from(`${HEADER}\n{"type":"attachment","length":0}\n\n{"type":"attachment","length":0}\n`),
    );
    const atEof = parseEnvelope(
      Buffer.from(`${HEADER}\n{"type":"attachment","length":0}\n\n{"type":"attachment","length":0}`),
    );
    for (const envelope of [withNewline, atEof]) {
      expect(envelope.items.map((item) => item.payload.length)).toEqual([0, 0]);
    }
  });

  it("reads an implicit-length payload up to the next newline or the end", () => {
    expect(
      parseEnvelope(
        Buffer.from(`${HEADER}\n{"type":"attachment"}\nhelloworld\n`),
      ).items[0]!.payload.toString(),
    ).toBe("helloworld");
    expect(
      parseEnvelope(Buffer.from(`${HEADER}\n{"type":"attachment"}\nhelloworld`)).items[0]!.payload.toString(),
    ).toBe("helloworld");
    expect(parseEnvelope(Buffer.from(`${HEADER}\n{"type":"attachment"}`)).items[0]!.payload.length).toBe(0);
  });

  it("skips blank lines between items and after the last one", () => {
    const envelope = parseEnvelope(
      Buffer.from(`${HEADER}\n{"type":"event","length":2}\n{}\n\n\n{"type":"session"}\n{"status":"ok"}\n\n`),
    );
    expect(envelope.items.map((item) => item.type)).toEqual(["event", "session"]);
  });

  it("normalizes a hyphenated upper-case event id and treats the nil UUID as absent", () => {
    expect(
      parseEnvelope(Buffer.from('{"event_id":"9EC79C33-EC99-42AB-8353-589FCB2E04DC"}')).headers.eventId,
    ).toBe("9ec79c33ec9942ab8353589fcb2e04dc");
    expect(parseEnvelope(Buffer.from(`{"event_id":"${"0".repeat(32)}"}`)).headers.eventId).toBeUndefined();
    expect(normalizeEventId("not-a-uuid")).toBeUndefined();
  });
});

describe("parseEnvelope: malformed envelopes are refused as bad_envelope (400)", () => {
  it("refuses an empty body", () => {
    expect(rejection("").message).toBe("missing envelope header");
  });

  it("refuses a header that is not JSON, not an object, or not UTF-8", () => {
    expect(rejection("{not json\n").reason).toBe("bad_envelope");
    expect(rejection("[1,2]\n").message).toContain("must be a JSON object");
    expect(rejection(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])).message).toContain(
      "UTF-8",
    );
  });

  it("refuses a malformed event id or a non-string dsn in the header", () => {
    expect(rejection('{"event_id":"xyz"}').message).toContain("event_id");
    expect(rejection('{"dsn":42}').message).toContain("dsn");
  });

  it("refuses an item header without a string type", () => {
    expect(rejection(`${HEADER}\n{"length":2}\n{}`).message).toContain("type");
    expect(rejection(`${HEADER}\n{"type":7}\n{}`).message).toContain("type");
  });

  it("refuses a length beyond the body, a negative, fractional or non-numeric length", () => {
    expect(rejection(`${HEADER}\n{"type":"event","length":500}\n{}`).message).toContain(
      "unexpected end of envelope",
    );
    expect(rejection(`${HEADER}\n{"type":"event","length":-1}\n{}`).message).toContain(
      "non-negative integer",
    );
    expect(rejection(`${HEADER}\n{"type":"event","length":1.5}\n{}`).message).toContain(
      "non-negative integer",
    );
    expect(rejection(`${HEADER}\n{"type":"event","length":"2"}\n{}`).message).toContain(
      "non-negative integer",
    );
  });

  it("refuses a length that stops short of the payload (no newline where the payload should end)", () => {
    expect(rejection(`${HEADER}\n{"type":"event","length":1}\n{}\n`).message).toContain("missing newline");
  });

  it("refuses non-string filename, content_type or attachment_type", () => {
    expect(rejection(`${HEADER}\n{"type":"attachment","filename":1}\nx`).message).toContain("filename");
    expect(rejection(`${HEADER}\n{"type":"attachment","content_type":[]}\nx`).message).toContain(
      "content_type",
    );
  });

  it("refuses an item header with invalid UTF-8", () => {
    const body = Buffer.concat([
      Buffer.from(`${HEADER}\n{"type":"attachment","filename":"`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\nx'),
    ]);
    expect(rejection(body).message).toContain("UTF-8");
  });
});
