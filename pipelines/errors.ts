import type { Partition } from "./types.ts";

/** Backpressure: "I am full; offer me this exact message again later". Carries no data. */
export class MessageRejected extends Error {
  constructor() {
    super("message rejected");
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
