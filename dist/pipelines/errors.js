// pipelines/errors.ts
var MessageRejected = class extends Error {
  constructor() {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super("message rejected");
    Error.stackTraceLimit = stackTraceLimit;
    this.name = "MessageRejected";
  }
};
var InvalidMessage = class extends Error {
  constructor(partition, offset, reason, detail, options = {}) {
    super(detail ? `${reason}: ${detail}` : reason, { cause: options.cause });
    this.partition = partition;
    this.offset = offset;
    this.reason = reason;
    this.detail = detail;
    this.name = "InvalidMessage";
    this.needsCommit = options.needsCommit ?? true;
    this.logException = options.logException ?? true;
  }
  partition;
  offset;
  reason;
  detail;
  needsCommit;
  logException;
};
var ConsumerError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "ConsumerError";
  }
};
var RecoverableError = class extends ConsumerError {
  constructor(message, options) {
    super(message, options);
    this.name = "RecoverableError";
  }
};
var OffsetOutOfRange = class extends ConsumerError {
  constructor(message, options) {
    super(message, options);
    this.name = "OffsetOutOfRange";
  }
};
var EndOfPartition = class extends ConsumerError {
  constructor(partition, offset) {
    super(`end of partition ${partition.key} at ${offset}`);
    this.partition = partition;
    this.offset = offset;
    this.name = "EndOfPartition";
  }
  partition;
  offset;
};
var InvalidStateError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "InvalidStateError";
  }
};
var DlqLimitExceeded = class extends Error {
  constructor(partition, detail) {
    super(`dead-letter limit exceeded on ${partition.key}: ${detail}`);
    this.partition = partition;
    this.name = "DlqLimitExceeded";
  }
  partition;
};
var DlqRecordMissing = class extends Error {
  constructor(partition, offset) {
    super(`record ${partition.key}@${offset} is no longer in the dead-letter buffer`);
    this.partition = partition;
    this.offset = offset;
    this.name = "DlqRecordMissing";
  }
  partition;
  offset;
};
var DlqProduceFailed = class extends Error {
  constructor(partition, offset, options) {
    super(`dead-letter write of ${partition.key}@${offset} failed`, options);
    this.partition = partition;
    this.offset = offset;
    this.name = "DlqProduceFailed";
  }
  partition;
  offset;
};
export {
  ConsumerError,
  DlqLimitExceeded,
  DlqProduceFailed,
  DlqRecordMissing,
  EndOfPartition,
  InvalidMessage,
  InvalidStateError,
  MessageRejected,
  OffsetOutOfRange,
  RecoverableError
};
//# sourceMappingURL=errors.js.map
