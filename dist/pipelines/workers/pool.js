// pipelines/workers/pool.ts
import { Piscina } from "piscina";
var BOOTSTRAP = new URL("./bootstrap.mjs", import.meta.url).href;
var WorkerPool = class {
  pool;
  threads;
  constructor(options) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new RangeError(`a worker pool needs at least one thread, got ${options.threads}`);
    }
    this.threads = options.threads;
    this.pool = new Piscina({
      filename: BOOTSTRAP,
      minThreads: options.threads,
      maxThreads: options.threads
    });
  }
  /** Runs one batch; the input's buffer is transferred to the worker, not copied. */
  run(request) {
    return this.pool.run(request, { transferList: [request.input.buffer] });
  }
  /**
   * Lets batches already handed to the workers finish (results of abandoned ones are
   * discarded), then stops the workers. piscina's `destroy` would instead race late results
   * against the teardown and throw on them.
   */
  close() {
    return this.pool.close();
  }
};
export {
  WorkerPool
};
//# sourceMappingURL=pool.js.map
