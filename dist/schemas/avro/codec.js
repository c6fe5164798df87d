// schemas/avro/codec.ts
import { DecodeError, EncodeError } from "../errors.js";
import { parseAvroSchema } from "../registry/manifest.js";
var FORMAT = "avro";
var MAGIC = 0;
var HEADER_BYTES = 5;
var AvroCodec = class _AvroCodec {
  constructor(subject, registry, reader, writerId) {
    this.subject = subject;
    this.registry = registry;
    this.reader = reader;
    this.writerId = writerId;
    this.header = Buffer.alloc(HEADER_BYTES);
    this.header.writeUInt8(MAGIC, 0);
    this.header.writeUInt32BE(writerId, 1);
    this.writers.set(writerId, { type: reader, resolver: void 0 });
  }
  subject;
  registry;
  reader;
  writerId;
  format = FORMAT;
  writers = /* @__PURE__ */ new Map();
  header;
  /**
   * Registers (idempotently) `schemaText`, the newest local version, under `subject` and
   * preloads the writer schemas in `knownIds`, so `decode` works without I/O for them.
   */
  static async create(subject, schemaText, registry, knownIds = []) {
    const reader = parseAvroSchema(schemaText);
    const writerId = await registry.register(subject, schemaText);
    const codec = new _AvroCodec(subject, registry, reader, writerId);
    for (const id of knownIds) await codec.loadWriter(id);
    return codec;
  }
  encode(value) {
    const problems = [];
    if (!this.reader.isValid(value, { errorHook: (path) => problems.push(path.join(".")) })) {
      throw new EncodeError(FORMAT, "invalid-value", `does not match ${this.subject}`, problems.join(", "));
    }
    return Buffer.concat([this.header, this.reader.toBuffer(value)]);
  }
  decode(bytes) {
    const id = this.schemaId(bytes);
    const writer = this.writers.get(id);
    if (!writer) throw unknownId(id, this.subject);
    return this.decodeBody(bytes, writer);
  }
  async decodeAsync(bytes) {
    const id = this.schemaId(bytes);
    const writer = this.writers.get(id) ?? await this.loadWriter(id);
    return this.decodeBody(bytes, writer);
  }
  /** Fetches a writer schema and prepares its resolver; `DecodeError` when unknown or unreadable. */
  async loadWriter(id) {
    const cached = this.writers.get(id);
    if (cached) return cached;
    const text = await this.registry.getSchema(id);
    if (text === void 0) throw unknownId(id, this.subject);
    let type;
    let resolver;
    try {
      type = parseAvroSchema(text);
      resolver = type.equals(this.reader) ? void 0 : this.reader.createResolver(type);
    } catch (error) {
      throw new DecodeError(
        FORMAT,
        "incompatible-schema",
        `writer schema ${id} cannot be read as ${this.subject}: ${error instanceof Error ? error.message : error}`
      );
    }
    const entry = { type, resolver };
    this.writers.set(id, entry);
    return entry;
  }
  schemaId(bytes) {
    if (bytes.length < HEADER_BYTES) {
      throw new DecodeError(
        FORMAT,
        "truncated-avro",
        `${bytes.length} bytes, shorter than the 5-byte header`
      );
    }
    if (bytes[0] !== MAGIC) {
      throw new DecodeError(FORMAT, "bad-magic-byte", `first byte is ${bytes[0]}, expected 0`);
    }
    return (bytes[1] << 24 >>> 0) + (bytes[2] << 16 | bytes[3] << 8 | bytes[4]);
  }
  decodeBody(bytes, writer) {
    const body = Buffer.from(bytes.buffer, bytes.byteOffset + HEADER_BYTES, bytes.byteLength - HEADER_BYTES);
    try {
      return this.reader.fromBuffer(body, writer.resolver);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new DecodeError(FORMAT, /truncated/i.test(message) ? "truncated-avro" : "invalid-avro", message);
    }
  }
};
function unknownId(id, subject) {
  return new DecodeError(
    FORMAT,
    "unknown-schema-id",
    `schema id ${id} is not known to the registry (${subject})`
  );
}
export {
  AvroCodec
};
//# sourceMappingURL=codec.js.map
