// consumers/relay-intake/process-batch.ts
import { deadLetterPayload } from "../../pipelines/dlq.js";
import { InvalidMessage } from "../../pipelines/errors.js";
import {
  FILTERED
} from "../../pipelines/types.js";
import { eventIdToKey } from "../../schemas/relay/codec.js";
import {
  STANDALONE_FAILURE_REASON
} from "./attachments.js";
import { recordClaimant } from "./dedupe.js";
import { eventRawRecord } from "./process-event.js";
import { untilStateAvailable } from "./state-retry.js";
import { userReportRecord } from "./user-report.js";
var BatchProcessor = class {
  constructor(deps) {
    this.deps = deps;
  }
  deps;
  async process(batch) {
    const values = batch.map(brokerValue);
    const state = await untilStateAvailable("batch", () => this.touchState(values), this.deps.retry);
    const outputs = [];
    const deadLetters = [];
    const joinCounts = /* @__PURE__ */ new Map();
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
                offset: value.offset
              },
              "event.duplicate_dropped"
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
                userReportRecord(item.report, item.message, organizationId)
              ),
              headers: []
            })
          );
          break;
        case "attachment": {
          const attachment = joined[0];
          const failure = attachment === void 0 ? void 0 : STANDALONE_FAILURE_REASON[attachment.outcome];
          if (attachment !== void 0 && failure !== void 0) {
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
  async touchState(values) {
    const { chunks, dedupe, joiner } = this.deps;
    const puts = [];
    const claims = [];
    const claimIndexes = [];
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
            this.deps.chunkTtlSeconds
          )
        );
      } else if (item.type === "event") {
        claims.push({
          projectId: item.message.project_id,
          eventId: item.message.event_id,
          claimant: recordClaimant(value.partition, value.offset)
        });
        claimIndexes.push(index);
      }
    });
    const claimed = claims.length > 0 ? dedupe.claimMany(claims, this.deps.dedupeWindowSeconds) : Promise.resolve([]);
    await settleAll([...puts, claimed]);
    const won = new Array(values.length).fill(false);
    (await claimed).forEach((result, i) => {
      won[claimIndexes[i]] = result;
    });
    const joins = [];
    const joined = new Array(values.length).fill(void 0);
    values.forEach((value, index) => {
      const item = value.payload.item;
      if (item.type !== "attachment" && item.type !== "event") return;
      const descriptors = item.type === "attachment" ? [item.message.attachment] : won[index] ? item.message.attachments ?? [] : [];
      if (descriptors.length === 0) return;
      const { project_id: projectId, event_id: eventId } = item.message;
      joins.push(
        Promise.all(descriptors.map((d) => joiner.join(projectId, eventId, d))).then((result) => {
          joined[index] = result;
        })
      );
    });
    await settleAll(joins);
    return { won, joined };
  }
  eventRecord(value, item, organizationId, joined, now) {
    const attachments = [];
    const processingErrors = [];
    for (const attachment of joined) {
      attachments.push(attachment.record);
      if (attachment.error !== void 0) processingErrors.push(attachment.error);
    }
    const record = eventRawRecord({
      message: item.message,
      facts: item.facts,
      organizationId,
      sourceTopic: value.partition.topic,
      attachments,
      processingErrors,
      now
    });
    return {
      topic: this.deps.topics.eventsRaw,
      key: eventIdToKey(item.message.event_id),
      value: this.deps.eventsRawCodec.encode(record),
      headers: []
    };
  }
  /** A standalone attachment that cannot be joined: its original record to the input's DLQ. */
  async deadLetter(value, item, reason, joined) {
    const { consumer, metrics, logger, topics, deadLetterProducer } = this.deps;
    const error = new InvalidMessage(value.partition, value.offset, reason, joined.error?.detail ?? reason);
    metrics.messagesInvalid.inc({ consumer, reason });
    const fields = {
      partition: value.partition.key,
      offset: value.offset,
      projectId: item.message.project_id,
      eventId: item.message.event_id,
      attachmentId: item.message.attachment.id,
      reason
    };
    const target = topics.dlq.get(value.partition.topic);
    if (target === void 0) {
      logger.error({ ...fields, detail: error.detail }, "message.rejected_without_dlq");
      return;
    }
    logger.warn(fields, "attachment.dead_lettered");
    const original = {
      kind: "broker",
      payload: item.original,
      partition: value.partition,
      offset: value.offset,
      timestamp: value.timestamp
    };
    await deadLetterProducer.produce(target, deadLetterPayload(original, error, consumer));
    metrics.messagesDeadLettered.inc({ consumer, topic: value.partition.topic, reason });
  }
  count(duplicates, joinCounts) {
    const { metrics, consumer } = this.deps;
    if (duplicates > 0) {
      metrics.duplicatesDropped.inc({ consumer }, duplicates);
      metrics.messagesFiltered.inc({ consumer, reason: "duplicate" }, duplicates);
    }
    for (const [outcome, count] of joinCounts) metrics.attachmentsJoined.inc({ consumer, outcome }, count);
  }
};
function brokerValue(value) {
  if (value.kind !== "broker") throw new TypeError("relay-intake batches hold broker values only");
  return value;
}
function routed(value, record) {
  return {
    kind: "broker",
    payload: record,
    partition: value.partition,
    offset: value.offset,
    timestamp: value.timestamp
  };
}
function filtered(value) {
  return {
    kind: "broker",
    payload: FILTERED,
    partition: value.partition,
    offset: value.offset,
    timestamp: value.timestamp
  };
}
async function settleAll(promises) {
  const results = await Promise.allSettled(promises);
  for (const result of results) if (result.status === "rejected") throw result.reason;
}
export {
  BatchProcessor
};
//# sourceMappingURL=process-batch.js.map
