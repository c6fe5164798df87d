import { isUtf8 } from "node:buffer";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DecodeError } from "../../../schemas/errors.ts";

// Access to the copied format fixtures (tests/fixtures/formats, see its INDEX.md) for the
// schema tests, conformance suites and the codec benchmark.

export const FORMATS_DIR = fileURLToPath(new URL("../../fixtures/formats/", import.meta.url));

export interface RelayFixture {
  /** `ingest-events`, `ingest-attachments`, ... (the folder, which is the topic). */
  readonly topic: string;
  readonly name: string;
  readonly bytes: Buffer;
  /** The `decoded` part of `<name>.msgpack.decoded.json`. */
  readonly decoded: Record<string, unknown>;
}

export const RELAY_TOPICS = [
  "ingest-events",
  "ingest-attachments",
  "ingest-transactions",
  "ingest-feedback-events",
];

export function relayFixtures(): RelayFixture[] {
  return RELAY_TOPICS.flatMap((topic) => {
    const dir = path.join(FORMATS_DIR, topic);
    return readdirSync(dir)
      .filter((f) => f.endsWith(".msgpack"))
      .sort()
      .map((file) => ({
        topic,
        name: `${topic}/${file}`,
        bytes: readFileSync(path.join(dir, file)),
        decoded: (
          JSON.parse(readFileSync(path.join(dir, `${file}.decoded.json`), "utf8")) as {
            decoded: Record<string, unknown>;
          }
        ).decoded,
      }));
  });
}

export interface EventStreamFixture {
  readonly name: string;
  readonly bytes: Buffer;
  readonly value: unknown[];
}

export function eventStreamFixtures(): EventStreamFixture[] {
  const dir = path.join(FORMATS_DIR, "events");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const bytes = readFileSync(path.join(dir, file));
      return { name: file, bytes, value: JSON.parse(bytes.toString("utf8")) as unknown[] };
    });
}

export function readFixtureJson<T>(relative: string): T {
  return JSON.parse(readFileSync(path.join(FORMATS_DIR, relative), "utf8")) as T;
}

/**
 * Renders bytes the way the fixtures' `.decoded.json` files do: JSON when the bytes parse as
 * JSON, else UTF-8 text, else hex.
 */
export function renderBytes(bytes: Uint8Array): Record<string, unknown> {
  const buffer = Buffer.from(bytes);
  if (isUtf8(buffer)) {
    const text = buffer.toString("utf8");
    try {
      return { __bytes_json__: JSON.parse(text) };
    } catch {
      return { __bytes_utf8__: text };
    }
  }
  return { __bytes_hex__: buffer.toString("hex") };
}

/** Plain JSON view of a decoded msgpack value (Maps → objects, bytes rendered). */
export function renderMsgpackValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return renderBytes(value);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = renderMsgpackValue(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(renderMsgpackValue);
  if (typeof value === "bigint") return Number(value);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderMsgpackValue(v)]));
  }
  return value;
}

/** Runs `fn` and returns the DecodeError it throws; any other outcome fails the test. */
export function catchDecode(fn: () => unknown): DecodeError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown instanceof DecodeError) return thrown;
  throw new Error(`expected a DecodeError, got ${thrown === undefined ? "a value" : String(thrown)}`, {
    cause: thrown,
  });
}

/** As `catchDecode`, for promises. */
export async function catchDecodeAsync(fn: () => Promise<unknown>): Promise<DecodeError> {
  let thrown: unknown;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown instanceof DecodeError) return thrown;
  throw new Error(`expected a DecodeError, got ${thrown === undefined ? "a value" : String(thrown)}`, {
    cause: thrown,
  });
}
