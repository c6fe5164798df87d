import { HttpProblem } from "./problems.ts";

// The Sentry envelope format as Relay parses it (relay-server `envelope/mod.rs`,
// `envelope/item.rs`; formats.md §6.3):
//
//   <envelope headers: one line of JSON>\n
//   <item headers: one line of JSON>\n
//   <payload: `length` bytes, or up to the next \n when there is no length>\n
//   ...
//
// The newline after the last header or payload is optional. Payloads are binary; they are
// returned as views into the request body (no copy). Blank lines before an item header are
// skipped: Relay reads headers with a streaming JSON reader that skips whitespace, so
// "...}\n\n{item}" is accepted there too; we also accept trailing blank lines at the end.

/** Item header fields Relay types as strings; anything else there is an invalid header. */
const STRING_ITEM_HEADERS = ["filename", "content_type", "attachment_type"] as const;
/** Relay stores `length` as u32. */
const MAX_ITEM_LENGTH = 0xffff_ffff;

const NEWLINE = 0x0a;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export type JsonObject = { readonly [key: string]: unknown };

export interface EnvelopeHeaders {
  /** 32 lowercase hex; absent when the envelope has none (session-only envelopes). */
  readonly eventId?: string;
  /** The `dsn` header: credentials for envelopes sent without auth headers. */
  readonly dsn?: string;
  /** Every header as sent (`sent_at`, `sdk`, `trace`, ...). */
  readonly raw: JsonObject;
}

export interface EnvelopeItem {
  readonly type: string;
  /** Every item header as sent (`type`, `length`, `filename`, ...). */
  readonly headers: JsonObject;
  readonly payload: Buffer;
  readonly filename?: string;
  readonly contentType?: string;
  readonly attachmentType?: string;
}

export interface Envelope {
  readonly headers: EnvelopeHeaders;
  readonly items: EnvelopeItem[];
}

const UUID_SIMPLE = /^[0-9a-fA-F]{32}$/;
const UUID_HYPHENATED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NIL_EVENT_ID = "0".repeat(32);

/**
 * An event id in Relay's accepted spellings (simple or hyphenated UUID, any case) as 32
 * lowercase hex; undefined for anything else. The nil UUID counts as "no id", because
 * Relay replaces it by a random one before keying the Kafka message.
 */
export function normalizeEventId(value: unknown): string | undefined {
  if (!isUuid(value)) return undefined;
  const hex = value.replaceAll("-", "").toLowerCase();
  return hex === NIL_EVENT_ID ? undefined : hex;
}

/** A UUID in a spelling Relay's `EventId` accepts (nil included). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && (UUID_SIMPLE.test(value) || UUID_HYPHENATED.test(value));
}

/** Strict UTF-8 (invalid bytes are an error, not U+FFFD) then JSON; `what` names it in errors. */
export function parseJsonObject(
  bytes: Uint8Array,
  what: string,
  reason: "bad_envelope" | "bad_payload",
): JsonObject {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    if (error instanceof TypeError)
      throw new HttpProblem(reason, `${what} is not valid UTF-8`, { cause: error });
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new HttpProblem(reason, `${what} is not valid JSON: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpProblem(reason, `${what} must be a JSON object`);
  }
  return value as JsonObject;
}

function badEnvelope(detail: string): HttpProblem {
  return new HttpProblem("bad_envelope", detail);
}

/** End of the header line starting at `start`: the index of its `\n`, or the body length. */
function lineEnd(body: Buffer, start: number): number {
  const end = body.indexOf(NEWLINE, start);
  return end === -1 ? body.length : end;
}

function parseEnvelopeHeaders(raw: JsonObject): EnvelopeHeaders {
  let eventId: string | undefined;
  if (raw.event_id !== undefined && raw.event_id !== null) {
    // Relay deserializes the header into an EventId: a malformed one fails the whole envelope.
    if (!isUuid(raw.event_id)) throw badEnvelope("invalid envelope header: event_id is not a UUID");
    eventId = normalizeEventId(raw.event_id);
  }
  let dsn: string | undefined;
  if (raw.dsn !== undefined && raw.dsn !== null) {
    if (typeof raw.dsn !== "string") throw badEnvelope("invalid envelope header: dsn must be a string");
    dsn = raw.dsn;
  }
  return {
    ...(eventId !== undefined ? { eventId } : {}),
    ...(dsn !== undefined ? { dsn } : {}),
    raw,
  };
}

function itemLength(headers: JsonObject): number | undefined {
  const length = headers.length;
  if (length === undefined || length === null) return undefined;
  if (typeof length !== "number" || !Number.isInteger(length) || length < 0 || length > MAX_ITEM_LENGTH) {
    throw badEnvelope("invalid item header: length must be a non-negative integer");
  }
  return length;
}

function optionalString(headers: JsonObject, key: (typeof STRING_ITEM_HEADERS)[number]): string | undefined {
  const value = headers[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badEnvelope(`invalid item header: ${key} must be a string`);
  return value;
}

function isBlank(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === NEWLINE;
}

/** Parses the items that follow the envelope header; `offset` is the first byte after it. */
function parseItems(body: Buffer, offset: number): EnvelopeItem[] {
  const items: EnvelopeItem[] = [];
  while (true) {
    while (offset < body.length && isBlank(body[offset])) offset += 1;
    if (offset >= body.length) return items;

    const headerEnd = lineEnd(body, offset);
    const headers = parseJsonObject(body.subarray(offset, headerEnd), "item header", "bad_envelope");
    if (typeof headers.type !== "string" || headers.type.length === 0) {
      throw badEnvelope("invalid item header: type must be a non-empty string");
    }
    const length = itemLength(headers);
    const filename = optionalString(headers, "filename");
    const contentType = optionalString(headers, "content_type");
    const attachmentType = optionalString(headers, "attachment_type");

    const payloadStart = Math.min(headerEnd + 1, body.length);
    let payloadEnd: number;
    if (length !== undefined) {
      payloadEnd = payloadStart + length;
      if (payloadEnd > body.length) {
        throw badEnvelope(
          `unexpected end of envelope: item of type ${JSON.stringify(headers.type)} declares ${length} bytes`,
        );
      }
      if (payloadEnd < body.length && body[payloadEnd] !== NEWLINE) {
        throw badEnvelope("missing newline after item payload (length does not match the payload)");
      }
    } else {
      payloadEnd = lineEnd(body, payloadStart);
    }
    items.push({
      type: headers.type,
      headers,
      payload: body.subarray(payloadStart, payloadEnd),
      ...(filename !== undefined ? { filename } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
      ...(attachmentType !== undefined ? { attachmentType } : {}),
    });
    offset = payloadEnd + 1;
  }
}

/** Parses a whole envelope. Throws `HttpProblem("bad_envelope")` for anything Relay rejects. */
export function parseEnvelope(body: Buffer): Envelope {
  if (body.length === 0) throw badEnvelope("missing envelope header");
  const headerEnd = lineEnd(body, 0);
  const raw = parseJsonObject(body.subarray(0, headerEnd), "envelope header", "bad_envelope");
  return { headers: parseEnvelopeHeaders(raw), items: parseItems(body, headerEnd + 1) };
}
