// consumers/kafka-fetch-buffer.ts
var EMPTY = Buffer.alloc(0);
var RECORD_OVERHEAD_BYTES = 64;
function recordBytes(message) {
  return (message.value?.length ?? 0) + (message.key?.length ?? 0) + RECORD_OVERHEAD_BYTES;
}
var NO_HEADERS = Object.freeze([]);
function headersOf(headers) {
  let out = null;
  for (const name in headers) {
    const value = headers[name];
    if (value === void 0) continue;
    out ??= [];
    for (const item of Array.isArray(value) ? value : [value]) {
      out.push([name, typeof item === "string" ? Buffer.from(item) : item]);
    }
  }
  return out ?? NO_HEADERS;
}
function toBrokerValue(partition, message) {
  return {
    kind: "broker",
    payload: { key: message.key ?? null, value: message.value ?? EMPTY, headers: headersOf(message.headers) },
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp)
  };
}
var FetchBuffer = class {
  /** `limitBytes`: above it `full` is true and producers should `waitForSpace`. */
  constructor(limitBytes) {
    this.limitBytes = limitBytes;
  }
  limitBytes;
  queues = /* @__PURE__ */ new Map();
  /** Partitions holding records, in the order `take` serves them. */
  ready = [];
  totalBytes = 0;
  /** Producers (eachBatch handlers) waiting for the buffer to drain below half its limit. */
  waiters = [];
  get full() {
    return this.totalBytes > this.limitBytes;
  }
  /** Resolves true once drained below half the limit (or `wakeWaiters`), false after `ms`. */
  waitForSpace(ms) {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, ms);
      this.waiters.push(wake);
    });
  }
  /** Wakes every waiter: the state they wait on changed (drained, discarded, revoked). */
  wakeWaiters() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
  get bytes() {
    return this.totalBytes;
  }
  count(partition) {
    return this.queues.get(partition)?.count ?? 0;
  }
  /** Appends a fetched batch's records at offsets ≥ `fromOffset`; returns how many it kept. */
  append(partition, messages, fromOffset) {
    let start = 0;
    while (start < messages.length && Number(messages[start].offset) < fromOffset) start++;
    if (start === messages.length) return 0;
    const kept = start === 0 ? messages : messages.slice(start);
    let bytes = 0;
    for (const message of kept) bytes += recordBytes(message);
    let queue = this.queues.get(partition);
    if (!queue) {
      queue = { chunks: [], bytes: 0, count: 0 };
      this.queues.set(partition, queue);
    }
    if (queue.count === 0) this.ready.push(partition);
    queue.chunks.push({ messages: kept, index: 0 });
    queue.bytes += bytes;
    queue.count += kept.length;
    this.totalBytes += bytes;
    return kept.length;
  }
  /**
   * The next record. A partition is served until its current fetched chunk is used up, then
   * goes to the back of the line, so one busy partition cannot starve the others.
   */
  take() {
    const partition = this.ready[0];
    if (partition === void 0) return null;
    const queue = this.queues.get(partition);
    const chunk = queue.chunks[0];
    const message = chunk.messages[chunk.index];
    chunk.index++;
    const bytes = recordBytes(message);
    queue.bytes -= bytes;
    queue.count--;
    this.totalBytes -= bytes;
    if (chunk.index === chunk.messages.length) {
      queue.chunks.shift();
      this.ready.shift();
      if (queue.count > 0) this.ready.push(partition);
    }
    if (this.waiters.length > 0 && this.totalBytes <= this.limitBytes / 2) this.wakeWaiters();
    return toBrokerValue(partition, message);
  }
  /** Drops what is buffered for `partition`. */
  discard(partition) {
    const queue = this.queues.get(partition);
    if (!queue) return;
    this.totalBytes -= queue.bytes;
    this.queues.delete(partition);
    const at = this.ready.indexOf(partition);
    if (at >= 0) this.ready.splice(at, 1);
    this.wakeWaiters();
  }
  clear() {
    this.queues.clear();
    this.ready.length = 0;
    this.totalBytes = 0;
    this.wakeWaiters();
  }
};
export {
  FetchBuffer,
  headersOf,
  toBrokerValue
};
//# sourceMappingURL=kafka-fetch-buffer.js.map
