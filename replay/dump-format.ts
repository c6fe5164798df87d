import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { PassThrough, Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { z } from "zod";

// The dump file format of `ingest dump` / `ingest replay --from-file` (docs/replay.md):
// JSON lines, streamable in both directions, gzip-compressed when the file name ends in
// `.gz` (the reader sniffs the gzip magic instead of trusting the name).
//
//   line 1      header   {"format":"ingest-dump","version":1,"topic":...,"createdAt":...,"ranges":[...]}
//   lines 2..n  message  {"partition":0,"offset":5,"timestamp":1700000000000,"key":"<base64>"|null,
//                         "value":"<base64>"|null,"headers":[["name","<base64>"],...]}
//   last line   end      {"end":true,"messages":N}
//
// Keys, values and header values are base64 so any bytes survive; null and empty stay
// distinct. A dump without its end line was cut short (a crash, Ctrl+C, a full disk): the
// reader yields what is there and then fails with `truncated`.

export const DUMP_FORMAT = "ingest-dump";
export const DUMP_VERSION = 1;

/** The offsets one partition's part of the dump covers: [start, end). */
export interface DumpRange {
  readonly partition: number;
  readonly start: number;
  readonly end: number;
}

export interface DumpHeader {
  readonly format: typeof DUMP_FORMAT;
  readonly version: typeof DUMP_VERSION;
  /** The topic the messages were read from. */
  readonly topic: string;
  /** ISO 8601 time the dump started. */
  readonly createdAt: string;
  readonly ranges: ReadonlyArray<DumpRange>;
  /** Most messages the dump will hold (ranges summed, capped by --max-messages); fewer on compacted topics. */
  readonly expectedMessages: number;
}

/** One recorded Kafka message, with where it was and when the broker stamped it. */
export interface DumpedMessage {
  readonly partition: number;
  readonly offset: number;
  /** Broker timestamp, epoch milliseconds. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  /** Null for a tombstone (a record without a value), which is not the same as an empty value. */
  readonly value: Buffer | null;
  /** In the order Kafka returned them; names may repeat. */
  readonly headers: ReadonlyArray<readonly [string, Buffer]>;
}

export const DUMP_ERROR_REASONS = [
  "not-a-dump",
  "unsupported-version",
  "bad-record",
  "truncated",
  "count-mismatch",
  "data-after-end",
] as const;
export type DumpErrorReason = (typeof DUMP_ERROR_REASONS)[number];

export class DumpFormatError extends Error {
  constructor(
    readonly reason: DumpErrorReason,
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${reason}: ${detail}`);
    this.name = "DumpFormatError";
  }
}

const safeInt = z.int().nonnegative();

const headerSchema = z.object({
  format: z.literal(DUMP_FORMAT),
  version: z.literal(DUMP_VERSION),
  topic: z.string().min(1),
  createdAt: z.string(),
  ranges: z.array(z.strictObject({ partition: safeInt, start: safeInt, end: safeInt })),
  expectedMessages: safeInt,
});

const messageSchema = z.strictObject({
  partition: safeInt,
  offset: safeInt,
  timestamp: z.int(),
  key: z.base64().nullable(),
  value: z.base64().nullable(),
  headers: z.array(z.tuple([z.string(), z.base64()])),
});

const endSchema = z.strictObject({ end: z.literal(true), messages: safeInt });

function fromBase64(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, "base64");
}

/** One message as its dump line (without the newline). */
export function encodeDumpLine(message: DumpedMessage): string {
  return JSON.stringify({
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key === null ? null : message.key.toString("base64"),
    value: message.value === null ? null : message.value.toString("base64"),
    headers: message.headers.map(([name, value]) => [name, value.toString("base64")]),
  });
}

type DumpLine =
  | { readonly kind: "message"; readonly message: DumpedMessage }
  | { readonly kind: "end"; readonly messages: number };

function parseJsonLine(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DumpFormatError("bad-record", file, line, `not JSON (${(error as Error).message})`);
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? "invalid" : `${issue.path.join(".") || "(line)"}: ${issue.message}`;
}

/** Decodes a message or end line; `file` and `line` only name the place in errors. */
export function decodeDumpLine(text: string, file = "<dump>", line = 0): DumpLine {
  const raw = parseJsonLine(text, file, line);
  if (typeof raw === "object" && raw !== null && "end" in raw) {
    const end = endSchema.safeParse(raw);
    if (!end.success) throw new DumpFormatError("bad-record", file, line, firstIssue(end.error));
    return { kind: "end", messages: end.data.messages };
  }
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) throw new DumpFormatError("bad-record", file, line, firstIssue(parsed.error));
  const m = parsed.data;
  return {
    kind: "message",
    message: {
      partition: m.partition,
      offset: m.offset,
      timestamp: m.timestamp,
      key: fromBase64(m.key),
      value: fromBase64(m.value),
      headers: m.headers.map(([name, value]) => [name, Buffer.from(value, "base64")] as const),
    },
  };
}

function decodeHeader(text: string, file: string): DumpHeader {
  const raw = parseJsonLine(text, file, 1);
  if (typeof raw !== "object" || raw === null || (raw as { format?: unknown }).format !== DUMP_FORMAT) {
    throw new DumpFormatError("not-a-dump", file, 1, `the first line is not an ${DUMP_FORMAT} header`);
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== DUMP_VERSION) {
    throw new DumpFormatError(
      "unsupported-version",
      file,
      1,
      `version ${JSON.stringify(version)}; this build reads version ${DUMP_VERSION}`,
    );
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) throw new DumpFormatError("bad-record", file, 1, firstIssue(parsed.error));
  return parsed.data;
}

/** Writes a dump; `close()` adds the end line, so only a finished dump reads as complete. */
export class DumpWriter {
  private written = 0;
  private failure: unknown = null;

  private constructor(
    private readonly head: Writable,
    private readonly finished: Promise<void>,
  ) {
    finished.catch((error: unknown) => {
      this.failure = error;
    });
  }

  /**
   * Opens `path` (`-` = stdout, never gzipped, left open) and writes the header line. A name
   * ending in `.gz` is written through gzip.
   */
  static async open(path: string, header: DumpHeader): Promise<DumpWriter> {
    let writer: DumpWriter;
    if (path === "-") {
      const head = new PassThrough();
      head.pipe(process.stdout, { end: false });
      writer = new DumpWriter(
        head,
        once(head, "end").then(() => undefined),
      );
    } else {
      const file = createWriteStream(path);
      await once(file, "open");
      if (path.endsWith(".gz")) {
        const gzip = createGzip();
        writer = new DumpWriter(gzip, pipeline(gzip, file));
      } else {
        writer = new DumpWriter(
          file,
          once(file, "finish").then(() => undefined),
        );
      }
    }
    await writer.writeLine(JSON.stringify(header));
    return writer;
  }

  get messages(): number {
    return this.written;
  }

  async write(message: DumpedMessage): Promise<void> {
    await this.writeLine(encodeDumpLine(message));
    this.written += 1;
  }

  /** Writes the end line and waits until every byte reached the file. */
  async close(): Promise<number> {
    await this.writeLine(JSON.stringify({ end: true, messages: this.written }));
    this.head.end();
    await this.finished;
    return this.written;
  }

  /** Ends the file without the end line: a reader will call it truncated. */
  async abort(): Promise<void> {
    this.head.end();
    await this.finished;
  }

  private async writeLine(text: string): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (!this.head.write(`${text}\n`)) {
      // Rejects with the stream's error if it fails while we wait.
      await Promise.race([once(this.head, "drain"), this.finished]);
    }
  }
}

/** The input bytes, gunzipped when they start with the gzip magic (1f 8b). */
async function* sniffGzip(source: Readable): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done) return;
  const rest = (async function* () {
    yield first.value;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  })();
  if (first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b) {
    yield* Readable.from(rest).pipe(createGunzip());
  } else {
    yield* rest;
  }
}

/** A dump being read: the header first, then the messages once, in file order. */
export interface DumpReader {
  readonly file: string;
  readonly header: DumpHeader;
  /** Yields every message; fails with DumpFormatError at a bad line or a missing end line. */
  messages(): AsyncGenerator<DumpedMessage>;
  close(): void;
}

/** Opens a dump (`-` = stdin) and reads its header. */
export async function openDump(path: string): Promise<DumpReader> {
  const file = path === "-" ? "<stdin>" : path;
  const source = path === "-" ? process.stdin : createReadStream(path);
  const lines = createInterface({
    input: Readable.from(sniffGzip(source)),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) {
    lines.close();
    throw new DumpFormatError("not-a-dump", file, 1, "the file is empty");
  }
  const header = decodeHeader(first.value, file);

  async function* messages(): AsyncGenerator<DumpedMessage> {
    let line = 1;
    let count = 0;
    let ended: number | null = null;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        line += 1;
        if (next.value === "") continue;
        if (ended !== null)
          throw new DumpFormatError("data-after-end", file, line, "a line after the end line");
        const decoded = decodeDumpLine(next.value, file, line);
        if (decoded.kind === "end") {
          ended = decoded.messages;
          continue;
        }
        count += 1;
        yield decoded.message;
      }
    } finally {
      lines.close();
    }
    if (ended === null) {
      throw new DumpFormatError(
        "truncated",
        file,
        line,
        `no end line after ${count} messages (was the dump cut short?)`,
      );
    }
    if (ended !== count) {
      throw new DumpFormatError(
        "count-mismatch",
        file,
        line,
        `the end line says ${ended} messages, the file holds ${count}`,
      );
    }
  }

  return {
    file,
    header,
    messages,
    close: () => {
      lines.close();
      if (source !== process.stdin) source.destroy();
    },
  };
}
