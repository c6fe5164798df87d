import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  DUMP_FORMAT,
  DUMP_VERSION,
  type DumpedMessage,
  DumpFormatError,
  type DumpHeader,
  DumpWriter,
  decodeDumpLine,
  encodeDumpLine,
  openDump,
} from "../../../replay/dump-format.ts";

const dir = mkdtempSync(join(tmpdir(), "dump-format-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header: DumpHeader = {
  format: DUMP_FORMAT,
  version: DUMP_VERSION,
  topic: "ingest-events",
  createdAt: "2026-01-02T03:04:05.000Z",
  ranges: [
    { partition: 0, start: 10, end: 13 },
    { partition: 2, start: 0, end: 1 },
  ],
  expectedMessages: 4,
};

/** Every byte value, invalid UTF-8, empty vs null: what a JSON-with-text format would mangle. */
const messages: DumpedMessage[] = [
  {
    partition: 0,
    offset: 10,
    timestamp: 1_767_322_245_123,
    key: Buffer.from([0x00, 0xff, 0xfe, 0x80]),
    value: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    headers: [
      ["content-type", Buffer.from("application/x-msgpack")],
      ["raw", Buffer.from([0xc3, 0x28, 0x00])],
      ["raw", Buffer.from([0x01])],
    ],
  },
  { partition: 0, offset: 11, timestamp: 0, key: null, value: Buffer.alloc(0), headers: [] },
  {
    partition: 0,
    offset: 12,
    timestamp: 1,
    key: Buffer.alloc(0),
    value: null,
    headers: [["e", Buffer.alloc(0)]],
  },
  { partition: 2, offset: 0, timestamp: 5, key: randomBytes(16), value: randomBytes(100_000), headers: [] },
];

async function writeDump(path: string, items: ReadonlyArray<DumpedMessage> = messages): Promise<void> {
  const writer = await DumpWriter.open(path, header);
  for (const message of items) await writer.write(message);
  expect(await writer.close()).toBe(items.length);
}

async function readAll(path: string): Promise<{ header: DumpHeader; messages: DumpedMessage[] }> {
  const reader = await openDump(path);
  const out: DumpedMessage[] = [];
  for await (const message of reader.messages()) out.push(message);
  return { header: reader.header, messages: out };
}

async function readError(path: string): Promise<DumpFormatError> {
  try {
    await readAll(path);
  } catch (error) {
    if (error instanceof DumpFormatError) return error;
    throw error;
  }
  throw new Error(`reading ${path} did not fail`);
}

describe("dump file format", () => {
  it("round-trips binary keys, values and repeated headers byte for byte, with null and empty kept apart", async () => {
    const path = join(dir, "plain.jsonl");
    await writeDump(path);
    const read = await readAll(path);
    expect(read.header).toEqual(header);
    expect(read.messages).toEqual(messages);
    expect(read.messages[1]?.key).toBeNull();
    expect(read.messages[2]?.key).toEqual(Buffer.alloc(0));
    expect(read.messages[2]?.value).toBeNull();
  });

  it("writes gzip when the name ends in .gz and reads it back the same", async () => {
    const path = join(dir, "packed.jsonl.gz");
    await writeDump(path);
    const bytes = readFileSync(path);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const lines = gunzipSync(bytes).toString("utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(messages.length + 2);
    expect(JSON.parse(lines[0] as string)).toEqual(header);
    expect(JSON.parse(lines.at(-1) as string)).toEqual({ end: true, messages: messages.length });
    expect((await readAll(path)).messages).toEqual(messages);
  });

  it("sniffs gzip by its magic bytes, not by the file name", async () => {
    const gz = join(dir, "sniff.jsonl.gz");
    await writeDump(gz);
    const renamed = join(dir, "sniff-no-extension.dump");
    writeFileSync(renamed, readFileSync(gz));
    expect((await readAll(renamed)).messages).toEqual(messages);
  });

  it("writes one JSON object per line with base64 bodies", () => {
    const line = encodeDumpLine(messages[0] as DumpedMessage);
    expect(line).not.toContain("\n");
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({ partition: 0, offset: 10, timestamp: 1_767_322_245_123, key: "AP/+gA==" });
    expect(parsed.headers).toEqual([
      ["content-type", Buffer.from("application/x-msgpack").toString("base64")],
      ["raw", "wygA"],
      ["raw", "AQ=="],
    ]);
    const decoded = decodeDumpLine(line);
    expect(decoded).toEqual({ kind: "message", message: messages[0] });
  });

  it("yields what a dump cut short holds, then fails with truncated", async () => {
    const path = join(dir, "cut.jsonl");
    const writer = await DumpWriter.open(path, header);
    await writer.write(messages[0] as DumpedMessage);
    await writer.write(messages[1] as DumpedMessage);
    await writer.abort();
    const reader = await openDump(path);
    const seen: number[] = [];
    const failure = await (async () => {
      try {
        for await (const message of reader.messages()) seen.push(message.offset);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(seen).toEqual([10, 11]);
    expect(failure).toBeInstanceOf(DumpFormatError);
    expect((failure as DumpFormatError).reason).toBe("truncated");
  });

  it("refuses a file that is not a dump, a newer version, a bad line and a wrong count", async () => {
    const notDump = join(dir, "not-a-dump.jsonl");
    writeFileSync(notDump, '{"hello":"world"}\n');
    await expect(openDump(notDump)).rejects.toMatchObject({ reason: "not-a-dump" });

    const newer = join(dir, "newer.jsonl");
    writeFileSync(newer, `${JSON.stringify({ ...header, version: 2 })}\n`);
    await expect(openDump(newer)).rejects.toMatchObject({ reason: "unsupported-version" });

    const badLine = join(dir, "bad-line.jsonl");
    writeFileSync(
      badLine,
      [
        JSON.stringify(header),
        JSON.stringify({ partition: 0, offset: 1, timestamp: 1, key: null, value: "!!", headers: [] }),
      ].join("\n"),
    );
    const bad = await readError(badLine);
    expect(bad.reason).toBe("bad-record");
    expect(bad.line).toBe(2);

    const wrongCount = join(dir, "wrong-count.jsonl");
    writeFileSync(
      wrongCount,
      [
        JSON.stringify(header),
        encodeDumpLine(messages[1] as DumpedMessage),
        '{"end":true,"messages":2}',
        "",
      ].join("\n"),
    );
    expect((await readError(wrongCount)).reason).toBe("count-mismatch");

    const after = join(dir, "after-end.jsonl");
    writeFileSync(
      after,
      [
        JSON.stringify(header),
        '{"end":true,"messages":0}',
        encodeDumpLine(messages[1] as DumpedMessage),
      ].join("\n"),
    );
    expect((await readError(after)).reason).toBe("data-after-end");
  });

  it("fails a corrupt gzip stream instead of reading garbage", async () => {
    const gz = join(dir, "corrupt.jsonl.gz");
    await writeDump(gz);
    const bytes = readFileSync(gz);
    const corrupt = join(dir, "corrupt-cut.gz");
    writeFileSync(corrupt, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readAll(corrupt)).rejects.toThrow();
  });

  it("streams a large dump without holding it whole", async () => {
    const path = join(dir, "large.jsonl.gz");
    const many: DumpedMessage[] = Array.from({ length: 20_000 }, (_, i) => ({
      partition: i % 3,
      offset: Math.floor(i / 3),
      timestamp: 1_700_000_000_000 + i,
      key: Buffer.from(`key-${i}`),
      value: Buffer.from(`value-${i}`.repeat(10)),
      headers: [],
    }));
    await writeDump(path, many);
    const reader = await openDump(path);
    let count = 0;
    let last: DumpedMessage | undefined;
    for await (const message of reader.messages()) {
      count += 1;
      last = message;
    }
    expect(count).toBe(many.length);
    expect(last).toEqual(many.at(-1));
  });
});
