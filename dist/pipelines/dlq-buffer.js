// pipelines/dlq-buffer.ts
var COMPACT_AFTER = 1024;
var PartitionWindow = class {
  offsets = [];
  records = [];
  head = 0;
  /** Records not yet taken. */
  live = 0;
  /** Everything below these offsets was released by a commit / evicted. */
  releasedBelow = 0;
  evictedBelow = 0;
  /** Slots between the front and the newest, holes included: the memory bound. */
  get span() {
    return this.offsets.length - this.head;
  }
  append(record) {
    const offsets = this.offsets;
    while (offsets.length > this.head && offsets[offsets.length - 1] >= record.offset) {
      offsets.pop();
      if (this.records.pop() !== void 0) this.live--;
    }
    offsets.push(record.offset);
    this.records.push(record);
    this.live++;
  }
  /** Drops the oldest record; false when empty. */
  evictOldest() {
    if (this.head >= this.offsets.length) return false;
    this.evictedBelow = Math.max(this.evictedBelow, this.offsets[this.head] + 1);
    this.shift();
    this.trimFront();
    return true;
  }
  take(offset) {
    const at = this.find(offset);
    if (at < 0) return void 0;
    const record = this.records[at];
    if (record === void 0) return void 0;
    this.records[at] = void 0;
    this.live--;
    this.trimFront();
    return record;
  }
  release(nextOffset) {
    while (this.head < this.offsets.length && this.offsets[this.head] < nextOffset) this.shift();
    this.releasedBelow = Math.max(this.releasedBelow, nextOffset);
    this.trimFront();
  }
  shift() {
    if (this.records[this.head] !== void 0) this.live--;
    this.records[this.head] = void 0;
    this.head++;
    if (this.head === this.offsets.length) {
      this.offsets = [];
      this.records = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }
  trimFront() {
    while (this.head < this.offsets.length && this.records[this.head] === void 0) this.shift();
  }
  // Binary search: offsets strictly increase from head (append keeps them so); -1 if absent.
  find(offset) {
    let lo = this.head;
    let hi = this.offsets.length - 1;
    while (lo <= hi) {
      const mid = lo + hi >>> 1;
      const at = this.offsets[mid];
      if (at === offset) return mid;
      if (at < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
};
var DlqBuffer = class {
  constructor(maxPerPartition, onEvict = () => {
  }) {
    this.maxPerPartition = maxPerPartition;
    this.onEvict = onEvict;
    if (maxPerPartition < 1) throw new RangeError("the DLQ buffer needs room for at least one record");
  }
  maxPerPartition;
  onEvict;
  windows = /* @__PURE__ */ new Map();
  revoked = /* @__PURE__ */ new Set();
  append(record) {
    let window = this.windows.get(record.partition);
    if (window === void 0) {
      window = new PartitionWindow();
      this.windows.set(record.partition, window);
      this.revoked.delete(record.partition);
    }
    window.append(record);
    if (window.span > this.maxPerPartition) {
      while (window.span > this.maxPerPartition && window.evictOldest()) this.onEvict(record.partition);
    }
  }
  /** Takes the record at `offset`, if still buffered; records above and below it stay. */
  pop(p, offset) {
    return this.windows.get(p)?.take(offset);
  }
  /** Why `pop(p, offset)` found nothing. */
  miss(p, offset) {
    const window = this.windows.get(p);
    if (window === void 0) return this.revoked.has(p) ? "revoked" : "never_buffered";
    if (offset < window.releasedBelow) return "released";
    if (offset < window.evictedBelow) return "evicted";
    return "never_buffered";
  }
  /** Records below `nextOffset` reached the commit step: they are good. */
  release(p, nextOffset) {
    this.windows.get(p)?.release(nextOffset);
  }
  /** Forgets revoked partitions (remembering that they were revoked, until polled again). */
  drop(partitions) {
    for (const p of partitions) {
      this.windows.delete(p);
      this.revoked.add(p);
    }
  }
  isRevoked(p) {
    return this.revoked.has(p);
  }
  /** A reassigned partition is ours again. */
  reassigned(partitions) {
    for (const p of partitions) this.revoked.delete(p);
  }
  /** Records still held (not taken) for `p`. */
  size(p) {
    return this.windows.get(p)?.live ?? 0;
  }
  /** Slots held for `p`, taken ones between held ones included (what the limit counts). */
  span(p) {
    return this.windows.get(p)?.span ?? 0;
  }
};
export {
  DlqBuffer
};
//# sourceMappingURL=dlq-buffer.js.map
