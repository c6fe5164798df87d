import type {
  ChunkedAttachment,
  RelayAttachmentChunkMessage,
  RelayAttachmentMessage,
  RelayEventMessage,
} from "./types.ts";

// Builders for messages in Relay's exact shape, for code that stands in for Relay (the dev
// HTTP intake, replay, tests). They follow relay-server `services/store.rs`: an event message
// always carries `remote_addr` (nil when unknown) and `attachments`; an attachment is cut into
// `attachment_chunk` messages, except that a standalone attachment smaller than one chunk is
// inlined as `data`; descriptors always carry `size` and `rate_limited`.

/** Relay's default `attachment_chunk_size`. */
export const RELAY_ATTACHMENT_CHUNK_SIZE = 1024 * 1024;
/** Relay's name for attachment items without a `filename` header. */
export const UNNAMED_ATTACHMENT = "Unnamed Attachment";

export interface EventMessageInput {
  readonly payload: Buffer;
  readonly eventId: string;
  readonly projectId: number;
  /** Receive time in Unix seconds; Relay substitutes "now" for negative values. */
  readonly startTime: number;
  readonly remoteAddr?: string | null;
  readonly attachments?: ReadonlyArray<ChunkedAttachment>;
}

export function relayEventMessage(input: EventMessageInput): RelayEventMessage {
  return {
    type: "event",
    payload: input.payload,
    start_time: input.startTime >= 0 ? Math.floor(input.startTime) : Math.floor(Date.now() / 1000),
    event_id: input.eventId,
    project_id: input.projectId,
    remote_addr: input.remoteAddr ?? null,
    attachments: input.attachments ?? [],
  };
}

export interface AttachmentInput {
  readonly eventId: string;
  readonly projectId: number;
  /** Relay picks a random UUID string per attachment. */
  readonly id: string;
  readonly data: Buffer;
  readonly filename?: string;
  readonly contentType?: string;
  readonly attachmentType?: string;
  readonly rateLimited?: boolean;
  /** Bytes per chunk (Relay's `attachment_chunk_size`). */
  readonly chunkSize: number;
  /**
   * True for attachments without an error event in their envelope (Relay sends them as
   * `attachment` messages); false when the descriptor goes into the event message.
   */
  readonly standalone: boolean;
}

export interface ProducedAttachment {
  /** To be produced first, in order, all with the event id as key. */
  readonly chunks: RelayAttachmentChunkMessage[];
  readonly descriptor: ChunkedAttachment;
  /** The `attachment` message for standalone attachments, produced after the chunks. */
  readonly message?: RelayAttachmentMessage;
}

export function relayAttachment(input: AttachmentInput): ProducedAttachment {
  if (!Number.isSafeInteger(input.chunkSize) || input.chunkSize <= 0) {
    throw new RangeError(`chunk size must be a positive integer, got ${input.chunkSize}`);
  }
  const size = input.data.length;
  const chunks: RelayAttachmentChunkMessage[] = [];
  let inline: Buffer | undefined;
  if (input.standalone && size < input.chunkSize) {
    if (size > 0) inline = input.data;
  } else {
    for (let offset = 0; offset < size; offset += input.chunkSize) {
      chunks.push({
        type: "attachment_chunk",
        payload: input.data.subarray(offset, Math.min(size, offset + input.chunkSize)),
        event_id: input.eventId,
        project_id: input.projectId,
        id: input.id,
        chunk_index: chunks.length,
      });
    }
  }
  const descriptor: ChunkedAttachment = {
    id: input.id,
    name: input.filename ?? UNNAMED_ATTACHMENT,
    ...(input.contentType === undefined ? {} : { content_type: input.contentType }),
    attachment_type: input.attachmentType ?? "event.attachment",
    chunks: chunks.length,
    ...(inline === undefined ? {} : { data: inline }),
    size,
    rate_limited: input.rateLimited ?? false,
  };
  return input.standalone
    ? {
        chunks,
        descriptor,
        message: {
          type: "attachment",
          event_id: input.eventId,
          project_id: input.projectId,
          attachment: descriptor,
        },
      }
    : { chunks, descriptor };
}
