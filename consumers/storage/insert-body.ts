// The parts of an `events` insert message (`[2, "insert", body, state]`, formats.md §2.7)
// that storage reads. Values come from Kafka, so every field is still checked at run time;
// these types document the shape and keep callers honest. Numbers may be `JsonFloat`s
// when the message was parsed with `parseEventstreamJson`.

/** `body.data`: the processed event. Only the keys storage reads are named. */
export interface EventData {
  readonly type?: unknown;
  readonly title?: unknown;
  readonly culprit?: unknown;
  readonly location?: unknown;
  readonly version?: unknown;
  readonly level?: unknown;
  readonly received?: unknown;
  readonly tags?: unknown;
  readonly contexts?: unknown;
  readonly user?: unknown;
  readonly request?: unknown;
  readonly sdk?: unknown;
  readonly modules?: unknown;
  readonly exception?: unknown;
  readonly threads?: unknown;
  readonly errors?: unknown;
  readonly symbolicated_in_app?: unknown;
  readonly sample_rate?: unknown;
  /** Grouping output written by Sentry's save_event (and by our grouping consumer). */
  readonly hashes?: unknown;
  readonly metadata?: unknown;
  readonly [key: string]: unknown;
}

/** `body` of an insert (Sentry's eventstream `ErrorMessage`). */
export interface InsertBody {
  readonly event_id?: unknown;
  readonly project_id?: unknown;
  readonly group_id?: unknown;
  readonly primary_hash?: unknown;
  readonly message?: unknown;
  readonly platform?: unknown;
  readonly datetime?: unknown;
  readonly retention_days?: unknown;
  readonly group_first_seen?: unknown;
  readonly data?: EventData | null;
  readonly [key: string]: unknown;
}

/** Where the `events` message was read from; Snuba stores it in the row. */
export interface KafkaPosition {
  readonly partition: number;
  readonly offset: number;
  /** Broker timestamp of the message (LogAppendTime on `events`), epoch milliseconds. */
  readonly timestampMs: number;
}
