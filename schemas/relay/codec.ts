import { Packr, Unpackr } from "msgpackr";
import { DecodeError, EncodeError } from "../errors.ts";
import { scanRelayMsgpack } from "./msgpack-scan.ts";
import {
  type ChunkedAttachment,
  RELAY_MESSAGE_TYPES,
  type RelayAttachmentChunkMessage,
  type RelayAttachmentMessage,
  type RelayEventMessage,
  type RelayMessage,
  type RelayMessageType,
  type RelayUserReportMessage,
  type UnknownFields,
} from "./types.ts";

// Decoding is two passes: `scanRelayMsgpack` proves the bytes are a well-formed, Relay-shaped
// msgpack map (so msgpackr cannot hit its lenient or unsafe paths), then msgpackr builds the
// value. Maps are decoded as `Map`s, never plain objects, so a `__proto__` key is just a key.

/** Relay's messages nest three levels (event → attachments → descriptor); 32 leaves room for unknown keys. */
export const RELAY_MAX_MSGPACK_DEPTH = 32;

const FORMAT = "relay-msgpack";
const EVENT_ID = /^[0-9a-f]{32}$/;

// useRecords: false — msgpackr's record extension (0x72) is not msgpack as Relay speaks it.
// int64AsType "bigint" (the default) keeps 64-bit integers exact; `integer()` below decides.
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, int64AsType: "bigint" });
// variableMapSize: the smallest map header, as rmp writes it.
const packr = new Packr({ useRecords: false, variableMapSize: true });

export interface RelayDecodeOptions {
  /** Message types accepted on this topic; anything else is `unknown-message-type`. */
  readonly allowedTypes?: ReadonlySet<RelayMessageType>;
  readonly maxDepth?: number;
}

/** Decodes one Relay message. Throws only `DecodeError`. */
export function decodeRelayMessage(bytes: Uint8Array, options: RelayDecodeOptions = {}): RelayMessage {
  scanRelayMsgpack(bytes, { maxDepth: options.maxDepth ?? RELAY_MAX_MSGPACK_DEPTH });
  let root: Map<string, unknown>;
  try {
    root = unpackr.unpack(bytes) as Map<string, unknown>;
  } catch (error) {
    // The scan has proven the bytes well formed; this is msgpackr disagreeing, still bad input.
    throw new DecodeError(FORMAT, "invalid-msgpack", error instanceof Error ? error.message : String(error));
  }
  const fields = new FieldReader(root, "");
  const type = fields.string("type");
  if (!(RELAY_MESSAGE_TYPES as ReadonlyArray<string>).includes(type)) {
    throw new DecodeError(FORMAT, "unknown-message-type", `type ${JSON.stringify(type)}`, "type");
  }
  const messageType = type as RelayMessageType;
  if (options.allowedTypes && !options.allowedTypes.has(messageType)) {
    throw new DecodeError(
      FORMAT,
      "unknown-message-type",
      `type ${JSON.stringify(type)} is not expected on this topic`,
      "type",
    );
  }
  switch (messageType) {
    case "event":
      return decodeEvent(fields);
    case "attachment_chunk":
      return decodeAttachmentChunk(fields);
    case "attachment":
      return withExtra<RelayAttachmentMessage>(
        {
          type: "attachment",
          event_id: eventId(fields),
          project_id: fields.integer("project_id"),
          attachment: decodeAttachment(fields.map("attachment"), "attachment"),
        },
        fields,
      );
    case "user_report":
      return withExtra<RelayUserReportMessage>(
        {
          type: "user_report",
          project_id: fields.integer("project_id"),
          start_time: fields.integer("start_time"),
          payload: fields.bytes("payload"),
        },
        fields,
      );
  }
}

function decodeEvent(fields: FieldReader): RelayEventMessage {
  const message: {
    -readonly [K in keyof RelayEventMessage]: RelayEventMessage[K];
  } = {
    type: "event",
    payload: fields.bytes("payload"),
    start_time: fields.integer("start_time"),
    event_id: eventId(fields),
    project_id: fields.integer("project_id"),
  };
  if (fields.has("remote_addr")) message.remote_addr = fields.nullableString("remote_addr");
  if (fields.has("attachments")) {
    message.attachments = fields
      .array("attachments")
      .map((item, index) => decodeAttachment(asMap(item, `attachments[${index}]`), `attachments[${index}]`));
  }
  return withExtra(message, fields);
}

