import type { ProcessingError, StoredAttachment } from "../../schemas/avro/types.ts";
import type { ChunkedAttachment } from "../../schemas/relay/types.ts";
import type { AttachmentStore } from "./attachment-store.ts";
import type { ChunkStore } from "./chunk-store.ts";
import { IntakeRuleError, type IntakeRuleReason } from "./reasons.ts";

// Joining an attachment: its chunks (stored earlier from `attachment_chunk` messages on the
// same partition, specs/formats.md §2.2) or its inline data, checked against the size Relay
// announced, then written to the attachment store unless Relay marked it rate limited.
//
// A problem with one attachment is data loss for that attachment only: on an event it
// becomes a processing error and the event goes on; a standalone `attachment` message,
// which is nothing but the attachment, is dead-lettered instead.
//
// Chunks are not deleted after a join: a record redelivered after a crash (its offset not
// committed) must find them again, or its second copy would report the attachment missing.
// They expire with the chunk TTL.

export interface AttachmentLimits {
  readonly maxAttachmentBytes: number;
  readonly maxAttachmentChunks: number;
}

/** A descriptor that announces more than the limits allow poisons its message. */
export function checkDescriptor(descriptor: ChunkedAttachment, limits: AttachmentLimits, path: string): void {
  if (descriptor.chunks > limits.maxAttachmentChunks) {
    throw new IntakeRuleError(
      "attachment-too-large",
      `${path} announces ${descriptor.chunks} chunks, more than ${limits.maxAttachmentChunks}`,
    );
  }
  const size = descriptor.size ?? descriptor.data?.length ?? 0;
  if (size > limits.maxAttachmentBytes) {
    throw new IntakeRuleError(
      "attachment-too-large",
      `${path} announces ${size} bytes, more than ${limits.maxAttachmentBytes}`,
    );
  }
}

export const JOIN_OUTCOMES = [
  "stored",
  "empty",
  "rate_limited",
  "missing_chunks",
  "size_mismatch",
  "too_large",
] as const;
export type JoinOutcome = (typeof JOIN_OUTCOMES)[number];

export interface JoinedAttachment {
  readonly outcome: JoinOutcome;
  /** The descriptor as `events-raw` carries it. */
  readonly record: StoredAttachment;
  /** Set for the failed outcomes. */
  readonly error?: ProcessingError;
}

/** Dead-letter reason of a standalone attachment whose join failed; undefined when it did not. */
export const STANDALONE_FAILURE_REASON: Readonly<Record<JoinOutcome, IntakeRuleReason | undefined>> = {
  stored: undefined,
  empty: undefined,
  rate_limited: undefined,
  missing_chunks: "attachment-chunks-missing",
  size_mismatch: "attachment-size-mismatch",
  too_large: "attachment-too-large",
};

const MISSING_LISTED = 20;

export class AttachmentJoiner {
  constructor(
    private readonly chunks: ChunkStore,
    private readonly store: AttachmentStore,
    private readonly limits: AttachmentLimits,
  ) {}

  /** May throw the chunk store's StateUnavailableError (retry the whole join) or the store's write error. */
  async join(projectId: number, eventId: string, descriptor: ChunkedAttachment): Promise<JoinedAttachment> {
    const base: StoredAttachment = {
      id: descriptor.id,
      name: descriptor.name,
      content_type: descriptor.content_type ?? null,
      attachment_type: descriptor.attachment_type,
      size: descriptor.size ?? 0,
      chunks: descriptor.chunks,
      rate_limited: descriptor.rate_limited ?? false,
      stored_key: null,
      missing: false,
    };
    let bytes: Buffer;
    if (descriptor.chunks > 0) {
      const collected = await this.chunks.collect(projectId, eventId, descriptor.id, descriptor.chunks);
      if (collected.missing.length > 0) {
        return {
          outcome: "missing_chunks",
          record: { ...base, missing: true },
          error: attachmentError("attachment_missing_chunks", descriptor, {
            chunks: descriptor.chunks,
            missing: collected.missing.slice(0, MISSING_LISTED),
            missing_count: collected.missing.length,
          }),
        };
      }
      bytes = collected.bytes;
    } else {
      bytes = descriptor.data ?? Buffer.alloc(0);
    }
    if (descriptor.size !== undefined && bytes.length !== descriptor.size) {
      return {
        outcome: "size_mismatch",
        record: base,
        error: attachmentError("attachment_size_mismatch", descriptor, {
          expected: descriptor.size,
          actual: bytes.length,
        }),
      };
    }
    const record = { ...base, size: bytes.length };
    if (bytes.length > this.limits.maxAttachmentBytes) {
      return {
        outcome: "too_large",
        record,
        error: attachmentError("attachment_too_large", descriptor, {
          actual: bytes.length,
          max: this.limits.maxAttachmentBytes,
        }),
      };
    }
    if (record.rate_limited) return { outcome: "rate_limited", record };
    if (bytes.length === 0) return { outcome: "empty", record };
    const stored = await this.store.put(projectId, eventId, descriptor.id, descriptor.name, bytes);
    return { outcome: "stored", record: { ...record, stored_key: stored.key } };
  }
}

function attachmentError(
  type: string,
  descriptor: ChunkedAttachment,
  detail: Readonly<Record<string, unknown>>,
): ProcessingError {
  return {
    type,
    name: descriptor.name,
    detail: JSON.stringify({ attachment_id: descriptor.id, ...detail }),
  };
}
