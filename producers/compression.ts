import kafkajs, { CompressionTypes } from "kafkajs";
import { compressFrame, decompressFrame } from "lz4-napi";
import { compress as snappyCompress, uncompress as snappyUncompress } from "snappy";
import { compress as zstdCompress, decompress as zstdDecompress } from "zstd-napi";

// kafkajs ships only GZIP; the other codecs Kafka uses are plugged into its codec table.
// Every Sentry topic is `compression.type: lz4`, so a consumer without the LZ4 codec
// cannot read what Relay or a Java producer wrote.

/** The shape kafkajs expects from a codec: it hands the encoder holding the record bytes. */
export interface KafkaCodec {
  compress(encoder: { readonly buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/**
 * LZ4 as Kafka writes it: the LZ4 *frame* format (magic 04 22 4D 18), not raw blocks.
 * Java's KafkaLZ4BlockOutputStream writes independent 64 KB blocks without checksums;
 * librdkafka writes standard frames. Record batches v2 (the only format Kafka 4 keeps) use
 * the correct header checksum, so the KAFKA-3160 quirk of magic v0/v1 does not arise.
 */
export const lz4Codec: KafkaCodec = {
  compress: (encoder) => compressFrame(encoder.buffer),
  decompress: (buffer) => decompressFrame(buffer),
};

// snappy-java's SnappyOutputStream (used by the Java producer) frames raw Snappy blocks:
// a 16-byte header (magic, version, compatible version) then [int32 BE length][block]*.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

export class SnappyFramingError extends Error {
  constructor(detail: string) {
    super(`malformed xerial snappy framing: ${detail}`);
    this.name = "SnappyFramingError";
  }
}

function isXerialFramed(buffer: Buffer): boolean {
  return buffer.length >= XERIAL_HEADER_BYTES && buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

async function uncompressSnappyBlock(block: Uint8Array): Promise<Buffer> {
  const out = await snappyUncompress(block, { asBuffer: true });
  // `asBuffer: true` always yields a Buffer; the union type is the library's.
  return typeof out === "string" ? Buffer.from(out) : out;
}

async function uncompressXerial(buffer: Buffer): Promise<Buffer> {
  const blocks: Buffer[] = [];
  let at = XERIAL_HEADER_BYTES;
  while (at < buffer.length) {
    if (at + 4 > buffer.length) throw new SnappyFramingError(`truncated block length at ${at}`);
    const length = buffer.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > buffer.length) {
      throw new SnappyFramingError(`block of ${length} bytes at ${at} overruns ${buffer.length}`);
    }
    blocks.push(await uncompressSnappyBlock(buffer.subarray(at, at + length)));
    at += length;
  }
  return Buffer.concat(blocks);
}

/**
 * Snappy: writes raw Snappy (what kafkajs-snappy and librdkafka write, and what snappy-java's
 * SnappyInputStream falls back to when the xerial header is absent); reads both raw and
 * xerial-framed batches, so Java producers' batches decode too.
 */
export const snappyCodec: KafkaCodec = {
  compress: (encoder) => snappyCompress(encoder.buffer),
  decompress: (buffer) => (isXerialFramed(buffer) ? uncompressXerial(buffer) : uncompressSnappyBlock(buffer)),
};

/** ZSTD: standard frames; zstd-jni streams omit the content size, which zstd-napi handles. */
export const zstdCodec: KafkaCodec = {
  compress: async (encoder) => zstdCompress(encoder.buffer),
  decompress: async (buffer) => zstdDecompress(buffer),
};

let registered = false;

// kafkajs is CommonJS and Node cannot see `CompressionCodecs` as a named export.
const { CompressionCodecs } = kafkajs;

/** Plugs LZ4, Snappy and ZSTD into kafkajs's process-wide codec table (idempotent). */
export function registerCompressionCodecs(): void {
  if (registered) return;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
  CompressionCodecs[CompressionTypes.Snappy] = () => snappyCodec;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
  registered = true;
}

export const COMPRESSION_NAMES = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
export type CompressionName = (typeof COMPRESSION_NAMES)[number];

export class UnknownCompression extends Error {
  constructor(readonly value: string) {
    super(
      `unknown compression codec ${JSON.stringify(value)}; expected one of ${COMPRESSION_NAMES.join(", ")}`,
    );
    this.name = "UnknownCompression";
  }
}

const BY_NAME: Readonly<Record<CompressionName, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** Maps the `kafkaCompression` option (Kafka's `compression.type` names) to kafkajs's enum. */
export function compressionType(name: string): CompressionTypes {
  const lowered = name.trim().toLowerCase();
  if (!(COMPRESSION_NAMES as ReadonlyArray<string>).includes(lowered)) throw new UnknownCompression(name);
  return BY_NAME[lowered as CompressionName];
}
