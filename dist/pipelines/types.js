// pipelines/types.ts
var Partition = class _Partition {
  constructor(topic, index) {
    this.topic = topic;
    this.index = index;
    this.key = `${topic}:${index}`;
  }
  topic;
  index;
  key;
  static interned = /* @__PURE__ */ new Map();
  static of(topic, index) {
    const key = `${topic}:${index}`;
    let found = _Partition.interned.get(key);
    if (!found) {
      found = new _Partition(topic, index);
      _Partition.interned.set(key, found);
    }
    return found;
  }
  /** Orders by (topic, index), as Arroyo's value semantics do. */
  static compare(a, b) {
    if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
    return a.index - b.index;
  }
  toString() {
    return this.key;
  }
  toJSON() {
    return { topic: this.topic, index: this.index };
  }
};
var partition = Partition.of;
var FILTERED = /* @__PURE__ */ Symbol("FilteredPayload");
function isFiltered(payload) {
  return payload === FILTERED;
}
var Message = class _Message {
  constructor(value) {
    this.value = value;
  }
  value;
  get payload() {
    return this.value.payload;
  }
  get timestamp() {
    return this.value.timestamp;
  }
  get committable() {
    const v = this.value;
    return v.kind === "broker" ? /* @__PURE__ */ new Map([[v.partition, v.offset + 1]]) : v.committable;
  }
  /** Same kind of value, same offsets and timestamp, new payload. */
  replace(payload) {
    const v = this.value;
    if (v.kind === "broker") {
      return new _Message({
        kind: "broker",
        payload,
        partition: v.partition,
        offset: v.offset,
        timestamp: v.timestamp
      });
    }
    return new _Message({ kind: "value", payload, committable: v.committable, timestamp: v.timestamp });
  }
  static broker(payload, p, offset, timestamp) {
    return new _Message({ kind: "broker", payload, partition: p, offset, timestamp });
  }
  static value(payload, committable, timestamp) {
    return new _Message({ kind: "value", payload, committable, timestamp });
  }
  static filtered(committable, timestamp) {
    return new _Message({ kind: "value", payload: FILTERED, committable, timestamp });
  }
};
function mergeCommittable(target, value) {
  if (value.kind === "broker") {
    target.set(value.partition, value.offset + 1);
    return;
  }
  for (const [p, offset] of value.committable) target.set(p, offset);
}
var systemClock = { now: () => Date.now() };
export {
  FILTERED,
  Message,
  Partition,
  isFiltered,
  mergeCommittable,
  partition,
  systemClock
};
//# sourceMappingURL=types.js.map
