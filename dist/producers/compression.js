// producers/compression.ts
import kafkajs, { CompressionTypes } from "kafkajs";
import { compressFrame, decompressFrame } from "lz4-napi";
import { compress as snappyCompress, uncompress as snappyUncompress } from "snappy";
import { compress as zstdCompress, decompress as zstdDecompress } from "zstd-napi";
var lz4Codec = {
  compress: (encoder) => compressFrame(encoder.buffer),
  decompress: (buffer) => decompressFrame(buffer)
};
var XERIAL_MAGIC = Buffer.from([130, 83, 78, 65, 80, 80, 89, 0]);
var XERIAL_HEADER_BYTES = 16;
var SnappyFramingError = class extends Error {
  constructor(detail) {
    super(`malformed xerial snappy framing: ${detail}`);
    this.name = "SnappyFramingError";
  }
};
function isXerialFramed(buffer) {
  return buffer.length >= XERIAL_HEADER_BYTES && buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}
async function uncompressSnappyBlock(block) {
  const out = await snappyUncompress(block, { asBuffer: true });
  return typeof out === "string" ? Buffer.from(out) : out;
}
async function uncompressXerial(buffer) {
  const blocks = [];
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
var snappyCodec = {
  compress: (encoder) => snappyCompress(encoder.buffer),
  decompress: (buffer) => isXerialFramed(buffer) ? uncompressXerial(buffer) : uncompressSnappyBlock(buffer)
};
var zstdCodec = {
  compress: async (encoder) => zstdCompress(encoder.buffer),
  decompress: async (buffer) => zstdDecompress(buffer)
};
var registered = false;
var { CompressionCodecs } = kafkajs;
function registerCompressionCodecs() {
  if (registered) return;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
  CompressionCodecs[CompressionTypes.Snappy] = () => snappyCodec;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
  registered = true;
}
var COMPRESSION_NAMES = ["none", "gzip", "snappy", "lz4", "zstd"];
var UnknownCompression = class extends Error {
  constructor(value) {
    super(
      `unknown compression codec ${JSON.stringify(value)}; expected one of ${COMPRESSION_NAMES.join(", ")}`
    );
    this.value = value;
    this.name = "UnknownCompression";
  }
  value;
};
var BY_NAME = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD
};
function compressionType(name) {
  const lowered = name.trim().toLowerCase();
  if (!COMPRESSION_NAMES.includes(lowered)) throw new UnknownCompression(name);
  return BY_NAME[lowered];
}
export {
  COMPRESSION_NAMES,
  SnappyFramingError,
  UnknownCompression,
  compressionType,
  lz4Codec,
  registerCompressionCodecs,
  snappyCodec,
  zstdCodec
};
//# sourceMappingURL=compression.js.map
