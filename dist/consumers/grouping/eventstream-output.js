// consumers/grouping/eventstream-output.ts
import {
  eventStreamHeaders,
  eventStreamKey,
  serializeEventStreamMessage
} from "../../schemas/eventstream/codec.js";
var POST_PROCESS_QUEUE = "post_process_errors";
function roundHalfEven(value) {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
function sentryDatetime(seconds) {
  let whole = Math.trunc(seconds);
  let micros = roundHalfEven((seconds - whole) * 1e6);
  if (micros >= 1e6) {
    whole += 1;
    micros -= 1e6;
  } else if (micros < 0) {
    whole -= 1;
    micros += 1e6;
  }
  const base = new Date(whole * 1e3).toISOString().slice(0, 19);
  return `${base}.${String(micros).padStart(6, "0")}Z`;
}
function insertMessage(event, outcome, config) {
  const state = {
    is_new: outcome.isNew,
    is_regression: false,
    is_new_group_environment: outcome.isNewGroupEnvironment,
    queue: POST_PROCESS_QUEUE,
    skip_consume: false,
    group_states: [
      {
        id: outcome.groupId,
        is_new: outcome.isNew,
        is_regression: false,
        is_new_group_environment: outcome.isNewGroupEnvironment
      }
    ]
  };
  return {
    version: 2,
    operation: "insert",
    body: {
      group_id: outcome.groupId,
      group_ids: [outcome.groupId],
      group_first_seen: sentryDatetime(outcome.groupFirstSeen),
      event_id: event.eventId,
      organization_id: event.organizationId,
      project_id: event.projectId,
      message: event.message,
      platform: event.platform,
      datetime: sentryDatetime(event.timestamp),
      // prepareEvent guarantees `received`.
      data: event.data,
      primary_hash: event.hashes[0],
      retention_days: event.retentionDays ?? config.defaultRetentionDays,
      occurrence_id: null,
      occurrence_data: {}
    },
    state
  };
}
function insertPayload(event, outcome, config) {
  const message = insertMessage(event, outcome, config);
  return {
    key: eventStreamKey(event.projectId),
    value: serializeEventStreamMessage(message),
    headers: eventStreamHeaders(message, { receivedTimestamp: event.received, queue: POST_PROCESS_QUEUE })
  };
}
export {
  POST_PROCESS_QUEUE,
  insertMessage,
  insertPayload,
  sentryDatetime
};
//# sourceMappingURL=eventstream-output.js.map
