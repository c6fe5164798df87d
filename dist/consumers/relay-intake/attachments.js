// consumers/relay-intake/attachments.ts
import { IntakeRuleError } from "./reasons.js";
function checkDescriptor(descriptor, limits, path) {
  if (descriptor.chunks > limits.maxAttachmentChunks) {
    throw new IntakeRuleError(
      "attachment-too-large",
      `${path} announces ${descriptor.chunks} chunks, more than ${limits.maxAttachmentChunks}`
    );
  }
  const size = descriptor.size ?? descriptor.data?.length ?? 0;
  if (size > limits.maxAttachmentBytes) {
    throw new IntakeRuleError(
      "attachment-too-large",
      `${path} announces ${size} bytes, more than ${limits.maxAttachmentBytes}`
    );
  }
}
var JOIN_OUTCOMES = [
  "stored",
  "empty",
  "rate_limited",
  "missing_chunks",
  "size_mismatch",
  "too_large"
];
var STANDALONE_FAILURE_REASON = {
  stored: void 0,
  empty: void 0,
  rate_limited: void 0,
  missing_chunks: "attachment-chunks-missing",
  size_mismatch: "attachment-size-mismatch",
  too_large: "attachment-too-large"
};
var MISSING_LISTED = 20;
var AttachmentJoiner = class {
  constructor(chunks, store, limits) {
    this.chunks = chunks;
    this.store = store;
    this.limits = limits;
  }
  chunks;
  store;
  limits;
  /** May throw the chunk store's StateUnavailableError (retry the whole join) or the store's write error. */
  async join(projectId, eventId, descriptor) {
    const base = {
      id: descriptor.id,
      name: descriptor.name,
      content_type: descriptor.content_type ?? null,
      attachment_type: descriptor.attachment_type,
      size: descriptor.size ?? 0,
      chunks: descriptor.chunks,
      rate_limited: descriptor.rate_limited ?? false,
      stored_key: null,
      missing: false
    };
    let bytes;
    if (descriptor.chunks > 0) {
      const collected = await this.chunks.collect(projectId, eventId, descriptor.id, descriptor.chunks);
      if (collected.missing.length > 0) {
        return {
          outcome: "missing_chunks",
          record: { ...base, missing: true },
          error: attachmentError("attachment_missing_chunks", descriptor, {
            chunks: descriptor.chunks,
            missing: collected.missing.slice(0, MISSING_LISTED),
            missing_count: collected.missing.length
          })
        };
      }
      bytes = collected.bytes;
    } else {
      bytes = descriptor.data ?? Buffer.alloc(0);
    }
    if (descriptor.size !== void 0 && bytes.length !== descriptor.size) {
      return {
        outcome: "size_mismatch",
        record: base,
        error: attachmentError("attachment_size_mismatch", descriptor, {
          expected: descriptor.size,
          actual: bytes.length
        })
      };
    }
    const record = { ...base, size: bytes.length };
    if (bytes.length > this.limits.maxAttachmentBytes) {
      return {
        outcome: "too_large",
        record,
        error: attachmentError("attachment_too_large", descriptor, {
          actual: bytes.length,
          max: this.limits.maxAttachmentBytes
        })
      };
    }
    if (record.rate_limited) return { outcome: "rate_limited", record };
    if (bytes.length === 0) return { outcome: "empty", record };
    const stored = await this.store.put(projectId, eventId, descriptor.id, descriptor.name, bytes);
    return { outcome: "stored", record: { ...record, stored_key: stored.key } };
  }
};
function attachmentError(type, descriptor, detail) {
  return {
    type,
    name: descriptor.name,
    detail: JSON.stringify({ attachment_id: descriptor.id, ...detail })
  };
}
export {
  AttachmentJoiner,
  JOIN_OUTCOMES,
  STANDALONE_FAILURE_REASON,
  checkDescriptor
};
//# sourceMappingURL=attachments.js.map
