// The CPU-heavy task of bench/workers.bench.ts, loaded by worker threads by module path.
import type { KafkaPayload, Message } from "../pipelines/types.ts";

/** About 100 µs of pure-JS hashing per message (FNV-1a over the payload, many rounds). */
export function heavy(message: Message<KafkaPayload>): number {
  const bytes = message.payload.value;
  let hash = 0x811c9dc5;
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] as number) ^ round, 0x01000193);
  }
  return hash >>> 0;
}
