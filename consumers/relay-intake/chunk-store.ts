import type { Redis } from "ioredis";
import { keySegment, PIPELINE_CHUNK, projectKeyPart, redisCall } from "../../config/redis.ts";
import type { Clock } from "../../pipelines/types.ts";

// Attachment chunks waiting for the message that references them. Relay produces all
// `attachment_chunk` messages of an attachment before the `event` / `attachment`
// message naming it, on the same partition (specs/formats.md §2.2), so chunks only
// need to live until that message arrives; the TTL bounds what a lost reference leaks.
// Chunks are stored under the (project, event, attachment, index) that Relay gives,
// so a redelivered chunk overwrites itself with the same bytes.

export interface CollectedChunks {
  /** The chunks found, concatenated in index order; the attachment is whole only when `missing` is empty. */
  readonly bytes: Buffer;
  /** Indexes in [0, chunkCount) that were not found (expired, never arrived, dead-lettered). */
  readonly missing: number[];
}

export interface ChunkStore {
  putChunk(
    projectId: number,
    eventId: string,
    attachmentId: string,
    chunkIndex: number,
    bytes: Uint8Array,
    ttlSeconds: number,
  ): Promise<void>;
  collect(
    projectId: number,
    eventId: string,
    attachmentId: string,
    chunkCount: number,
  ): Promise<CollectedChunks>;
  delete(projectId: number, eventId: string, attachmentId: string, chunkCount: number): Promise<void>;
}

export function chunkKey(
  prefix: string,
  projectId: number,
  eventId: string,
  attachmentId: string,
  chunkIndex: number,
): string {
  return `${prefix}chunk:${projectKeyPart(projectId)}:${keySegment(eventId)}:${keySegment(attachmentId)}:${chunkIndex}`;
}

function checkIndex(chunkIndex: number): void {
  if (!Number.isSafeInteger(chunkIndex) || chunkIndex < 0) {
    throw new RangeError(`chunk index must be a non-negative integer, got ${chunkIndex}`);
  }
}

function checkCount(chunkCount: number): void {
  if (!Number.isSafeInteger(chunkCount) || chunkCount < 0) {
    throw new RangeError(`chunk count must be a non-negative integer, got ${chunkCount}`);
  }
}

function checkTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(`chunk TTL must be a positive number of seconds, got ${ttlSeconds}`);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// Chunks are up to 1 MiB each (Relay's attachment_chunk_size); fetching a large
// attachment in slices keeps one reply from holding hundreds of MiB in Redis' output buffer.
const COLLECT_SLICE = 32;

export class RedisChunkStore implements ChunkStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async putChunk(
    projectId: number,
    eventId: string,
    attachmentId: string,
    chunkIndex: number,
    bytes: Uint8Array,
    ttlSeconds: number,
  ): Promise<void> {
    checkIndex(chunkIndex);
    checkTtl(ttlSeconds);
    const key = chunkKey(this.keyPrefix, projectId, eventId, attachmentId, chunkIndex);
    await redisCall("chunks", "putChunk", () => this.redis.set(key, asBuffer(bytes), "EX", ttlSeconds));
  }

  async collect(
    projectId: number,
    eventId: string,
    attachmentId: string,
    chunkCount: number,
  ): Promise<CollectedChunks> {
    checkCount(chunkCount);
    const parts: Buffer[] = [];
    const missing: number[] = [];
    for (let start = 0; start < chunkCount; start += COLLECT_SLICE) {
      const keys: string[] = [];
      for (let i = start; i < Math.min(chunkCount, start + COLLECT_SLICE); i++) {
        keys.push(chunkKey(this.keyPrefix, projectId, eventId, attachmentId, i));
      }
      // mgetBuffer: chunk bytes are arbitrary binary and must not pass through UTF-8.
      const values = await redisCall("chunks", "collect", () => this.redis.mgetBuffer(...keys));
      values.forEach((value, offset) => {
        if (value === null) missing.push(start + offset);
        else parts.push(value);
      });
    }
    return { bytes: Buffer.concat(parts), missing };
  }

  async delete(projectId: number, eventId: string, attachmentId: string, chunkCount: number): Promise<void> {
    checkCount(chunkCount);
    for (let start = 0; start < chunkCount; start += PIPELINE_CHUNK) {
      const keys: string[] = [];
      for (let i = start; i < Math.min(chunkCount, start + PIPELINE_CHUNK); i++) {
        keys.push(chunkKey(this.keyPrefix, projectId, eventId, attachmentId, i));
      }
      // UNLINK frees the (up to 1 MiB) values off Redis' main thread.
      await redisCall("chunks", "delete", () => this.redis.unlink(...keys));
    }
  }
}

interface MemoryChunk {
  readonly bytes: Buffer;
  readonly expiresAt: number;
}

/** In-process chunks for `ingest dev` and unit tests; expiry follows `clock`. */
export class MemoryChunkStore implements ChunkStore {
  private readonly chunks = new Map<string, MemoryChunk>();
  private putsSinceSweep = 0;

  constructor(private readonly clock: Clock) {}

  async putChunk(
    projectId: number,
    eventId: string,
    attachmentId: string,
    chunkIndex: number,
    bytes: Uint8Array,
    ttlSeconds: number,
  ): Promise<void> {
    checkIndex(chunkIndex);
    checkTtl(ttlSeconds);
    if (++this.putsSinceSweep >= 256) this.sweep();
    // Copy: the caller's buffer is usually a slice of a Kafka message that gets reused.
    this.chunks.set(chunkKey("", projectId, eventId, attachmentId, chunkIndex), {
      bytes: Buffer.from(bytes),
      expiresAt: this.clock.now() + ttlSeconds * 1000,
    });
  }

  async collect(
    projectId: number,
    eventId: string,
    attachmentId: string,
    chunkCount: number,
  ): Promise<CollectedChunks> {
    checkCount(chunkCount);
    const now = this.clock.now();
    const parts: Buffer[] = [];
    const missing: number[] = [];
    for (let i = 0; i < chunkCount; i++) {
      const chunk = this.chunks.get(chunkKey("", projectId, eventId, attachmentId, i));
      if (chunk && chunk.expiresAt > now) parts.push(chunk.bytes);
      else missing.push(i);
    }
    return { bytes: Buffer.concat(parts), missing };
  }

  async delete(projectId: number, eventId: string, attachmentId: string, chunkCount: number): Promise<void> {
    checkCount(chunkCount);
    for (let i = 0; i < chunkCount; i++)
      this.chunks.delete(chunkKey("", projectId, eventId, attachmentId, i));
  }

  /** Stored chunks, expired ones excluded. */
  get size(): number {
    this.sweep();
    return this.chunks.size;
  }

  private sweep(): void {
    this.putsSinceSweep = 0;
    const now = this.clock.now();
    for (const [key, chunk] of this.chunks) if (chunk.expiresAt <= now) this.chunks.delete(key);
  }
}
