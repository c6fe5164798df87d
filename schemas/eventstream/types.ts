import type { JsonObject, JsonValue } from "../json-payload.ts";

// Sentry's eventstream protocol on the `events` topic (sentry `eventstream/kafka/backend.py`,
// schema `events.v1.schema.json` of sentry-kafka-schemas): a JSON array whose first element
// is the protocol version (always 2) and whose second is the operation. Inserts carry four
// elements `[2, "insert", body, state]`, replacements three `[2, op, body]`. Bodies keep every
// key they arrive with (the schema allows additional properties), so typed fields sit next to
// an index signature and a parsed message serializes back to the same JSON.

export const EVENTSTREAM_VERSION = 2;

export const REPLACEMENT_OPERATIONS = [
  "start_delete_groups",
  "end_delete_groups",
  "start_merge",
  "end_merge",
  "start_unmerge",
  "end_unmerge",
  "start_delete_tag",
  "end_delete_tag",
  "tombstone_events",
  "replace_group",
  "exclude_groups",
] as const;

export type ReplacementOperation = (typeof REPLACEMENT_OPERATIONS)[number];
export type EventStreamOperation = "insert" | ReplacementOperation;

/** `data` of an insert: the processed event; Snuba requires `received`. */
export interface EventStreamEventData extends JsonObject {
  received: number;
}

/** Insert body (schema `ErrorMessage`). */
export interface InsertEventBody {
  event_id: string;
  project_id: number;
  organization_id?: number;
  group_id: number;
  group_ids?: number[];
  /** `%Y-%m-%dT%H:%M:%S.%fZ` */
  group_first_seen?: string;
  primary_hash: string;
  /** Sentry's search message, not the raw message. */
  message: string;
  platform?: string | null;
  /** Event time, `2023-02-27T15:40:12.223000Z`. */
  datetime?: string;
  retention_days?: number | null;
  data: EventStreamEventData;
  [key: string]: JsonValue | undefined;
}

/** The 4th element of an insert: Sentry's post-processing state; Snuba ignores it. */
export interface PostProcessState {
  is_new: boolean;
  is_regression: boolean;
  is_new_group_environment: boolean;
  queue?: string;
  skip_consume: boolean;
  group_states?: Array<{
    id: string | number;
    is_new: boolean;
    is_regression: boolean;
    is_new_group_environment: boolean;
  }>;
  [key: string]: JsonValue | undefined;
}

interface ReplacementBodyBase {
  project_id: number;
  transaction_id?: string;
  datetime?: string;
  [key: string]: JsonValue | undefined;
}

export interface DeleteGroupsBody extends ReplacementBodyBase {
  group_ids: number[];
  datetime: string;
}

export interface MergeBody extends ReplacementBodyBase {
  previous_group_ids: number[];
  new_group_id: number;
  new_group_first_seen?: string;
  datetime: string;
}

/** `start_unmerge` only requires `project_id`; Sentry sends the same fields as `end_unmerge`. */
export interface StartUnmergeBody extends ReplacementBodyBase {
  previous_group_id?: number;
  new_group_id?: number;
  hashes?: string[];
}

export interface EndUnmergeBody extends ReplacementBodyBase {
  previous_group_id: number;
  new_group_id: number;
  hashes: string[];
  datetime: string;
}

/** `start_delete_tag` only requires `project_id`. */
export interface StartDeleteTagBody extends ReplacementBodyBase {
  tag?: string;
}

export interface EndDeleteTagBody extends ReplacementBodyBase {
  tag: string;
  datetime: string;
}

export interface TombstoneEventsBody extends ReplacementBodyBase {
  event_ids: string[];
  old_primary_hash?: string | null;
  from_timestamp?: string;
  to_timestamp?: string;
}

export interface ReplaceGroupBody extends ReplacementBodyBase {
  event_ids: string[];
  new_group_id: number;
  from_timestamp?: string;
  to_timestamp?: string;
}

export interface ExcludeGroupsBody extends ReplacementBodyBase {
  group_ids: number[];
}

export interface InsertMessage {
  readonly version: 2;
  readonly operation: "insert";
  readonly body: InsertEventBody;
  /** Usually a `PostProcessState`; the schema allows any value. */
  readonly state: JsonValue;
}

interface Replacement<Op extends ReplacementOperation, Body> {
  readonly version: 2;
  readonly operation: Op;
  readonly body: Body;
}

export type ReplacementMessage =
  | Replacement<"start_delete_groups" | "end_delete_groups", DeleteGroupsBody>
  | Replacement<"start_merge" | "end_merge", MergeBody>
  | Replacement<"start_unmerge", StartUnmergeBody>
  | Replacement<"end_unmerge", EndUnmergeBody>
  | Replacement<"start_delete_tag", StartDeleteTagBody>
  | Replacement<"end_delete_tag", EndDeleteTagBody>
  | Replacement<"tombstone_events", TombstoneEventsBody>
  | Replacement<"replace_group", ReplaceGroupBody>
  | Replacement<"exclude_groups", ExcludeGroupsBody>;

export type EventStreamMessage = InsertMessage | ReplacementMessage;

export function isInsert(message: EventStreamMessage): message is InsertMessage {
  return message.operation === "insert";
}
