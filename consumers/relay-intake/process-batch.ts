import type { Logger } from "../../observability/logger.ts";
import type { Metrics } from "../../observability/metrics.ts";
import { deadLetterPayload } from "../../pipelines/dlq.ts";
import { InvalidMessage } from "../../pipelines/errors.ts";
import {
  type BrokerValue,
  type Clock,
  FILTERED,
  type FilteredPayload,
  type KafkaPayload,
  type MessageValue,
  type Topic,
} from "../../pipelines/types.ts";
import type { Producer } from "../../producers/types.ts";
import type { EventRawRecord, ProcessingError, StoredAttachment } from "../../schemas/avro/types.ts";
import type { Codec } from "../../schemas/codec.ts";
import type { JsonObject } from "../../schemas/json-payload.ts";
import { eventIdToKey } from "../../schemas/relay/codec.ts";
import {
  type AttachmentJoiner,
  type JoinedAttachment,
  type JoinOutcome,
  STANDALONE_FAILURE_REASON,
} from "./attachments.ts";
import type { ChunkStore } from "./chunk-store.ts";
import type { AttachmentItem, EventItem, ResolvedItem } from "./decode.ts";
import { type DedupeClaim, type DedupeStore, recordClaimant } from "./dedupe.ts";
import { eventRawRecord } from "./process-event.ts";
import type { IntakeRuleReason } from "./reasons.ts";
import type { RoutedRecord } from "./routing.ts";
import { type StateRetry, untilStateAvailable } from "./state-retry.ts";
import { userReportRecord } from "./user-report.ts";

// One batch, in order (the step running this has concurrency 1, so batch N's chunks are
// stored before batch N+1 is looked at):
//   1. store every attachment_chunk of the batch (Relay sends all chunks of an attachment
//      before the message naming them, on the same partition: specs/formats.md §2.2);
//   2. claim every event's (project, event id) for the dedupe window, in input order, so of
//      two copies in one batch the first wins;
//   3. join the attachments of the events that won and of standalone attachment messages;
//   4. build one output per input: a record for events-raw or user-reports, or a filtered
//      placeholder (chunks, duplicates, standalone attachments) so every offset commits.
// Steps 1-3 touch Redis and are all safe to repeat (same chunk bytes under the same key, a
// claim re-made by its own record succeeds, a joined file is rewritten with equal bytes),
// so a Redis outage anywhere in them retries the three together. Dead letters for failed
// standalone attachments are written last, and the promise settles only once they are
// acknowledged: the batch's offsets never commit past a record without its DLQ copy.

export type IntakeOutput = RoutedRecord | FilteredPayload;

export interface BatchTopics {
  readonly eventsRaw: Topic;
  readonly userReports: Topic;
  /** Input topic → its DLQ topic; empty when dead-lettering is disabled. */
  readonly dlq: ReadonlyMap<Topic, Topic>;
}

export interface BatchProcessorDeps {
  readonly dedupe: DedupeStore;
  readonly chunks: ChunkStore;
  readonly joiner: AttachmentJoiner;
  readonly eventsRawCodec: Codec<EventRawRecord>;
  readonly userReportsCodec: Codec<JsonObject>;
  readonly deadLetterProducer: Producer;
  readonly topics: BatchTopics;
  readonly dedupeWindowSeconds: number;
  readonly chunkTtlSeconds: number;
  readonly retry: StateRetry;
  readonly clock: Clock;
  readonly consumer: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

interface StateOutcome {
  /** Per batch index: true when an event won its claim. */
  readonly won: ReadonlyArray<boolean>;
  /** Per batch index: the joined attachments of a winning event or a standalone attachment. */
  readonly joined: ReadonlyArray<ReadonlyArray<JoinedAttachment> | undefined>;
}

export class BatchProcessor {
  constructor(private readonly deps: BatchProcessorDeps) {}

