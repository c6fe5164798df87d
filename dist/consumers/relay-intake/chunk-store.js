// consumers/relay-intake/chunk-store.ts
import { keySegment, PIPELINE_CHUNK, projectKeyPart, redisCall } from "../../config/redis.js";
function chunkKey(prefix, projectId, eventId, attachmentId, chunkIndex) {
  return `${prefix}chunk:${projectKeyPart(projectId)}:${keySegment(eventId)}:${keySegment(attachmentId)}:${chunkIndex}`;
}
function checkIndex(chunkIndex) {
  if (!Number.isSafeInteger(chunkIndex) || chunkIndex < 0) {
    throw new RangeError(`chunk index must be a non-negative integer, got ${chunkIndex}`);
  }
}
function checkCount(chunkCount) {
  if (!Number.isSafeInteger(chunkCount) || chunkCount < 0) {
    throw new RangeError(`chunk count must be a non-negative integer, got ${chunkCount}`);
  }
}
function checkTtl(ttlSeconds) {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(`chunk TTL must be a positive number of seconds, got ${ttlSeconds}`);
  }
}
function asBuffer(bytes) {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
var COLLECT_SLICE = 32;
var RedisChunkStore = class {
  constructor(redis, keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
  }
  redis;
  keyPrefix;
  async putChunk(projectId, eventId, attachmentId, chunkIndex, bytes, ttlSeconds) {
    checkIndex(chunkIndex);
    checkTtl(ttlSeconds);
    const key = chunkKey(this.keyPrefix, projectId, eventId, attachmentId, chunkIndex);
    await redisCall("chunks", "putChunk", () => this.redis.set(key, asBuffer(bytes), "EX", ttlSeconds));
  }
  async collect(projectId, eventId, attachmentId, chunkCount) {
    checkCount(chunkCount);
    const parts = [];
    const missing = [];
    for (let start = 0; start < chunkCount; start += COLLECT_SLICE) {
      const keys = [];
      for (let i = start; i < Math.min(chunkCount, start + COLLECT_SLICE); i++) {
        keys.push(chunkKey(this.keyPrefix, projectId, eventId, attachmentId, i));
      }
      const values = await redisCall("chunks", "collect", () => this.redis.mgetBuffer(...keys));
      values.forEach((value, offset) => {
        if (value === null) missing.push(start + offset);
        else parts.push(value);
      });
    }
    return { bytes: Buffer.concat(parts), missing };
  }
  async delete(projectId, eventId, attachmentId, chunkCount) {
    checkCount(chunkCount);
    for (let start = 0; start < chunkCount; start += PIPELINE_CHUNK) {
      const keys = [];
      for (let i = start; i < Math.min(chunkCount, start + PIPELINE_CHUNK); i++) {
        keys.push(chunkKey(this.keyPrefix, projectId, eventId, attachmentId, i));
      }
      await redisCall("chunks", "delete", () => this.redis.unlink(...keys));
    }
  }
};
var MemoryChunkStore = class {
  constructor(clock) {
    this.clock = clock;
  }
  clock;
  chunks = /* @__PURE__ */ new Map();
  putsSinceSweep = 0;
  async putChunk(projectId, eventId, attachmentId, chunkIndex, bytes, ttlSeconds) {
    checkIndex(chunkIndex);
    checkTtl(ttlSeconds);
    if (++this.putsSinceSweep >= 256) this.sweep();
    this.chunks.set(chunkKey("", projectId, eventId, attachmentId, chunkIndex), {
      bytes: Buffer.from(bytes),
      expiresAt: this.clock.now() + ttlSeconds * 1e3
    });
  }
  async collect(projectId, eventId, attachmentId, chunkCount) {
    checkCount(chunkCount);
    const now = this.clock.now();
    const parts = [];
    const missing = [];
    for (let i = 0; i < chunkCount; i++) {
      const chunk = this.chunks.get(chunkKey("", projectId, eventId, attachmentId, i));
      if (chunk && chunk.expiresAt > now) parts.push(chunk.bytes);
      else missing.push(i);
    }
    return { bytes: Buffer.concat(parts), missing };
  }
  async delete(projectId, eventId, attachmentId, chunkCount) {
    checkCount(chunkCount);
    for (let i = 0; i < chunkCount; i++)
      this.chunks.delete(chunkKey("", projectId, eventId, attachmentId, i));
  }
  /** Stored chunks, expired ones excluded. */
  get size() {
    this.sweep();
    return this.chunks.size;
  }
  sweep() {
    this.putsSinceSweep = 0;
    const now = this.clock.now();
    for (const [key, chunk] of this.chunks) if (chunk.expiresAt <= now) this.chunks.delete(key);
  }
};
export {
  MemoryChunkStore,
  RedisChunkStore,
  chunkKey
};
//# sourceMappingURL=chunk-store.js.map
