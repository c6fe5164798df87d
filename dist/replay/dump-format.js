// replay/dump-format.ts
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { z } from "zod";
var DUMP_FORMAT = "ingest-dump";
var DUMP_VERSION = 1;
var DUMP_ERROR_REASONS = [
  "not-a-dump",
  "unsupported-version",
  "bad-record",
  "truncated",
  "count-mismatch",
  "data-after-end"
];
var DumpFormatError = class extends Error {
  constructor(reason, file, line, detail) {
    super(`${file}:${line}: ${reason}: ${detail}`);
    this.reason = reason;
    this.file = file;
    this.line = line;
    this.name = "DumpFormatError";
  }
  reason;
  file;
  line;
};
var safeInt = z.int().nonnegative();
var headerSchema = z.object({
  format: z.literal(DUMP_FORMAT),
  version: z.literal(DUMP_VERSION),
  topic: z.string().min(1),
  createdAt: z.string(),
  ranges: z.array(z.strictObject({ partition: safeInt, start: safeInt, end: safeInt })),
  expectedMessages: safeInt
});
var messageSchema = z.strictObject({
  partition: safeInt,
  offset: safeInt,
  timestamp: z.int(),
  key: z.base64().nullable(),
  value: z.base64().nullable(),
  headers: z.array(z.tuple([z.string(), z.base64()]))
});
var endSchema = z.strictObject({ end: z.literal(true), messages: safeInt });
function fromBase64(text) {
  return text === null ? null : Buffer.from(text, "base64");
}
function encodeDumpLine(message) {
  return JSON.stringify({
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key === null ? null : message.key.toString("base64"),
    value: message.value === null ? null : message.value.toString("base64"),
    headers: message.headers.map(([name, value]) => [name, value.toString("base64")])
  });
}
function parseJsonLine(text, file, line) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DumpFormatError("bad-record", file, line, `not JSON (${error.message})`);
  }
}
function firstIssue(error) {
  const issue = error.issues[0];
  return issue === void 0 ? "invalid" : `${issue.path.join(".") || "(line)"}: ${issue.message}`;
}
function decodeDumpLine(text, file = "<dump>", line = 0) {
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
      headers: m.headers.map(([name, value]) => [name, Buffer.from(value, "base64")])
    }
  };
}
function decodeHeader(text, file) {
  const raw = parseJsonLine(text, file, 1);
  if (typeof raw !== "object" || raw === null || raw.format !== DUMP_FORMAT) {
    throw new DumpFormatError("not-a-dump", file, 1, `the first line is not an ${DUMP_FORMAT} header`);
  }
  const version = raw.version;
  if (version !== DUMP_VERSION) {
    throw new DumpFormatError(
      "unsupported-version",
      file,
      1,
      `version ${JSON.stringify(version)}; this build reads version ${DUMP_VERSION}`
    );
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) throw new DumpFormatError("bad-record", file, 1, firstIssue(parsed.error));
  return parsed.data;
}
var DumpWriter = class _DumpWriter {
  constructor(head, finished) {
    this.head = head;
    this.finished = finished;
    finished.catch((error) => {
      this.failure = error;
    });
  }
  head;
  finished;
  written = 0;
  failure = null;
  /**
   * Opens `path` (`-` = stdout, never gzipped, left open) and writes the header line. A name
   * ending in `.gz` is written through gzip.
   */
  static async open(path, header) {
    let writer;
    if (path === "-") {
      const head = new PassThrough();
      head.pipe(process.stdout, { end: false });
      writer = new _DumpWriter(
        head,
        once(head, "end").then(() => void 0)
      );
    } else {
      const file = createWriteStream(path);
      await once(file, "open");
      if (path.endsWith(".gz")) {
        const gzip = createGzip();
        writer = new _DumpWriter(gzip, pipeline(gzip, file));
      } else {
        writer = new _DumpWriter(
          file,
          once(file, "finish").then(() => void 0)
        );
      }
    }
    await writer.writeLine(JSON.stringify(header));
    return writer;
  }
  get messages() {
    return this.written;
  }
  async write(message) {
    await this.writeLine(encodeDumpLine(message));
    this.written += 1;
  }
  /** Writes the end line and waits until every byte reached the file. */
  async close() {
    await this.writeLine(JSON.stringify({ end: true, messages: this.written }));
    this.head.end();
    await this.finished;
    return this.written;
  }
  /** Ends the file without the end line: a reader will call it truncated. */
  async abort() {
    this.head.end();
    await this.finished;
  }
  async writeLine(text) {
    if (this.failure !== null) throw this.failure;
    if (!this.head.write(`${text}
`)) {
      await Promise.race([once(this.head, "drain"), this.finished]);
    }
  }
};
async function* sniffGzip(source) {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const rest = (async function* () {
    yield first.value;
    for (; ; ) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  })();
  if (first.value.length >= 2 && first.value[0] === 31 && first.value[1] === 139) {
    yield* Readable.from(rest).pipe(createGunzip());
  } else {
    yield* rest;
  }
}
async function openDump(path) {
  const file = path === "-" ? "<stdin>" : path;
  const source = path === "-" ? process.stdin : createReadStream(path);
  const lines = createInterface({
    input: Readable.from(sniffGzip(source)),
    crlfDelay: Number.POSITIVE_INFINITY
  });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) {
    lines.close();
    throw new DumpFormatError("not-a-dump", file, 1, "the file is empty");
  }
  const header = decodeHeader(first.value, file);
  async function* messages() {
    let line = 1;
    let count = 0;
    let ended = null;
    try {
      for (; ; ) {
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
        `no end line after ${count} messages (was the dump cut short?)`
      );
    }
    if (ended !== count) {
      throw new DumpFormatError(
        "count-mismatch",
        file,
        line,
        `the end line says ${ended} messages, the file holds ${count}`
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
    }
  };
}
export {
  DUMP_ERROR_REASONS,
  DUMP_FORMAT,
  DUMP_VERSION,
  DumpFormatError,
  DumpWriter,
  decodeDumpLine,
  encodeDumpLine,
  openDump
};
//# sourceMappingURL=dump-format.js.map
