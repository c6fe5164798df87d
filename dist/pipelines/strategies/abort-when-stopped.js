// pipelines/strategies/abort-when-stopped.ts
var AbortWhenStopped = class {
  constructor(inner, stop) {
    this.inner = inner;
    this.stop = stop;
  }
  inner;
  stop;
  submit(message) {
    this.inner.submit(message);
  }
  poll() {
    this.inner.poll();
  }
  close() {
    this.inner.close();
  }
  async join(timeoutMs) {
    try {
      await this.inner.join(timeoutMs);
    } finally {
      this.stop.abort();
    }
  }
  terminate() {
    this.stop.abort();
    this.inner.terminate();
  }
};
export {
  AbortWhenStopped
};
//# sourceMappingURL=abort-when-stopped.js.map