function decodeAttachmentChunk(fields: FieldReader): RelayAttachmentChunkMessage {
  // Relay writes `id`; the registry schema and its example write `attachment_id`.
  const legacy = !fields.has("id") && fields.has("attachment_id");
  const message: RelayAttachmentChunkMessage = {
    type: "attachment_chunk",
    payload: fields.bytes("payload"),
    event_id: eventId(fields),
    project_id: fields.integer("project_id"),
    id: fields.string(legacy ? "attachment_id" : "id"),
    chunk_index: fields.integer("chunk_index"),
    ...(legacy ? { id_key: "attachment_id" as const } : {}),
  };
  return withExtra(message, fields);
}

function decodeAttachment(map: Map<string, unknown>, path: string): ChunkedAttachment {
  const fields = new FieldReader(map, path);
  const attachment: { -readonly [K in keyof ChunkedAttachment]: ChunkedAttachment[K] } = {
    id: fields.string("id"),
    name: fields.string("name"),
    attachment_type: fields.string("attachment_type"),
    chunks: fields.integer("chunks"),
  };
  if (fields.has("content_type")) attachment.content_type = fields.string("content_type");
  if (fields.has("data")) attachment.data = fields.bytes("data");
  if (fields.has("size")) attachment.size = fields.integer("size");
  if (fields.has("rate_limited")) attachment.rate_limited = fields.boolean("rate_limited");
  return withExtra(attachment, fields);
}

function eventId(fields: FieldReader): string {
  const value = fields.string("event_id");
  if (!EVENT_ID.test(value)) {
    throw new DecodeError(FORMAT, "invalid-value", "event_id is not 32 lowercase hex characters", "event_id");
  }
  return value;
}

function withExtra<T extends object>(value: T, fields: FieldReader): T {
  const extra = fields.unread();
  return extra ? { ...value, extra } : value;
}

function asMap(value: unknown, path: string): Map<string, unknown> {
  if (!(value instanceof Map)) throw wrongType(path, "a map", value);
  return value as Map<string, unknown>;
}

function describe(value: unknown): string {
  if (value === null) return "nil";
  if (Buffer.isBuffer(value)) return "bin";
  if (value instanceof Map) return "map";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function wrongType(path: string, expected: string, value: unknown): DecodeError {
  return new DecodeError(FORMAT, "wrong-type", `expected ${expected}, got ${describe(value)}`, path);
}

/** Reads typed fields out of one decoded map and remembers which keys were read. */
class FieldReader {
  // A plain array: messages have a handful of keys, and a Set per map costs more than it saves.
  private readonly read: string[] = [];
  constructor(
    private readonly entries: Map<string, unknown>,
    private readonly prefix: string,
  ) {}

  private path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  private get(key: string): unknown {
    if (!this.entries.has(key)) {
      throw new DecodeError(FORMAT, "missing-field", `required key ${key} is missing`, this.path(key));
    }
    this.read.push(key);
    return this.entries.get(key);
  }

  string(key: string): string {
    const value = this.get(key);
    if (typeof value !== "string") throw wrongType(this.path(key), "a string", value);
    return value;
  }

  nullableString(key: string): string | null {
    const value = this.get(key);
    if (value !== null && typeof value !== "string")
      throw wrongType(this.path(key), "a string or nil", value);
    return value;
  }

  /** A non-negative integer that JS numbers hold exactly (ids, counts, Unix seconds). */
  integer(key: string): number {
    let value = this.get(key);
    // 64-bit msgpack integers (0xcf/0xd3, what rmp writes from 2^32 up) arrive as bigint.
    if (typeof value === "bigint") {
      if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new DecodeError(
          FORMAT,
          "out-of-range",
          `integer ${value} is outside 0..2^53-1`,
          this.path(key),
        );
      }
      value = Number(value);
    }
    if (typeof value !== "number" || !Number.isInteger(value)) {
      throw wrongType(this.path(key), "an integer", value);
    }
    if (value < 0 || !Number.isSafeInteger(value)) {
      throw new DecodeError(FORMAT, "out-of-range", `integer ${value} is outside 0..2^53-1`, this.path(key));
    }
    return value;
  }

  boolean(key: string): boolean {
    const value = this.get(key);
    if (typeof value !== "boolean") throw wrongType(this.path(key), "a boolean", value);
    return value;
  }

  bytes(key: string): Buffer {
    const value = this.get(key);
    if (!Buffer.isBuffer(value)) throw wrongType(this.path(key), "bin", value);
    return value;
  }

  array(key: string): unknown[] {
    const value = this.get(key);
    if (!Array.isArray(value)) throw wrongType(this.path(key), "an array", value);
    return value;
  }

  map(key: string): Map<string, unknown> {
    return asMap(this.get(key), this.path(key));
  }

  /** Keys nobody read, in arrival order; undefined when there are none. */
  unread(): UnknownFields | undefined {
    if (this.read.length === this.entries.size) return undefined;
    const extra = new Map<string, unknown>();
    for (const [key, value] of this.entries) if (!this.read.includes(key)) extra.set(key, value);
    return extra;
  }
}

