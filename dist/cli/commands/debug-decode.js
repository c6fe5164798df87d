// cli/commands/debug-decode.ts
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { loadOptions } from "../../config/options.js";
import { codecForTopic } from "../../schemas/codecs.js";
import { DecodeError } from "../../schemas/errors.js";
import { parseJsonBytes } from "../../schemas/json-payload.js";
import { EmbeddedSchemaRegistry } from "../../schemas/registry/embedded.js";
import { UsageError } from "../usage.js";
var processIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readInput: (file) => readFileSync(file === "-" ? 0 : file),
  options: () => loadOptions()
};
function bytesField(bytes, options) {
  try {
    const value = parseJsonBytes(
      bytes,
      { maxBytes: options.maxPayloadBytes, maxDepth: options.maxJsonDepth },
      "json"
    );
    return { value, encoding: "json" };
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return { value: bytes.toString("base64"), encoding: "base64" };
  }
}
function printable(value, options) {
  if (value === null || value === void 0) return null;
  if (Buffer.isBuffer(value)) return bytesField(value, options).value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((item) => printable(item, options));
  const entries = value instanceof Map ? value : Object.entries(value);
  const out = {};
  for (const [key, field] of entries) {
    if (key === "extra" && field instanceof Map) {
      for (const [extraKey, extraValue] of field) {
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
function define(target, key, value) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
async function runDebugDecode(file, flags, io = processIo) {
  if (!flags.topic.startsWith("ingest-")) {
    throw new UsageError(
      `--topic: expected a Relay topic (ingest-events, ingest-attachments, ...), got ${flags.topic}`
    );
  }
  const options = io.options();
  const codec = await codecForTopic(
    { name: flags.topic, codec: "relay-msgpack" },
    { registry: EmbeddedSchemaRegistry.fromDirectory(), options }
  );
  const bytes = io.readInput(file);
  let message;
  try {
    message = codec.decode(bytes);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    io.err(`ingest debug decode: ${error.reason}${error.path ? ` at ${error.path}` : ""}: ${error.detail}
`);
    return 1;
  }
  const shown = printable(message, options);
  io.out(`${flags.pretty ? JSON.stringify(shown, null, 2) : JSON.stringify(shown)}
`);
  return 0;
}
function createDebugDecodeCommand(io = processIo) {
  return new Command("decode").description("Decode one Relay message (raw msgpack Kafka value) and print it as JSON.").argument("<file>", "the message bytes, or - for stdin").requiredOption(
    "--topic <topic>",
    "the Relay topic it was read from (decides the accepted message types)"
  ).option("--pretty", "indent the output").action(async (file, flags) => {
    const code = await runDebugDecode(file, flags, io);
    if (code !== 0) process.exitCode = code;
  });
}
export {
  createDebugDecodeCommand,
  runDebugDecode
};
//# sourceMappingURL=debug-decode.js.map
