// pipelines/strategies/batch.ts
import { Reduce } from "./reduce.js";
import { Unfold } from "./unfold.js";
var Batch = class extends Reduce {
  constructor(next, options) {
    super(next, {
      maxBatchSize: options.maxBatchSize,
      maxBatchTimeMs: options.maxBatchTimeMs,
      accumulator: appendValue,
      initialValue: () => [],
      computeBatchSize: options.computeBatchSize,
      clock: options.clock,
      instrumentation: options.instrumentation
    });
  }
};
function appendValue(batch, value) {
  batch.push(value);
  return batch;
}
var Unbatch = class extends Unfold {
  constructor(next) {
    super((batch) => batch, next);
  }
};
export {
  Batch,
  Unbatch
};
//# sourceMappingURL=batch.js.map