// --- encoding -----------------------------------------------------------------------------

/**
 * Encodes a message exactly as Relay does: a msgpack map, `type` first, then the fields in
 * Relay's struct order, optional descriptor fields omitted when absent, bytes as bin. Unknown
 * keys from `extra` follow. One difference from rmp: integers of 2^32 and above are written
 * as int64 (0xd3) where rmp writes uint64 (0xcf): the same value for every decoder.
 */
export function encodeRelayMessage(message: RelayMessage): Buffer {
  const map = new Map<string, unknown>([["type", message.type]]);
  switch (message.type) {
    case "event":
      map.set("payload", bytes(message.payload, "payload"));
      map.set("start_time", int(message.start_time, "start_time"));
      map.set("event_id", message.event_id);
      map.set("project_id", int(message.project_id, "project_id"));
      if (message.remote_addr !== undefined) map.set("remote_addr", message.remote_addr);
      if (message.attachments !== undefined) {
        map.set(
          "attachments",
          message.attachments.map((a, i) => attachmentMap(a, `attachments[${i}]`)),
        );
      }
      break;
    case "attachment_chunk":
      map.set("payload", bytes(message.payload, "payload"));
      map.set("event_id", message.event_id);
      map.set("project_id", int(message.project_id, "project_id"));
      map.set(message.id_key ?? "id", message.id);
      map.set("chunk_index", int(message.chunk_index, "chunk_index"));
      break;
    case "attachment":
      map.set("event_id", message.event_id);
      map.set("project_id", int(message.project_id, "project_id"));
      map.set("attachment", attachmentMap(message.attachment, "attachment"));
      break;
    case "user_report":
      map.set("project_id", int(message.project_id, "project_id"));
      map.set("start_time", int(message.start_time, "start_time"));
      map.set("payload", bytes(message.payload, "payload"));
      break;
  }
  appendExtra(map, message.extra);
  return packr.pack(map);
}

function attachmentMap(attachment: ChunkedAttachment, path: string): Map<string, unknown> {
  const map = new Map<string, unknown>([
    ["id", attachment.id],
    ["name", attachment.name],
  ]);
  if (attachment.content_type !== undefined) map.set("content_type", attachment.content_type);
  map.set("attachment_type", attachment.attachment_type);
  map.set("chunks", int(attachment.chunks, `${path}.chunks`));
  if (attachment.data !== undefined) map.set("data", bytes(attachment.data, `${path}.data`));
  if (attachment.size !== undefined) map.set("size", int(attachment.size, `${path}.size`));
  if (attachment.rate_limited !== undefined) map.set("rate_limited", attachment.rate_limited);
  appendExtra(map, attachment.extra);
  return map;
}

function appendExtra(map: Map<string, unknown>, extra: UnknownFields | undefined): void {
  if (!extra) return;
  for (const [key, value] of extra) if (!map.has(key)) map.set(key, value);
}

/** msgpackr writes whole numbers beyond 32 bits as float64; Relay's readers want integers. */
function int(value: number, path: string): number | bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new EncodeError(FORMAT, "invalid-value", `expected a non-negative integer, got ${value}`, path);
  }
  return value > 0xffffffff ? BigInt(value) : value;
}

function bytes(value: Uint8Array, path: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new EncodeError(FORMAT, "invalid-value", "expected bytes", path);
  return value;
}

// --- Kafka keys -----------------------------------------------------------------------------

/** Relay's Kafka key: the 16 raw bytes of the event UUID (not its hex text). */
export function eventIdToKey(eventId: string): Buffer {
  if (!EVENT_ID.test(eventId)) {
    throw new EncodeError(FORMAT, "invalid-value", "event_id is not 32 lowercase hex characters", "key");
  }
  return Buffer.from(eventId, "hex");
}

/** The event id a Relay key carries, or undefined when the key is not 16 bytes. */
export function eventIdFromKey(key: Uint8Array | null): string | undefined {
  if (key?.length !== 16) return undefined;
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("hex");
}
