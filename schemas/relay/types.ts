// Relay's messages on `ingest-events`, `ingest-attachments`, `ingest-transactions` and
// `ingest-feedback-events`, typed as Relay writes them (relay-server `services/store.rs`:
// `KafkaMessage` is an internally tagged serde enum serialized with rmp-serde
// `to_vec_named`, so each message is a msgpack map whose first key is `type`, followed by the
// struct's fields in declaration order). Field names stay Relay's snake_case so the mapping
// to the wire and to Sentry's consumer code is one-to-one.
//
// `payload` and inline attachment `data` stay bytes (Buffer) until a consumer parses them
// (`parseEventPayload`). Keys Relay may add later are kept in `extra`, in arrival order, so
// a decoded message re-encodes to an equal map (replay and DLQ copies lose nothing).

export const RELAY_MESSAGE_TYPES = ["event", "attachment_chunk", "attachment", "user_report"] as const;
export type RelayMessageType = (typeof RELAY_MESSAGE_TYPES)[number];

/** Values of keys the decoder does not know: msgpack maps stay `Map`s, bin stays Buffer. */
export type UnknownFields = ReadonlyMap<string, unknown>;

/** Relay's `ChunkedAttachment`: an attachment descriptor inside `event` and `attachment` messages. */
export interface ChunkedAttachment {
  /** Attachment id chosen by Relay (a UUID string); chunk messages carry the same id. */
  readonly id: string;
  /** The item's `filename` header, or `"Unnamed Attachment"`. */
  readonly name: string;
  /** Omitted by Relay when unknown. */
  readonly content_type?: string;
  /** `event.attachment`, `event.minidump`, `event.applecrashreport`, `unreal.context`, ... */
  readonly attachment_type: string;
  /** Number of `attachment_chunk` messages; 0 for empty attachments or inline `data`. */
  readonly chunks: number;
  /** Inline content, only for standalone attachments smaller than one chunk. */
  readonly data?: Buffer;
  /** Total size in bytes. */
  readonly size?: number;
  /** True: keep for processing (e.g. a minidump) but do not persist. */
  readonly rate_limited?: boolean;
  readonly extra?: UnknownFields;
}

/** `type: "event"`: an error/default/security event, a transaction or a feedback event. */
export interface RelayEventMessage {
  readonly type: "event";
  /** UTF-8 JSON of the Relay-normalized event. */
  readonly payload: Buffer;
  /** Unix seconds when Relay received the request. */
  readonly start_time: number;
  /** 32 lowercase hex characters. */
  readonly event_id: string;
  readonly project_id: number;
  /** Relay always writes it (nil when unknown); absent only in messages from other producers. */
  readonly remote_addr?: string | null;
  /** Relay always writes it; `[]` on every topic but `ingest-attachments`. */
  readonly attachments?: ReadonlyArray<ChunkedAttachment>;
  readonly extra?: UnknownFields;
}

/** `type: "attachment_chunk"`: one slice of an attachment's bytes. */
export interface RelayAttachmentChunkMessage {
  readonly type: "attachment_chunk";
  readonly payload: Buffer;
  readonly event_id: string;
  readonly project_id: number;
  /** The attachment id (Relay's key `id`). */
  readonly id: string;
  /** 0-based. */
  readonly chunk_index: number;
  /**
   * Set when the message spelled the id `attachment_id` (the registry schema and its example
   * do; Relay and Sentry's consumer use `id`), so re-encoding keeps that spelling.
   */
  readonly id_key?: "attachment_id";
  readonly extra?: UnknownFields;
}

/** `type: "attachment"`: metadata of a standalone attachment (no error event in the envelope). */
export interface RelayAttachmentMessage {
  readonly type: "attachment";
  readonly event_id: string;
  readonly project_id: number;
  readonly attachment: ChunkedAttachment;
  readonly extra?: UnknownFields;
}

/**
 * `type: "user_report"`: legacy user feedback. Relay does not write the event id into the
 * map (serde `skip`); it is only in the Kafka key (`eventIdFromKey`).
 */
export interface RelayUserReportMessage {
  readonly type: "user_report";
  readonly project_id: number;
  readonly start_time: number;
  /** JSON `{event_id, name, email, comments}`. */
  readonly payload: Buffer;
  readonly extra?: UnknownFields;
}

export type RelayMessage =
  | RelayEventMessage
  | RelayAttachmentChunkMessage
  | RelayAttachmentMessage
  | RelayUserReportMessage;
