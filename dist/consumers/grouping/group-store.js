// consumers/grouping/group-store.ts
function checkRequest(request) {
  if (request.hashes.length === 0) {
    throw new RangeError(`event ${request.event.eventId} has no grouping hashes`);
  }
  if (!Number.isFinite(request.event.timestamp)) {
    throw new RangeError(`event ${request.event.eventId} has no finite timestamp`);
  }
}
function checkRow(row) {
  if (!Number.isSafeInteger(row.groupId) || row.groupId < 1) {
    throw new RangeError(`group id must be a positive integer, got ${row.groupId}`);
  }
  if (!Number.isSafeInteger(row.timesSeen) || row.timesSeen < 0) {
    throw new RangeError(`group ${row.groupId}: times_seen must be a non-negative integer`);
  }
}
function isLater(timestamp, eventId, otherTimestamp, otherEventId) {
  return timestamp > otherTimestamp || timestamp === otherTimestamp && eventId > otherEventId;
}
export {
  checkRequest,
  checkRow,
  isLater
};
//# sourceMappingURL=group-store.js.map
