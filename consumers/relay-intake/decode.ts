import type { Options } from "../../config/options.ts";
import { InvalidMessage } from "../../pipelines/errors.ts";
import type { BrokerValue, KafkaPayload } from "../../pipelines/types.ts";
import { DecodeError } from "../../schemas/errors.ts";
import type { PayloadLimits } from "../../schemas/json-payload.ts";
import { decodeRelayMessage } from "../../schemas/relay/codec.ts";
import type {
  RelayAttachmentChunkMessage,
  RelayAttachmentMessage,
  RelayEventMessage,
  RelayMessage,
  RelayUserReportMessage,
} from "../../schemas/relay/types.ts";
import { type AttachmentLimits, checkDescriptor } from "./attachments.ts";
import { type EventFacts, readEventPayload } from "./process-event.ts";
import { IntakeRuleError } from "./reasons.ts";
import { readUserReport, type UserReport } from "./user-report.ts";

// Everything that can be decided from one record alone (the per-record step runs this,
// then looks the project up: project-lookup.ts). Whatever fails here is raised as
// InvalidMessage while the record is still a broker value, the only place the processor
// can dead-letter it (specs/arroyo.md §2.2, Arroyo #373).
//
// Every input topic accepts all four Relay message types. Sentry's per-topic consumers
// reject the types they do not handle, but Relay never writes chunks or reports to
// `ingest-events`, and the chain handles each type the same whichever topic it came from.

export interface IntakeLimits extends AttachmentLimits {
  readonly payload: PayloadLimits;
}

export function intakeLimits(
  options: Pick<Options, "maxPayloadBytes" | "maxJsonDepth" | "maxAttachmentBytes" | "maxAttachmentChunks">,
): IntakeLimits {
  return {
    payload: { maxBytes: options.maxPayloadBytes, maxDepth: options.maxJsonDepth },
    maxAttachmentBytes: options.maxAttachmentBytes,
    maxAttachmentChunks: options.maxAttachmentChunks,
  };
}

interface ItemBase {
  /** The record as read, for a dead-letter copy made after batching. */
  readonly original: KafkaPayload;
}

export interface EventItem extends ItemBase {
  readonly type: "event";
  readonly message: RelayEventMessage;
  readonly facts: EventFacts;
}

export interface ChunkItem extends ItemBase {
  readonly type: "attachment_chunk";
  readonly message: RelayAttachmentChunkMessage;
}

export interface AttachmentItem extends ItemBase {
  readonly type: "attachment";
  readonly message: RelayAttachmentMessage;
}

export interface UserReportItem extends ItemBase {
  readonly type: "user_report";
  readonly message: RelayUserReportMessage;
  readonly report: UserReport;
}

export type IntakeItem = EventItem | ChunkItem | AttachmentItem | UserReportItem;

/** An item whose project exists, with what the output records need from it. */
export interface ResolvedItem {
  readonly item: IntakeItem;
  readonly organizationId: number;
}

/** Decodes and checks one Relay record; throws InvalidMessage naming it. */
export function decodeIntakeRecord(record: BrokerValue<KafkaPayload>, limits: IntakeLimits): IntakeItem {
  try {
    return readItem(record.payload, limits);
  } catch (error) {
    if (error instanceof DecodeError) {
      const where = error.path ? `${error.path}: ` : "";
      throw new InvalidMessage(record.partition, record.offset, error.reason, `${where}${error.detail}`, {
        cause: error,
      });
    }
    if (error instanceof IntakeRuleError) {
      throw new InvalidMessage(record.partition, record.offset, error.reason, error.detail, { cause: error });
    }
    throw error;
  }
}

function readItem(original: KafkaPayload, limits: IntakeLimits): IntakeItem {
  const message: RelayMessage = decodeRelayMessage(original.value);
  switch (message.type) {
    case "event":
      (message.attachments ?? []).forEach((descriptor, index) => {
        checkDescriptor(descriptor, limits, `attachments[${index}]`);
      });
      return { type: "event", original, message, facts: readEventPayload(message, limits.payload) };
    case "attachment_chunk":
      if (message.payload.length > limits.maxAttachmentBytes) {
        throw new IntakeRuleError(
          "attachment-too-large",
          `chunk of ${message.payload.length} bytes, more than ${limits.maxAttachmentBytes}`,
        );
      }
      return { type: "attachment_chunk", original, message };
    case "attachment":
      checkDescriptor(message.attachment, limits, "attachment");
      return { type: "attachment", original, message };
    case "user_report":
      return { type: "user_report", original, message, report: readUserReport(message, limits.payload) };
  }
}

/** The project a message belongs to (every Relay message type carries one). */
export function projectIdOf(item: IntakeItem): number {
  return item.message.project_id;
}
