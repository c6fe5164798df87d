// TypeScript shapes of the Avro records on our internal topics. They mirror the newest
// version of each schema in this folder field for field (snake_case, as in the .avsc files);
// `tests/unit/schemas/avro-types.test.ts` keeps the two in step. Nullable Avro unions map to
// `T | null`; a reader resolving an older writer fills defaults, so consumers always see
// every field.

export type EventKind = "event" | "transaction" | "feedback";

export interface StoredAttachment {
  id: string;
  name: string;
  content_type: string | null;
  attachment_type: string;
  size: number;
  chunks: number;
  rate_limited: boolean;
  stored_key: string | null;
  missing: boolean;
}

export interface ProcessingError {
  type: string;
  name: string | null;
  detail: string | null;
}

/** `events-raw` (schema `events-raw`, subject `events-raw-value`). */
export interface EventRawRecord {
  kind: EventKind;
  event_id: string;
  project_id: number;
  organization_id: number | null;
  source_topic: string;
  start_time: number;
  received: number;
  ingested_at_ms: number;
  remote_addr: string | null;
  client: string | null;
  attachments: StoredAttachment[];
  processing_errors: ProcessingError[];
  /** Event JSON text as Relay wrote it. */
  payload: string;
}

/** `events-normalized` (schema `events-normalized`, subject `events-normalized-value`). */
export interface EventNormalizedRecord {
  kind: EventKind;
  event_id: string;
  project_id: number;
  organization_id: number | null;
  source_topic: string;
  start_time: number;
  received: number;
  ingested_at_ms: number;
  remote_addr: string | null;
  client: string | null;
  platform: string;
  type: string;
  level: string;
  timestamp: number;
  release: string | null;
  environment: string | null;
  retention_days: number | null;
  attachments: StoredAttachment[];
  processing_errors: ProcessingError[];
  /** Normalized event JSON text. */
  payload: string;
}

/** Record type per schema name (the `schema:` key of an avro topic in topology.yaml). */
export interface AvroRecordBySchema {
  "events-raw": EventRawRecord;
  "events-normalized": EventNormalizedRecord;
}
