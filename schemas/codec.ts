import type { CodecFormat } from "./errors.ts";

/**
 * Bytes ↔ typed values for one topic. The framework moves bytes; consumers decode at the
 * edges of their chains. `decode` throws only `DecodeError`. `decodeAsync` is the same for
 * every codec but Avro, where it may first fetch an unknown writer schema from the registry
 * (and then throws `RegistryUnavailableError` when the registry cannot answer: retry, do not
 * dead-letter).
 */
export interface Codec<T> {
  readonly format: CodecFormat;
  encode(value: T): Buffer;
  decode(bytes: Uint8Array): T;
  decodeAsync(bytes: Uint8Array): Promise<T>;
}
