import type { Partition } from "./types.ts";

/**
 * Backpressure: "I am full; offer me this exact message again later". Carries no data.
 * It is control flow, thrown for every retry of a full step, so it captures no stack
 * trace: capturing one cost 3 % of grouping's CPU under load.
 */
export class MessageRejected extends Error {
  constructor() {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super("message rejected");
    Error.stackTraceLimit = stackTraceLimit;
    this.name = "MessageRejected";
  }
}

/**
 * A record that can never be processed. The processor routes the original bytes to the
 * dead-letter topic with `reason` (a closed code, see `reasons` in each consumer) and
 * `detail` (free text), and the owning step still forwards its offset for commit.
 */
export class InvalidMessage extends Error {
  needsCommit: boolean;
  constructor(
    readonly partition: Partition,
    readonly offset: number,
    readonly reason: string,
    readonly detail?: string,
    options: { needsCommit?: boolean; logException?: boolean; cause?: unknown } = {},
  ) {
    super(detail ? `${reason}: ${detail}` : reason, { cause: options.cause });
    this.name = "InvalidMessage";
    this.needsCommit = options.needsCommit ?? true;
    this.logException = options.logException ?? true;
  }
  readonly logException: boolean;
}

/** Base class of consumer-side errors. */
export class ConsumerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConsumerError";
  }
}

/** Intermittent transport trouble: the processor skips the iteration and tries again. */
export class RecoverableError extends ConsumerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RecoverableError";
  }
}

export class OffsetOutOfRange extends ConsumerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OffsetOutOfRange";
  }
}

export class EndOfPartition extends ConsumerError {
  constructor(
    readonly partition: Partition,
    readonly offset: number,
  ) {
    super(`end of partition ${partition.key} at ${offset}`);
    this.name = "EndOfPartition";
  }
}

/**
 * A call that the object's lifecycle forbids: submit after close, a message without an
 * active strategy, any consumer method after close (specs/arroyo.md §2, §3.2, §6.1).
 */
export class InvalidStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidStateError";
  }
}

/** The DLQ limit policy was exceeded: stop rather than drop data (fixes Arroyo's [Q] in §3.4). */
export class DlqLimitExceeded extends Error {
  constructor(
    readonly partition: Partition,
    detail: string,
  ) {
    super(`dead-letter limit exceeded on ${partition.key}: ${detail}`);
    this.name = "DlqLimitExceeded";
  }
}

/**
 * A record that must be dead-lettered is no longer in the bounded DLQ buffer (Arroyo #510
 * drops it; we stop, because its offset would otherwise be committed without a DLQ copy).
 */
export class DlqRecordMissing extends Error {
  constructor(
    readonly partition: Partition,
    readonly offset: number,
  ) {
    super(`record ${partition.key}@${offset} is no longer in the dead-letter buffer`);
    this.name = "DlqRecordMissing";
  }
}

/** A dead-letter write failed: stop before any commit passes the record (Arroyo #425 drops it). */
export class DlqProduceFailed extends Error {
  constructor(
    readonly partition: Partition,
    readonly offset: number,
    options: { cause: unknown },
  ) {
    super(`dead-letter write of ${partition.key}@${offset} failed`, options);
    this.name = "DlqProduceFailed";
  }
}
