// schemas/relay/codec.ts
import { Packr, Unpackr } from "msgpackr";
import { DecodeError, EncodeError } from "../errors.js";
import { scanRelayMsgpack } from "./msgpack-scan.js";
import {
  RELAY_MESSAGE_TYPES
} from "./types.js";
var RELAY_MAX_MSGPACK_DEPTH = 32;
var FORMAT = "relay-msgpack";
var EVENT_ID = /^[0-9a-f]{32}$/;
var unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, int64AsType: "bigint" });
var packr = new Packr({ useRecords: false, variableMapSize: true });
function decodeRelayMessage(bytes2, options = {}) {
  scanRelayMsgpack(bytes2, { maxDepth: options.maxDepth ?? RELAY_MAX_MSGPACK_DEPTH });
  let root;
  try {
    root = unpackr.unpack(bytes2);
  } catch (error) {
    throw new DecodeError(FORMAT, "invalid-msgpack", error instanceof Error ? error.message : String(error));
  }
  const fields = new FieldReader(root, "");
  const type = fields.string("type");
  if (!RELAY_MESSAGE_TYPES.includes(type)) {
    throw new DecodeError(FORMAT, "unknown-message-type", `type ${JSON.stringify(type)}`, "type");
  }
  const messageType = type;
  if (options.allowedTypes && !options.allowedTypes.has(messageType)) {
    throw new DecodeError(
      FORMAT,
      "unknown-message-type",
      `type ${JSON.stringify(type)} is not expected on this topic`,
      "type"
    );
  }
  switch (messageType) {
    case "event":
      return decodeEvent(fields);
    case "attachment_chunk":
      return decodeAttachmentChunk(fields);
    case "attachment":
      return withExtra(
        {
          type: "attachment",
          event_id: eventId(fields),
          project_id: fields.integer("project_id"),
          attachment: decodeAttachment(fields.map("attachment"), "attachment")
        },
        fields
      );
    case "user_report":
      return withExtra(
        {
          type: "user_report",
          project_id: fields.integer("project_id"),
          start_time: fields.integer("start_time"),
          payload: fields.bytes("payload")
        },
        fields
      );
  }
}
function decodeEvent(fields) {
  const message = {
    type: "event",
    payload: fields.bytes("payload"),
    start_time: fields.integer("start_time"),
    event_id: eventId(fields),
    project_id: fields.integer("project_id")
  };
  if (fields.has("remote_addr")) message.remote_addr = fields.nullableString("remote_addr");
  if (fields.has("attachments")) {
    message.attachments = fields.array("attachments").map((item, index) => decodeAttachment(asMap(item, `attachments[${index}]`), `attachments[${index}]`));
  }
  return withExtra(message, fields);
}
function decodeAttachmentChunk(fields) {
  const legacy = !fields.has("id") && fields.has("attachment_id");
  const message = {
    type: "attachment_chunk",
    payload: fields.bytes("payload"),
    event_id: eventId(fields),
    project_id: fields.integer("project_id"),
    id: fields.string(legacy ? "attachment_id" : "id"),
    chunk_index: fields.integer("chunk_index"),
    ...legacy ? { id_key: "attachment_id" } : {}
  };
  return withExtra(message, fields);
}
function decodeAttachment(map, path) {
  const fields = new FieldReader(map, path);
  const attachment = {
    id: fields.string("id"),
    name: fields.string("name"),
    attachment_type: fields.string("attachment_type"),
    chunks: fields.integer("chunks")
  };
  if (fields.has("content_type")) attachment.content_type = fields.string("content_type");
  if (fields.has("data")) attachment.data = fields.bytes("data");
  if (fields.has("size")) attachment.size = fields.integer("size");
  if (fields.has("rate_limited")) attachment.rate_limited = fields.boolean("rate_limited");
  return withExtra(attachment, fields);
}
function eventId(fields) {
  const value = fields.string("event_id");
  if (!EVENT_ID.test(value)) {
    throw new DecodeError(FORMAT, "invalid-value", "event_id is not 32 lowercase hex characters", "event_id");
  }
  return value;
}
function withExtra(value, fields) {
  const extra = fields.unread();
  return extra ? { ...value, extra } : value;
}
function asMap(value, path) {
  if (!(value instanceof Map)) throw wrongType(path, "a map", value);
  return value;
}
function describe(value) {
  if (value === null) return "nil";
  if (Buffer.isBuffer(value)) return "bin";
  if (value instanceof Map) return "map";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
function wrongType(path, expected, value) {
  return new DecodeError(FORMAT, "wrong-type", `expected ${expected}, got ${describe(value)}`, path);
}
var FieldReader = class {
  constructor(entries, prefix) {
    this.entries = entries;
    this.prefix = prefix;
  }
  entries;
  prefix;
  // A plain array: messages have a handful of keys, and a Set per map costs more than it saves.
  read = [];
  path(key) {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }
  has(key) {
    return this.entries.has(key);
  }
  get(key) {
    if (!this.entries.has(key)) {
      throw new DecodeError(FORMAT, "missing-field", `required key ${key} is missing`, this.path(key));
    }
    this.read.push(key);
    return this.entries.get(key);
  }
  string(key) {
    const value = this.get(key);
    if (typeof value !== "string") throw wrongType(this.path(key), "a string", value);
    return value;
  }
  nullableString(key) {
    const value = this.get(key);
    if (value !== null && typeof value !== "string")
      throw wrongType(this.path(key), "a string or nil", value);
    return value;
  }
  /** A non-negative integer that JS numbers hold exactly (ids, counts, Unix seconds). */
  integer(key) {
    let value = this.get(key);
    if (typeof value === "bigint") {
      if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new DecodeError(
          FORMAT,
          "out-of-range",
          `integer ${value} is outside 0..2^53-1`,
          this.path(key)
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
  boolean(key) {
    const value = this.get(key);
    if (typeof value !== "boolean") throw wrongType(this.path(key), "a boolean", value);
    return value;
  }
  bytes(key) {
    const value = this.get(key);
    if (!Buffer.isBuffer(value)) throw wrongType(this.path(key), "bin", value);
    return value;
  }
  array(key) {
    const value = this.get(key);
    if (!Array.isArray(value)) throw wrongType(this.path(key), "an array", value);
    return value;
  }
  map(key) {
    return asMap(this.get(key), this.path(key));
  }
  /** Keys nobody read, in arrival order; undefined when there are none. */
  unread() {
    if (this.read.length === this.entries.size) return void 0;
    const extra = /* @__PURE__ */ new Map();
    for (const [key, value] of this.entries) if (!this.read.includes(key)) extra.set(key, value);
    return extra;
  }
};
function encodeRelayMessage(message) {
  const map = /* @__PURE__ */ new Map([["type", message.type]]);
  switch (message.type) {
    case "event":
      map.set("payload", bytes(message.payload, "payload"));
      map.set("start_time", int(message.start_time, "start_time"));
      map.set("event_id", message.event_id);
      map.set("project_id", int(message.project_id, "project_id"));
      if (message.remote_addr !== void 0) map.set("remote_addr", message.remote_addr);
      if (message.attachments !== void 0) {
        map.set(
          "attachments",
          message.attachments.map((a, i) => attachmentMap(a, `attachments[${i}]`))
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
function attachmentMap(attachment, path) {
  const map = /* @__PURE__ */ new Map([
    ["id", attachment.id],
    ["name", attachment.name]
  ]);
  if (attachment.content_type !== void 0) map.set("content_type", attachment.content_type);
  map.set("attachment_type", attachment.attachment_type);
  map.set("chunks", int(attachment.chunks, `${path}.chunks`));
  if (attachment.data !== void 0) map.set("data", bytes(attachment.data, `${path}.data`));
  if (attachment.size !== void 0) map.set("size", int(attachment.size, `${path}.size`));
  if (attachment.rate_limited !== void 0) map.set("rate_limited", attachment.rate_limited);
  appendExtra(map, attachment.extra);
  return map;
}
function appendExtra(map, extra) {
  if (!extra) return;
  for (const [key, value] of extra) if (!map.has(key)) map.set(key, value);
}
function int(value, path) {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new EncodeError(FORMAT, "invalid-value", `expected a non-negative integer, got ${value}`, path);
  }
  return value > 4294967295 ? BigInt(value) : value;
}
function bytes(value, path) {
  if (!(value instanceof Uint8Array)) throw new EncodeError(FORMAT, "invalid-value", "expected bytes", path);
  return value;
}
function eventIdToKey(eventId2) {
  if (!EVENT_ID.test(eventId2)) {
    throw new EncodeError(FORMAT, "invalid-value", "event_id is not 32 lowercase hex characters", "key");
  }
  return Buffer.from(eventId2, "hex");
}
function eventIdFromKey(key) {
  if (key?.length !== 16) return void 0;
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("hex");
}
export {
  RELAY_MAX_MSGPACK_DEPTH,
  decodeRelayMessage,
  encodeRelayMessage,
  eventIdFromKey,
  eventIdToKey
};
//# sourceMappingURL=codec.js.map
