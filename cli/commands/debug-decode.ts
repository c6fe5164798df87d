import { readFileSync } from "node:fs";
import { Command } from "commander";
import { loadOptions, type Options } from "../../config/options.ts";
import { codecForTopic } from "../../schemas/codecs.ts";
import { DecodeError } from "../../schemas/errors.ts";
import { parseJsonBytes } from "../../schemas/json-payload.ts";
import { EmbeddedSchemaRegistry } from "../../schemas/registry/embedded.ts";
import type { RelayMessage } from "../../schemas/relay/types.ts";
import { UsageError } from "../usage.ts";

// `ingest debug decode --topic ingest-events FILE|-`: decodes one Relay message (the raw
// Kafka value, msgpack) exactly as relay-intake's codec does, with the topic's rules on
// message types, and prints it as JSON. Byte fields (`payload`, an attachment's inline
// `data`) are shown parsed when they hold JSON, otherwise as base64, with a sibling
// `<field>_encoding` saying which. A message the codec refuses prints its reason on stderr
// and exits 1.

export interface DebugDecodeIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The raw bytes of FILE, or of stdin for `-`. */
  readonly readInput: (file: string) => Buffer;
  readonly options: () => Options;
}

const processIo: DebugDecodeIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readInput: (file) => readFileSync(file === "-" ? 0 : file),
  options: () => loadOptions(),
};

interface Flags {
  readonly topic: string;
  readonly pretty?: boolean;
}

type Printable = null | boolean | number | string | Printable[] | { [key: string]: Printable };

/** Bytes as parsed JSON when they are JSON (within the payload limits), else base64. */
function bytesField(bytes: Buffer, options: Options): { value: Printable; encoding: "json" | "base64" } {
  try {
    const value = parseJsonBytes(
      bytes,
      { maxBytes: options.maxPayloadBytes, maxDepth: options.maxJsonDepth },
      "json",
    );
    return { value: value as Printable, encoding: "json" };
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return { value: bytes.toString("base64"), encoding: "base64" };
  }
}

/** Maps become objects, bins become JSON or base64 (with `<key>_encoding`), bigints decimal strings. */
function printable(value: unknown, options: Options): Printable {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return bytesField(value, options).value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((item) => printable(item, options));
  const entries: Iterable<[string, unknown]> =
    value instanceof Map ? (value as Map<string, unknown>) : Object.entries(value as Record<string, unknown>);
  const out: { [key: string]: Printable } = {};
  for (const [key, field] of entries) {
    if (key === "extra" && field instanceof Map) {
      // Keys Relay may add later sit beside the known ones, as in the message.
      for (const [extraKey, extraValue] of field as Map<string, unknown>) {
        define(out, extraKey, printable(extraValue, options));
      }
      continue;
    }
    if (Buffer.isBuffer(field)) {
      const { value: shown, encoding } = bytesField(field, options);
      define(out, key, shown);
      define(out, `${key}_encoding`, encoding);
      continue;
    }
    define(out, key, printable(field, options));
  }
  return out;
}

/** A `__proto__` key of the message is printed as data: defined, never assigned (a prototype write). */
function define(target: { [key: string]: Printable }, key: string, value: Printable): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export async function runDebugDecode(
  file: string,
  flags: Flags,
  io: DebugDecodeIo = processIo,
): Promise<number> {
  if (!flags.topic.startsWith("ingest-")) {
    throw new UsageError(
      `--topic: expected a Relay topic (ingest-events, ingest-attachments, ...), got ${flags.topic}`,
    );
  }
  const options = io.options();
  const codec = await codecForTopic(
    { name: flags.topic, codec: "relay-msgpack" },
    { registry: EmbeddedSchemaRegistry.fromDirectory(), options },
  );
  const bytes = io.readInput(file);
  let message: RelayMessage;
  try {
    message = codec.decode(bytes) as RelayMessage;
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    io.err(`ingest debug decode: ${error.reason}${error.path ? ` at ${error.path}` : ""}: ${error.detail}\n`);
    return 1;
  }
  const shown = printable(message, options);
  io.out(`${flags.pretty ? JSON.stringify(shown, null, 2) : JSON.stringify(shown)}\n`);
  return 0;
}

export function createDebugDecodeCommand(io: DebugDecodeIo = processIo): Command {
  return new Command("decode")
    .description("Decode one Relay message (raw msgpack Kafka value) and print it as JSON.")
    .argument("<file>", "the message bytes, or - for stdin")
    .requiredOption(
      "--topic <topic>",
      "the Relay topic it was read from (decides the accepted message types)",
    )
    .option("--pretty", "indent the output")
    .action(async (file: string, flags: Flags) => {
      const code = await runDebugDecode(file, flags, io);
      if (code !== 0) process.exitCode = code;
    });
}
