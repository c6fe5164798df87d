// schemas/relay/build.ts
var RELAY_ATTACHMENT_CHUNK_SIZE = 1024 * 1024;
var UNNAMED_ATTACHMENT = "Unnamed Attachment";
function relayEventMessage(input) {
  return {
    type: "event",
    payload: input.payload,
    start_time: input.startTime >= 0 ? Math.floor(input.startTime) : Math.floor(Date.now() / 1e3),
    event_id: input.eventId,
    project_id: input.projectId,
    remote_addr: input.remoteAddr ?? null,
    attachments: input.attachments ?? []
  };
}
function relayAttachment(input) {
  if (!Number.isSafeInteger(input.chunkSize) || input.chunkSize <= 0) {
    throw new RangeError(`chunk size must be a positive integer, got ${input.chunkSize}`);
  }
  const size = input.data.length;
  const chunks = [];
  let inline;
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
        chunk_index: chunks.length
      });
    }
  }
  const descriptor = {
    id: input.id,
    name: input.filename ?? UNNAMED_ATTACHMENT,
    ...input.contentType === void 0 ? {} : { content_type: input.contentType },
    attachment_type: input.attachmentType ?? "event.attachment",
    chunks: chunks.length,
    ...inline === void 0 ? {} : { data: inline },
    size,
    rate_limited: input.rateLimited ?? false
  };
  return input.standalone ? {
    chunks,
    descriptor,
    message: {
      type: "attachment",
      event_id: input.eventId,
      project_id: input.projectId,
      attachment: descriptor
    }
  } : { chunks, descriptor };
}
export {
  RELAY_ATTACHMENT_CHUNK_SIZE,
  UNNAMED_ATTACHMENT,
  relayAttachment,
  relayEventMessage
};
//# sourceMappingURL=build.js.map
