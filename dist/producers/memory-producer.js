// producers/memory-producer.ts
var ProducerClosed = class extends Error {
  constructor(name) {
    super(`producer ${name} is closed`);
    this.name = "ProducerClosed";
  }
};
var MemoryProducer = class {
  constructor(broker, options = {}) {
    this.broker = broker;
    this.name = options.name ?? "memory-producer";
  }
  broker;
  name;
  closed = false;
  holding = false;
  held = [];
  failures = [];
  produce(destination, payload) {
    if (this.closed) return Promise.reject(new ProducerClosed(this.name));
    if (this.holding) {
      return new Promise((resolve, reject) => {
        this.held.push({ destination, payload, resolve, reject });
      });
    }
    try {
      return Promise.resolve(this.write(destination, payload));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  /** From now on writes wait for `releaseAcks`. */
  holdAcks() {
    this.holding = true;
  }
  /** Stores and acknowledges up to `count` held writes in order; stops holding when all are out. */
  releaseAcks(count = Number.POSITIVE_INFINITY) {
    let released = 0;
    while (released < count && this.held.length > 0) {
      const write = this.held.shift();
      try {
        write.resolve(this.write(write.destination, write.payload));
      } catch (error) {
        write.reject(error);
      }
      released += 1;
    }
    if (count === Number.POSITIVE_INFINITY) this.holding = false;
    return released;
  }
  /** Writes waiting for `releaseAcks`. */
  get pending() {
    return this.held.length;
  }
  /** The next write (held or not) fails with `error` and stores nothing. */
  failNext(error) {
    this.failures.push(error);
  }
  /** Flushes held writes, then refuses new ones. */
  async close() {
    this.releaseAcks();
    this.closed = true;
  }
  write(destination, payload) {
    if (this.failures.length > 0) throw this.failures.shift();
    return this.broker.produce(destination, payload);
  }
};
export {
  MemoryProducer,
  ProducerClosed
};
//# sourceMappingURL=memory-producer.js.map
