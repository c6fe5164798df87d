import { Piscina } from "piscina";
import type { WorkerRequest } from "./protocol.ts";

const BOOTSTRAP = new URL("./bootstrap.mjs", import.meta.url).href;

export interface WorkerPoolOptions {
  /** Worker threads; all are started up front and kept. */
  readonly threads: number;
}

/**
 * A worker_threads pool (piscina) for RunTaskInWorkers. The strategy factory owns it: it is
 * created once, shared by every strategy built across rebalances, and closed in
 * `factory.shutdown()` (specs/arroyo.md §4.3).
 */
export class WorkerPool {
  private readonly pool: Piscina<WorkerRequest, Uint8Array>;
  readonly threads: number;

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new RangeError(`a worker pool needs at least one thread, got ${options.threads}`);
    }
    this.threads = options.threads;
    this.pool = new Piscina({
      filename: BOOTSTRAP,
      minThreads: options.threads,
      maxThreads: options.threads,
    });
  }

  /** Runs one batch; the input's buffer is transferred to the worker, not copied. */
  run(request: WorkerRequest): Promise<Uint8Array> {
    return this.pool.run(request, { transferList: [request.input.buffer as ArrayBuffer] });
  }

  /**
   * Lets batches already handed to the workers finish (results of abandoned ones are
   * discarded), then stops the workers. piscina's `destroy` would instead race late results
   * against the teardown and throw on them.
   */
  close(): Promise<void> {
    return this.pool.close();
  }
}
