// dev/envelope.ts
import { HttpProblem } from "./problems.js";
var MAX_ITEM_LENGTH = 4294967295;
var NEWLINE = 10;
var utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
var UUID_SIMPLE = /^[0-9a-fA-F]{32}$/;
var UUID_HYPHENATED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
var NIL_EVENT_ID = "0".repeat(32);
function normalizeEventId(value) {
  if (!isUuid(value)) return void 0;
  const hex = value.replaceAll("-", "").toLowerCase();
  return hex === NIL_EVENT_ID ? void 0 : hex;
}
function isUuid(value) {
  return typeof value === "string" && (UUID_SIMPLE.test(value) || UUID_HYPHENATED.test(value));
}
function parseJsonObject(bytes, what, reason) {
  let text;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    if (error instanceof TypeError)
      throw new HttpProblem(reason, `${what} is not valid UTF-8`, { cause: error });
    throw error;
  }
  let value;
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
  return value;
}
function badEnvelope(detail) {
  return new HttpProblem("bad_envelope", detail);
}
function lineEnd(body, start) {
  const end = body.indexOf(NEWLINE, start);
  return end === -1 ? body.length : end;
}
function parseEnvelopeHeaders(raw) {
  let eventId;
  if (raw.event_id !== void 0 && raw.event_id !== null) {
    if (!isUuid(raw.event_id)) throw badEnvelope("invalid envelope header: event_id is not a UUID");
    eventId = normalizeEventId(raw.event_id);
  }
  let dsn;
  if (raw.dsn !== void 0 && raw.dsn !== null) {
    if (typeof raw.dsn !== "string") throw badEnvelope("invalid envelope header: dsn must be a string");
    dsn = raw.dsn;
  }
  return {
    ...eventId !== void 0 ? { eventId } : {},
    ...dsn !== void 0 ? { dsn } : {},
    raw
  };
}
function itemLength(headers) {
  const length = headers.length;
  if (length === void 0 || length === null) return void 0;
  if (typeof length !== "number" || !Number.isInteger(length) || length < 0 || length > MAX_ITEM_LENGTH) {
    throw badEnvelope("invalid item header: length must be a non-negative integer");
  }
  return length;
}
function optionalString(headers, key) {
  const value = headers[key];
  if (value === void 0 || value === null) return void 0;
  if (typeof value !== "string") throw badEnvelope(`invalid item header: ${key} must be a string`);
  return value;
}
function isBlank(byte) {
  return byte === 32 || byte === 9 || byte === 13 || byte === NEWLINE;
}
function parseItems(body, offset) {
  const items = [];
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
    let payloadEnd;
    if (length !== void 0) {
      payloadEnd = payloadStart + length;
      if (payloadEnd > body.length) {
        throw badEnvelope(
          `unexpected end of envelope: item of type ${JSON.stringify(headers.type)} declares ${length} bytes`
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
      ...filename !== void 0 ? { filename } : {},
      ...contentType !== void 0 ? { contentType } : {},
      ...attachmentType !== void 0 ? { attachmentType } : {}
    });
    offset = payloadEnd + 1;
  }
}
function parseEnvelope(body) {
  if (body.length === 0) throw badEnvelope("missing envelope header");
  const headerEnd = lineEnd(body, 0);
  const raw = parseJsonObject(body.subarray(0, headerEnd), "envelope header", "bad_envelope");
  return { headers: parseEnvelopeHeaders(raw), items: parseItems(body, headerEnd + 1) };
}
export {
  isUuid,
  normalizeEventId,
  parseEnvelope,
  parseJsonObject
};
//# sourceMappingURL=envelope.js.map
