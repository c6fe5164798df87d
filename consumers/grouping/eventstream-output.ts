import type { KafkaPayload } from "../../pipelines/types.ts";
import {
  eventStreamHeaders,
  eventStreamKey,
  serializeEventStreamMessage,
} from "../../schemas/eventstream/codec.ts";
import type { EventStreamEventData, InsertMessage } from "../../schemas/eventstream/types.ts";
import type { JsonObject } from "../../schemas/json-payload.ts";
import type { PreparedEvent } from "./prepare.ts";

// The `events` insert for one grouped event, as Sentry's `SnubaProtocolEventStream.insert`
// builds it from save_event's job (formats.md §2.7): `[2, "insert", body, state]`, key =
// the project id, headers Received-Timestamp, queue, operation, version. Body keys follow
// Sentry's order. `is_regression` is always false: there is no issue status (resolved
// issues) in this pipeline yet, and Sentry only reports a regression for a resolved issue.

/** Sentry's post-process queue for error events. */
export const POST_PROCESS_QUEUE = "post_process_errors";

export interface GroupOutcome {
  readonly groupId: number;
  readonly isNew: boolean;
  readonly isNewGroupEnvironment: boolean;
  /** The group's first_seen, Unix seconds with fraction. */
  readonly groupFirstSeen: number;
}

export interface OutputConfig {
  /** Sent when the event carries no retention (Sentry's SENTRY_EVENT_RETENTION_DAYS). */
  readonly defaultRetentionDays: number;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * `json.datetime_to_str(datetime.fromtimestamp(seconds))`: `%Y-%m-%dT%H:%M:%S.%fZ` in UTC,
 * microseconds rounded the way Python's fromtimestamp rounds them.
 */
export function sentryDatetime(seconds: number): string {
  let whole = Math.trunc(seconds);
  let micros = roundHalfEven((seconds - whole) * 1e6);
  if (micros >= 1_000_000) {
    whole += 1;
    micros -= 1_000_000;
  } else if (micros < 0) {
    whole -= 1;
    micros += 1_000_000;
  }
  const base = new Date(whole * 1000).toISOString().slice(0, 19);
  return `${base}.${String(micros).padStart(6, "0")}Z`;
}

export function insertMessage(
  event: PreparedEvent,
  outcome: GroupOutcome,
  config: OutputConfig,
): InsertMessage {
  const state: JsonObject = {
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
        is_new_group_environment: outcome.isNewGroupEnvironment,
      },
    ],
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
      data: event.data as EventStreamEventData,
      primary_hash: event.hashes[0] as string,
      retention_days: event.retentionDays ?? config.defaultRetentionDays,
      occurrence_id: null,
      occurrence_data: {},
    },
    state,
  };
}

/** The Kafka record for `events`. */
export function insertPayload(
  event: PreparedEvent,
  outcome: GroupOutcome,
  config: OutputConfig,
): KafkaPayload {
  const message = insertMessage(event, outcome, config);
  return {
    key: eventStreamKey(event.projectId),
    value: serializeEventStreamMessage(message),
    headers: eventStreamHeaders(message, { receivedTimestamp: event.received, queue: POST_PROCESS_QUEUE }),
  };
}
