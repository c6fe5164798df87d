// consumers/storage/insert-batch.ts
import { setTimeout as delay } from "node:timers/promises";
import { deadLetterPayload } from "../../pipelines/dlq.js";
import { InvalidMessage } from "../../pipelines/errors.js";
import { backoffDelayMs } from "./retry.js";
import { StorageError } from "./sink.js";
var REJECTED = "storage-row-rejected";
var BatchWriter = class {
  constructor(deps) {
    this.deps = deps;
  }
  deps;
  async write(batch) {
    const errors = await this.untilAnswered(
      "errors",
      () => this.deps.sink.insertErrors(batch.map((i) => i.row))
    );
    await this.deadLetter(batch, errors.failures);
    const rejected = new Set(errors.failures.map((failure) => failure.index));
    const stored = rejected.size === 0 ? batch : batch.filter((_, index) => !rejected.has(index));
    if (stored.length > 0) {
      const groups = await this.untilAnswered(
        "groups",
        () => this.deps.sink.upsertGroups(stored.map((item) => item.group))
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
  async untilAnswered(table, write) {
    for (let round = 1; ; round++) {
      try {
        return await write();
      } catch (error) {
        if (!(error instanceof StorageError) || error.reason !== "storage_unavailable") throw error;
        if (this.deps.signal.aborted) throw error;
        const delayMs = backoffDelayMs(this.deps.retry, round);
        this.deps.logger.error({ table, round, delayMs, err: error }, "storage.unavailable");
        await delay(delayMs, void 0, { signal: this.deps.signal });
      }
    }
  }
  async deadLetter(batch, failures) {
    if (failures.length === 0) return;
    const { producer, topics } = this.deps.deadLetters;
    const writes = [];
    for (const failure of failures) {
      const item = batch[failure.index];
      if (item === void 0) throw new RangeError(`sink reported row ${failure.index} of ${batch.length}`);
      const { partition, offset } = item.source;
      const error = new InvalidMessage(
        partition,
        offset,
        REJECTED,
        `${this.deps.sink.kind} ${failure.code}: ${failure.message}`
      );
      this.deps.metrics.messagesInvalid.inc({ consumer: this.deps.consumer, reason: REJECTED });
      const fields = {
        partition: partition.key,
        offset,
        eventId: item.row.event_id,
        projectId: item.row.project_id,
        code: failure.code
      };
      const target = topics.get(partition.topic);
      if (target === void 0) {
        this.deps.logger.error({ ...fields, detail: error.detail }, "message.rejected_without_dlq");
        continue;
      }
      const counter = this.deps.metrics.messagesDeadLettered.labels({
        consumer: this.deps.consumer,
        topic: partition.topic,
        reason: REJECTED
      });
      this.deps.logger.warn(fields, "storage.row_dead_lettered");
      writes.push(
        producer.produce(target, deadLetterPayload(item.source, error, this.deps.consumer)).then(() => counter.inc())
      );
    }
    await Promise.all(writes);
  }
  // A groups row is derived data: its event is stored and counted from the errors table, so
  // a rejected one is reported, not dead-lettered (a DLQ replay would insert the event again).
  reportGroupFailures(stored, failures) {
    for (const failure of failures) {
      const item = stored[failure.index];
      this.deps.logger.error(
        {
          projectId: item?.group.project_id,
          groupId: item?.group.group_id,
          eventId: item?.row.event_id,
          code: failure.code,
          error: failure.message
        },
        "storage.group_rejected"
      );
    }
  }
};
export {
  BatchWriter
};
//# sourceMappingURL=insert-batch.js.map
