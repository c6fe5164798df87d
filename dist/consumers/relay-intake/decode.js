// consumers/relay-intake/decode.ts
import { InvalidMessage } from "../../pipelines/errors.js";
import { DecodeError } from "../../schemas/errors.js";
import { decodeRelayMessage } from "../../schemas/relay/codec.js";
import { checkDescriptor } from "./attachments.js";
import { readEventPayload } from "./process-event.js";
import { IntakeRuleError } from "./reasons.js";
import { readUserReport } from "./user-report.js";
function intakeLimits(options) {
  return {
    payload: { maxBytes: options.maxPayloadBytes, maxDepth: options.maxJsonDepth },
    maxAttachmentBytes: options.maxAttachmentBytes,
    maxAttachmentChunks: options.maxAttachmentChunks
  };
}
function decodeIntakeRecord(record, limits) {
  try {
    return readItem(record.payload, limits);
  } catch (error) {
    if (error instanceof DecodeError) {
      const where = error.path ? `${error.path}: ` : "";
      throw new InvalidMessage(record.partition, record.offset, error.reason, `${where}${error.detail}`, {
        cause: error
      });
    }
    if (error instanceof IntakeRuleError) {
      throw new InvalidMessage(record.partition, record.offset, error.reason, error.detail, { cause: error });
    }
    throw error;
  }
}
function readItem(original, limits) {
  const message = decodeRelayMessage(original.value);
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
          `chunk of ${message.payload.length} bytes, more than ${limits.maxAttachmentBytes}`
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
function projectIdOf(item) {
  return item.message.project_id;
}
export {
  decodeIntakeRecord,
  intakeLimits,
  projectIdOf
};
//# sourceMappingURL=decode.js.map
