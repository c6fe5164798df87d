import { deserialize, serialize } from "node:v8";

// The wire format between RunTaskInWorkers and its workers. A batch travels as one v8
// serialisation in column form (no per-item key strings), transferred rather than copied.
// v8's serialiser keeps Buffers as Buffers and copies only a view's own bytes; structured
// clone of a pooled Buffer would copy its whole 8 KiB slab.

/** The function a worker runs: a module (file URL or absolute path) and one of its exports. */
export interface WorkerTask {
  readonly module: string;
  readonly exportName: string;
}

export interface WorkerRequest extends WorkerTask {
  readonly input: Uint8Array;
}

/** Items of a batch in columns; `topics[i] === null` marks a value that is not a broker record. */
export type WireBatch = [
  payloads: unknown[],
  topics: (string | null)[],
  partitions: number[],
  offsets: number[],
  timestamps: (number | undefined)[],
];

/** Per item: its result, or nothing when the item was invalid. */
export type WireResults = [
  results: unknown[],
  invalid: [item: number, reason: string, detail: string | undefined][],
];

export function encode(value: WireBatch | WireResults): Uint8Array {
  const buffer = serialize(value);
  // Transfer needs an ArrayBuffer of our own; v8 hands out a dedicated one, but check.
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) return buffer;
  return new Uint8Array(buffer);
}

export function decode<T extends WireBatch | WireResults>(bytes: Uint8Array): T {
  return deserialize(bytes) as T;
}
