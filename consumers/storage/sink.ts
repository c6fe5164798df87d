import type { ErrorRow } from "./error-row.ts";
import type { GroupRow } from "./group-row.ts";

// The storage sink: where mapped rows go. Batch-oriented: one call per batch, one result
// per call. A row the store rejects as malformed comes back as a `RowFailure` (the chain
// dead-letters its message with the store's error) while the rest of the batch is stored.
// Anything that is not about a row (store unreachable past the retry budget, wrong schema,
// bad credentials) is thrown as a `StorageError`: the consumer stops without committing.

export const STORAGE_ERROR_REASONS = [
  /** The store did not answer (or answered "overloaded") through every retry. */
  "storage_unavailable",
  /** The store refused the statement itself: missing table, wrong credentials, schema drift. */
  "storage_rejected",
] as const;

export type StorageErrorReason = (typeof STORAGE_ERROR_REASONS)[number];

export class StorageError extends Error {
  constructor(
    readonly reason: StorageErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StorageError";
  }
}

/** One row of a batch that the store rejected; `index` is its position in the batch. */
export interface RowFailure {
  readonly index: number;
  /** The store's error code (ClickHouse error code; SQLite's extended code as text). */
  readonly code: string;
  readonly message: string;
}

export interface WriteResult {
  readonly stored: number;
  readonly failures: RowFailure[];
}

export interface IssueAggregate {
  readonly groupId: number;
  readonly count: number;
  readonly userCount: number;
  /** Unix seconds. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly title: string;
  readonly culprit: string;
  readonly level: string | null;
}

export interface IssueQuery {
  readonly projectId: number;
  /** Only this group of the project (a lookup of one issue). */
  readonly groupId?: number;
  /** Only events at or after this time count (Unix seconds). */
  readonly since?: number;
  readonly limit: number;
  /** Keyset position: issues strictly after (lastSeen DESC, groupId DESC). */
  readonly after?: { readonly lastSeen: number; readonly groupId: number };
}

export interface EventQuery {
  readonly projectId: number;
  readonly groupId: number;
  readonly limit: number;
  /** Keyset position: events strictly after (timestamp DESC, eventId DESC). */
  readonly after?: { readonly timestamp: number; readonly eventId: string };
}

/** What listing an issue's events needs of a stored row. */
export interface StoredEvent {
  readonly eventId: string;
  readonly projectId: number;
  readonly groupId: number;
  /** Unix seconds. */
  readonly timestamp: number;
  readonly received: number;
  readonly primaryHash: string;
  readonly platform: string | null;
  readonly type: string;
  readonly title: string;
  readonly message: string;
  readonly culprit: string;
  readonly location: string | null;
  readonly level: string | null;
  readonly environment: string | null;
  readonly release: string | null;
  readonly user: string;
  readonly tags: ReadonlyArray<readonly [string, string]>;
}

export interface StorageSink {
  readonly kind: "clickhouse" | "sqlite";
  insertErrors(rows: ReadonlyArray<ErrorRow>): Promise<WriteResult>;
  upsertGroups(rows: ReadonlyArray<GroupRow>): Promise<WriteResult>;
  /** Issues of one project, newest activity first; counts from stored, undeleted events. */
  readIssues(query: IssueQuery): Promise<IssueAggregate[]>;
  /** Stored, undeleted events of one group of one project, newest first. */
  readEvents(query: EventQuery): Promise<StoredEvent[]>;
  close(): Promise<void>;
}
