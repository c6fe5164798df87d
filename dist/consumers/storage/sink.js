// consumers/storage/sink.ts
var STORAGE_ERROR_REASONS = [
  /** The store did not answer (or answered "overloaded") through every retry. */
  "storage_unavailable",
  /** The store refused the statement itself: missing table, wrong credentials, schema drift. */
  "storage_rejected"
];
var StorageError = class extends Error {
  constructor(reason, message, options) {
    super(message, options);
    this.reason = reason;
    this.name = "StorageError";
  }
  reason;
};
export {
  STORAGE_ERROR_REASONS,
  StorageError
};
//# sourceMappingURL=sink.js.map
