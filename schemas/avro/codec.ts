import type avro from "avsc";
import type { Codec } from "../codec.ts";
import { DecodeError, EncodeError } from "../errors.ts";
import { parseAvroSchema } from "../registry/manifest.ts";
import type { SchemaRegistry } from "../registry/types.ts";

// Confluent wire format: magic byte 0, the writer schema id as 4 bytes big-endian, then the
// Avro binary body. Readers decode with their own (newest) schema, resolving from the writer's
// schema, so records written by an older producer gain the defaults of newer fields.

const FORMAT = "avro";
const MAGIC = 0;
const HEADER_BYTES = 5;

interface WriterEntry {
  readonly type: avro.Type;
  /** Undefined when the writer schema is the reader schema. */
  readonly resolver: avro.Resolver | undefined;
}

export class AvroCodec<T> implements Codec<T> {
  readonly format = FORMAT;
  private readonly writers = new Map<number, WriterEntry>();
  private readonly header: Buffer;

  private constructor(
    readonly subject: string,
    private readonly registry: SchemaRegistry,
    private readonly reader: avro.Type,
    /** The id our own records are written with. */
    readonly writerId: number,
  ) {
    this.header = Buffer.alloc(HEADER_BYTES);
    this.header.writeUInt8(MAGIC, 0);
    this.header.writeUInt32BE(writerId, 1);
    this.writers.set(writerId, { type: reader, resolver: undefined });
  }

  /**
   * Registers (idempotently) `schemaText`, the newest local version, under `subject` and
   * preloads the writer schemas in `knownIds`, so `decode` works without I/O for them.
   */
  static async create<T>(
    subject: string,
    schemaText: string,
    registry: SchemaRegistry,
    knownIds: Iterable<number> = [],
  ): Promise<AvroCodec<T>> {
    const reader = parseAvroSchema(schemaText);
    const writerId = await registry.register(subject, schemaText);
    const codec = new AvroCodec<T>(subject, registry, reader, writerId);
    for (const id of knownIds) await codec.loadWriter(id);
    return codec;
  }

  encode(value: T): Buffer {
    const problems: string[] = [];
    if (!this.reader.isValid(value, { errorHook: (path) => problems.push(path.join(".")) })) {
      throw new EncodeError(FORMAT, "invalid-value", `does not match ${this.subject}`, problems.join(", "));
    }
    return Buffer.concat([this.header, this.reader.toBuffer(value)]);
  }

  decode(bytes: Uint8Array): T {
    const id = this.schemaId(bytes);
    const writer = this.writers.get(id);
    if (!writer) throw unknownId(id, this.subject);
    return this.decodeBody(bytes, writer);
  }

  async decodeAsync(bytes: Uint8Array): Promise<T> {
    const id = this.schemaId(bytes);
    const writer = this.writers.get(id) ?? (await this.loadWriter(id));
    return this.decodeBody(bytes, writer);
  }

  /** Fetches a writer schema and prepares its resolver; `DecodeError` when unknown or unreadable. */
  private async loadWriter(id: number): Promise<WriterEntry> {
    const cached = this.writers.get(id);
    if (cached) return cached;
    const text = await this.registry.getSchema(id);
    if (text === undefined) throw unknownId(id, this.subject);
    let type: avro.Type;
    let resolver: avro.Resolver | undefined;
    try {
      type = parseAvroSchema(text);
      resolver = type.equals(this.reader) ? undefined : this.reader.createResolver(type);
    } catch (error) {
      throw new DecodeError(
        FORMAT,
        "incompatible-schema",
        `writer schema ${id} cannot be read as ${this.subject}: ${error instanceof Error ? error.message : error}`,
      );
    }
    const entry = { type, resolver };
    this.writers.set(id, entry);
    return entry;
  }

  private schemaId(bytes: Uint8Array): number {
    if (bytes.length < HEADER_BYTES) {
      throw new DecodeError(
        FORMAT,
        "truncated-avro",
        `${bytes.length} bytes, shorter than the 5-byte header`,
      );
    }
    if (bytes[0] !== MAGIC) {
      throw new DecodeError(FORMAT, "bad-magic-byte", `first byte is ${bytes[0]}, expected 0`);
    }
    return ((bytes[1]! << 24) >>> 0) + ((bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!);
  }

  private decodeBody(bytes: Uint8Array, writer: WriterEntry): T {
    const body = Buffer.from(bytes.buffer, bytes.byteOffset + HEADER_BYTES, bytes.byteLength - HEADER_BYTES);
    try {
      return this.reader.fromBuffer(body, writer.resolver) as T;
    } catch (error) {
      // avsc reports bad input with plain Errors ("truncated buffer", "trailing data",
      // "invalid union index", ...); at this boundary they are all bad bytes.
      const message = error instanceof Error ? error.message : String(error);
      throw new DecodeError(FORMAT, /truncated/i.test(message) ? "truncated-avro" : "invalid-avro", message);
    }
  }
}

function unknownId(id: number, subject: string): DecodeError {
  return new DecodeError(
    FORMAT,
    "unknown-schema-id",
    `schema id ${id} is not known to the registry (${subject})`,
  );
}