  async process(batch: ReadonlyArray<MessageValue<ResolvedItem>>): Promise<MessageValue<IntakeOutput>[]> {
    const values = batch.map(brokerValue);
    const state = await untilStateAvailable("batch", () => this.touchState(values), this.deps.retry);
    const outputs: MessageValue<IntakeOutput>[] = [];
    const deadLetters: Promise<void>[] = [];
    const joinCounts = new Map<JoinOutcome, number>();
    let duplicates = 0;
    const now = this.deps.clock.now();
    values.forEach((value, index) => {
      const { item, organizationId } = value.payload;
      const joined = state.joined[index] ?? [];
      for (const attachment of joined)
        joinCounts.set(attachment.outcome, (joinCounts.get(attachment.outcome) ?? 0) + 1);
      switch (item.type) {
        case "event": {
          if (!state.won[index]) {
            duplicates++;
            this.deps.logger.debug(
              {
                projectId: item.message.project_id,
                eventId: item.message.event_id,
                partition: value.partition.key,
                offset: value.offset,
              },
              "event.duplicate_dropped",
            );
            outputs.push(filtered(value));
            break;
          }
          outputs.push(routed(value, this.eventRecord(value, item, organizationId, joined, now)));
          break;
        }
        case "user_report":
          outputs.push(
            routed(value, {
              topic: this.deps.topics.userReports,
              key: eventIdToKey(item.report.eventId),
              value: this.deps.userReportsCodec.encode(
                userReportRecord(item.report, item.message, organizationId),
              ),
              headers: [],
            }),
          );
          break;
        case "attachment": {
          const attachment = joined[0];
          const failure =
            attachment === undefined ? undefined : STANDALONE_FAILURE_REASON[attachment.outcome];
          if (attachment !== undefined && failure !== undefined) {
            deadLetters.push(this.deadLetter(value, item, failure, attachment));
          }
          outputs.push(filtered(value));
          break;
        }
        case "attachment_chunk":
          outputs.push(filtered(value));
          break;
      }
    });
    this.count(duplicates, joinCounts);
    await Promise.all(deadLetters);
    return outputs;
  }

  private async touchState(values: ReadonlyArray<BrokerValue<ResolvedItem>>): Promise<StateOutcome> {
    const { chunks, dedupe, joiner } = this.deps;
    const puts: Promise<void>[] = [];
    const claims: DedupeClaim[] = [];
    const claimIndexes: number[] = [];
    values.forEach((value, index) => {
      const item = value.payload.item;
      if (item.type === "attachment_chunk") {
        const m = item.message;
        puts.push(
          chunks.putChunk(
            m.project_id,
            m.event_id,
            m.id,
            m.chunk_index,
            m.payload,
            this.deps.chunkTtlSeconds,
          ),
        );
      } else if (item.type === "event") {
        claims.push({
          projectId: item.message.project_id,
          eventId: item.message.event_id,
          claimant: recordClaimant(value.partition, value.offset),
        });
        claimIndexes.push(index);
      }
    });
    // Claims do not depend on chunks: both go out in the same round trip. Everything settles
    // before anything is decided, so a retry never starts beside a write still running.
    const claimed =
      claims.length > 0 ? dedupe.claimMany(claims, this.deps.dedupeWindowSeconds) : Promise.resolve([]);
    await settleAll([...puts, claimed]);
    const won: boolean[] = new Array(values.length).fill(false);
    (await claimed).forEach((result, i) => {
      won[claimIndexes[i] as number] = result;
    });
    const joins: Promise<void>[] = [];
    const joined: (JoinedAttachment[] | undefined)[] = new Array(values.length).fill(undefined);
    values.forEach((value, index) => {
      const item = value.payload.item;
      if (item.type !== "attachment" && item.type !== "event") return;
      const descriptors =
        item.type === "attachment"
          ? [item.message.attachment]
          : won[index]
            ? (item.message.attachments ?? [])
            : [];
      if (descriptors.length === 0) return;
      const { project_id: projectId, event_id: eventId } = item.message;
      joins.push(
        Promise.all(descriptors.map((d) => joiner.join(projectId, eventId, d))).then((result) => {
          joined[index] = result;
        }),
      );
    });
    await settleAll(joins);
    return { won, joined };
  }

