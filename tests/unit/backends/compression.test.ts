import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import kafkajs, { CompressionTypes } from "kafkajs";
import { compressSync as snappyCompressSync } from "snappy";
import { describe, expect, it } from "vitest";
import { CompressStream } from "zstd-napi";
import {
  compressionType,
  lz4Codec,
  registerCompressionCodecs,
  SnappyFramingError,
  snappyCodec,
  UnknownCompression,
  zstdCodec,
} from "../../../producers/compression.ts";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/backends/${name}`, import.meta.url));

/** The input the LZ4 fixtures were made from (see tests/fixtures/backends/INDEX.md). */
function lz4Input(): Buffer {
  let text = "";
  for (let i = 0; i < 3000; i++) {
    text += `{"event_id":"${((i * 2654435761) >>> 0).toString(16).padStart(8, "0")}","n":${i}}\n`;
  }
  return Buffer.from(text);
}

/** snappy-java's SnappyOutputStream framing, as Java producers write Snappy batches. */
function xerialFrame(blocks: ReadonlyArray<Buffer>): Buffer {
  const header = Buffer.alloc(16);
  Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]).copy(header);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (const block of blocks) {
    const compressed = snappyCompressSync(block) as Buffer;
    const length = Buffer.alloc(4);
    length.writeInt32BE(compressed.length);
    parts.push(length, compressed);
  }
  return Buffer.concat(parts);
}

function zstdStreamFrame(data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stream = new CompressStream();
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
    stream.end(data);
  });
}

const sample = Buffer.from(
  JSON.stringify({ message: "x".repeat(5000), tags: Array.from({ length: 50 }, String) }),
);

describe("LZ4 codec", () => {
  it("regenerates the input the fixtures were made from", () => {
    const digest = createHash("sha256").update(lz4Input()).digest("hex");
    expect(digest).toBe("d6e413af7900143763d0d217ac0dffcc0fd8e146944c3cc7df48c303adae0b36");
  });

  it.each(["lz4-kafka-java-style.lz4", "lz4-cli-default.lz4", "lz4-linked-blockcrc-contentsize.lz4"])(
    "decompresses the multi-block frame %s",
    async (name) => {
      expect((await lz4Codec.decompress(fixture(name))).equals(lz4Input())).toBe(true);
    },
  );

  it("writes the LZ4 frame format (magic 04 22 4D 18), not raw blocks", async () => {
    const compressed = await lz4Codec.compress({ buffer: sample });
    expect(compressed.subarray(0, 4).toString("hex")).toBe("04224d18");
    expect(compressed.length).toBeLessThan(sample.length);
    expect((await lz4Codec.decompress(compressed)).equals(sample)).toBe(true);
  });

  it("rejects a corrupted frame instead of returning garbage", async () => {
    const broken = Buffer.from(fixture("lz4-cli-default.lz4"));
    broken[broken.length - 10] = broken[broken.length - 10]! ^ 0xff;
    await expect(lz4Codec.decompress(broken)).rejects.toThrow();
  });
});

describe("Snappy codec", () => {
  it("round-trips raw Snappy, the format kafkajs-snappy and librdkafka write", async () => {
    const compressed = await snappyCodec.compress({ buffer: sample });
    expect(compressed.equals(snappyCompressSync(sample) as Buffer)).toBe(true);
    expect((await snappyCodec.decompress(compressed)).equals(sample)).toBe(true);
  });

  it("reads xerial-framed batches from Java producers, across several blocks", async () => {
    const blocks = [sample.subarray(0, 3000), sample.subarray(3000), Buffer.from("tail")];
    const framed = xerialFrame(blocks);
    expect((await snappyCodec.decompress(framed)).equals(Buffer.concat(blocks))).toBe(true);
  });

  it("reads an xerial frame with no blocks as empty", async () => {
    expect((await snappyCodec.decompress(xerialFrame([]))).length).toBe(0);
  });

  it("fails on a truncated xerial frame", async () => {
    const framed = xerialFrame([sample]);
    await expect(snappyCodec.decompress(framed.subarray(0, framed.length - 5))).rejects.toBeInstanceOf(
      SnappyFramingError,
    );
  });
});

describe("ZSTD codec", () => {
  it("round-trips", async () => {
    const compressed = await zstdCodec.compress({ buffer: sample });
    expect(compressed.subarray(0, 4).toString("hex")).toBe("28b52ffd");
    expect((await zstdCodec.decompress(compressed)).equals(sample)).toBe(true);
  });

  it("reads streamed frames without a content size, as zstd-jni writes them", async () => {
    const frame = await zstdStreamFrame(sample);
    expect((await zstdCodec.decompress(frame)).equals(sample)).toBe(true);
  });
});

describe("codec registration", () => {
  it("installs LZ4, Snappy and ZSTD into kafkajs's codec table", () => {
    registerCompressionCodecs();
    const { CompressionCodecs } = kafkajs;
    expect(CompressionCodecs[CompressionTypes.LZ4]()).toBe(lz4Codec);
    expect(CompressionCodecs[CompressionTypes.Snappy]()).toBe(snappyCodec);
    expect(CompressionCodecs[CompressionTypes.ZSTD]()).toBe(zstdCodec);
  });

  it("maps Kafka's compression.type names, case-insensitively", () => {
    expect(compressionType("none")).toBe(CompressionTypes.None);
    expect(compressionType("gzip")).toBe(CompressionTypes.GZIP);
    expect(compressionType("Snappy")).toBe(CompressionTypes.Snappy);
    expect(compressionType("LZ4")).toBe(CompressionTypes.LZ4);
    expect(compressionType(" zstd ")).toBe(CompressionTypes.ZSTD);
  });

  it("refuses an unknown codec name", () => {
    expect(() => compressionType("brotli")).toThrow(UnknownCompression);
  });
});
