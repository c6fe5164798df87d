// consumers/relay-intake/routing.ts
function isRoutedRecord(payload) {
  return typeof payload.topic === "string";
}
var UnroutedRecordError = class extends Error {
  constructor(destination) {
    super(
      `a record reached the routing producer without a topic (Produce destination ${String(destination)})`
    );
    this.name = "UnroutedRecordError";
  }
};
var RoutingProducer = class {
  constructor(inner, metrics, consumer) {
    this.inner = inner;
    this.metrics = metrics;
    this.consumer = consumer;
  }
  inner;
  metrics;
  consumer;
  counters = /* @__PURE__ */ new Map();
  produce(destination, payload) {
    if (!isRoutedRecord(payload)) return Promise.reject(new UnroutedRecordError(destination));
    const { topic, key, value, headers } = payload;
    const counter = this.counterFor(topic);
    return this.inner.produce(topic, { key, value, headers }).then((written) => {
      counter.inc();
      return written;
    });
  }
  close() {
    return this.inner.close();
  }
  counterFor(topic) {
    let counter = this.counters.get(topic);
    if (counter === void 0) {
      counter = this.metrics.messagesProduced.labels({ consumer: this.consumer, topic });
      this.counters.set(topic, counter);
    }
    return counter;
  }
};
export {
  RoutingProducer,
  UnroutedRecordError,
  isRoutedRecord
};
//# sourceMappingURL=routing.js.map