  private eventRecord(
    value: BrokerValue<ResolvedItem>,
    item: EventItem,
    organizationId: number,
    joined: ReadonlyArray<JoinedAttachment>,
    now: number,
  ): RoutedRecord {
    const attachments: StoredAttachment[] = [];
    const processingErrors: ProcessingError[] = [];
    for (const attachment of joined) {
      attachments.push(attachment.record);
      if (attachment.error !== undefined) processingErrors.push(attachment.error);
    }
    const record = eventRawRecord({
      message: item.message,
      facts: item.facts,
      organizationId,
      sourceTopic: value.partition.topic,
      attachments,
      processingErrors,
      now,
    });
    return {
      topic: this.deps.topics.eventsRaw,
      key: eventIdToKey(item.message.event_id),
      value: this.deps.eventsRawCodec.encode(record),
      headers: [],
    };
  }

  /** A standalone attachment that cannot be joined: its original record to the input's DLQ. */
  private async deadLetter(
    value: BrokerValue<ResolvedItem>,
    item: AttachmentItem,
    reason: IntakeRuleReason,
    joined: JoinedAttachment,
  ): Promise<void> {
    const { consumer, metrics, logger, topics, deadLetterProducer } = this.deps;
    const error = new InvalidMessage(value.partition, value.offset, reason, joined.error?.detail ?? reason);
    metrics.messagesInvalid.inc({ consumer, reason });
    const fields = {
      partition: value.partition.key,
      offset: value.offset,
      projectId: item.message.project_id,
      eventId: item.message.event_id,
      attachmentId: item.message.attachment.id,
      reason,
    };
    const target = topics.dlq.get(value.partition.topic);
    if (target === undefined) {
      // As the processor does without a DLQ: counted and logged, the offset moves on.
      logger.error({ ...fields, detail: error.detail }, "message.rejected_without_dlq");
      return;
    }
    logger.warn(fields, "attachment.dead_lettered");
    const original: BrokerValue<KafkaPayload> = {
      kind: "broker",
      payload: item.original,
      partition: value.partition,
      offset: value.offset,
      timestamp: value.timestamp,
    };
    await deadLetterProducer.produce(target, deadLetterPayload(original, error, consumer));
    metrics.messagesDeadLettered.inc({ consumer, topic: value.partition.topic, reason });
  }

  private count(duplicates: number, joinCounts: ReadonlyMap<JoinOutcome, number>): void {
    const { metrics, consumer } = this.deps;
    if (duplicates > 0) {
      metrics.duplicatesDropped.inc({ consumer }, duplicates);
      metrics.messagesFiltered.inc({ consumer, reason: "duplicate" }, duplicates);
    }
    for (const [outcome, count] of joinCounts) metrics.attachmentsJoined.inc({ consumer, outcome }, count);
  }
}

/** Batch elements are the broker values of the records (RunTask and RunTaskAsync keep the kind). */
function brokerValue(value: MessageValue<ResolvedItem>): BrokerValue<ResolvedItem> {
  if (value.kind !== "broker") throw new TypeError("relay-intake batches hold broker values only");
  return value;
}

/** The source record's coordinates with a new payload: its offset commits after the output. */
function routed(value: BrokerValue<ResolvedItem>, record: RoutedRecord): BrokerValue<IntakeOutput> {
  return {
    kind: "broker",
    payload: record,
    partition: value.partition,
    offset: value.offset,
    timestamp: value.timestamp,
  };
}

function filtered(value: BrokerValue<ResolvedItem>): BrokerValue<IntakeOutput> {
  return {
    kind: "broker",
    payload: FILTERED,
    partition: value.partition,
    offset: value.offset,
    timestamp: value.timestamp,
  };
}

/** Waits for every promise, then rethrows the first rejection (so a retry starts from a quiet store). */
async function settleAll(promises: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(promises);
  for (const result of results) if (result.status === "rejected") throw result.reason;
}
