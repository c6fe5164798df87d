import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "../../observability/logger.ts";
import type { Metrics } from "../../observability/metrics.ts";
import { deadLetterPayload } from "../../pipelines/dlq.ts";
import { InvalidMessage } from "../../pipelines/errors.ts";
import type { Topic } from "../../pipelines/types.ts";
import type { Producer } from "../../producers/types.ts";
import type { StorageItem } from "./decode.ts";
import type { StorageDlqReason } from "./reasons.ts";
import { type BackoffPolicy, backoffDelayMs } from "./retry.ts";
import { type RowFailure, StorageError, type StorageSink, type WriteResult } from "./sink.ts";

// The write of one batch: the errors rows in one insert, the rows the store rejected to the
// DLQ, then the groups rows of the stored events in one upsert. The step that runs this
// forwards the batch's offsets only when the promise resolves, so nothing commits before
// the store acknowledged every row and the DLQ acknowledged every rejected one.
//
// Why the DLQ write happens here and not through InvalidMessage: the processor can only
// dead-letter a record named by an InvalidMessage raised before batching (specs/arroyo.md
// §2.2, Arroyo #373), and a row is known bad only once the store answered for the whole
// batch. So every item keeps its original BrokerValue, and rejected ones are produced here
// with the same payload and headers as pipelines/dlq.ts, before the offsets move on.

const REJECTED: StorageDlqReason = "storage-row-rejected";

/** Where rejected rows go; `topics` maps each input topic to its DLQ (empty = DLQ disabled). */
export interface RowDeadLetters {
  readonly producer: Producer;
  readonly topics: ReadonlyMap<Topic, Topic>;
}

export interface BatchWriterDeps {
  readonly sink: StorageSink;
  readonly deadLetters: RowDeadLetters;
  /** Wait between rounds when the sink gave up on an unreachable store. */
  readonly retry: BackoffPolicy;
  /** Stops the retry rounds (the chain was abandoned or the consumer is stopping). */
  readonly signal: AbortSignal;
  readonly consumer: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface BatchOutcome {
  readonly stored: number;
  readonly deadLettered: number;
}

export class BatchWriter {
  constructor(private readonly deps: BatchWriterDeps) {}

  async write(batch: ReadonlyArray<StorageItem>): Promise<BatchOutcome> {
    const errors = await this.untilAnswered("errors", () =>
      this.deps.sink.insertErrors(batch.map((i) => i.row)),
    );
    await this.deadLetter(batch, errors.failures);
    const rejected = new Set(errors.failures.map((failure) => failure.index));
    const stored = rejected.size === 0 ? batch : batch.filter((_, index) => !rejected.has(index));
    if (stored.length > 0) {
      const groups = await this.untilAnswered("groups", () =>
        this.deps.sink.upsertGroups(stored.map((item) => item.group)),
      );
      this.reportGroupFailures(stored, groups.failures);
    }
    return { stored: errors.stored, deadLettered: errors.failures.length };
  }

  /**
   * The sink retries an unreachable store with capped backoff up to its attempt budget;
   * past it, this keeps going in rounds rather than crashing, since a consumer restart
   * would only replay the same batch against the same outage. Meanwhile the step holds the
   * batch and the chain rejects new ones, so the processor pauses its partitions.
   */
  private async untilAnswered(
    table: "errors" | "groups",
    write: () => Promise<WriteResult>,
  ): Promise<WriteResult> {
    for (let round = 1; ; round++) {
      try {
        return await write();
      } catch (error) {
        if (!(error instanceof StorageError) || error.reason !== "storage_unavailable") throw error;
        if (this.deps.signal.aborted) throw error;
        const delayMs = backoffDelayMs(this.deps.retry, round);
        this.deps.logger.error({ table, round, delayMs, err: error }, "storage.unavailable");
        await delay(delayMs, undefined, { signal: this.deps.signal });
      }
    }
  }

  private async deadLetter(
    batch: ReadonlyArray<StorageItem>,
    failures: ReadonlyArray<RowFailure>,
  ): Promise<void> {
    if (failures.length === 0) return;
    const { producer, topics } = this.deps.deadLetters;
    const writes: Promise<unknown>[] = [];
    for (const failure of failures) {
      const item = batch[failure.index];
      if (item === undefined) throw new RangeError(`sink reported row ${failure.index} of ${batch.length}`);
      const { partition, offset } = item.source;
      const error = new InvalidMessage(
        partition,
        offset,
        REJECTED,
        `${this.deps.sink.kind} ${failure.code}: ${failure.message}`,
      );
      this.deps.metrics.messagesInvalid.inc({ consumer: this.deps.consumer, reason: REJECTED });
      const fields = {
        partition: partition.key,
        offset,
        eventId: item.row.event_id,
        projectId: item.row.project_id,
        code: failure.code,
      };
      const target = topics.get(partition.topic);
      if (target === undefined) {
        // Same as the processor without a DLQ: counted and logged, the offset moves on.
        this.deps.logger.error({ ...fields, detail: error.detail }, "message.rejected_without_dlq");
        continue;
      }
      const counter = this.deps.metrics.messagesDeadLettered.labels({
        consumer: this.deps.consumer,
        topic: partition.topic,
        reason: REJECTED,
      });
      this.deps.logger.warn(fields, "storage.row_dead_lettered");
      writes.push(
        producer
          .produce(target, deadLetterPayload(item.source, error, this.deps.consumer))
          .then(() => counter.inc()),
      );
    }
    // A failed DLQ write fails the batch: its offsets must not commit past the record.
    await Promise.all(writes);
  }

  // A groups row is derived data: its event is stored and counted from the errors table, so
  // a rejected one is reported, not dead-lettered (a DLQ replay would insert the event again).
  private reportGroupFailures(stored: ReadonlyArray<StorageItem>, failures: ReadonlyArray<RowFailure>): void {
    for (const failure of failures) {
      const item = stored[failure.index];
      this.deps.logger.error(
        {
          projectId: item?.group.project_id,
          groupId: item?.group.group_id,
          eventId: item?.row.event_id,
          code: failure.code,
          error: failure.message,
        },
        "storage.group_rejected",
      );
    }
  }
}
