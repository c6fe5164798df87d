import { parseUuid, uuidSimple } from "./coerce.ts";
import type { IssueAggregate, StorageSink, StoredEvent } from "./sink.ts";

// The two read paths people use (`ingest issues`, `ingest events`, the dev server's
// `GET /api/0/projects/{id}/issues/`): always scoped by project, paginated by an opaque
// keyset cursor, answered as plain camelCase objects whose ids are strings, the way
// Sentry's API shapes issues (`count` is a string there too).

export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 100;

export interface IssueSummary {
  readonly id: string;
  readonly projectId: string;
  readonly title: string;
  readonly culprit: string;
  readonly level: string;
  readonly count: string;
  readonly userCount: number;
  /** ISO 8601, seconds precision. */
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface EventSummary {
  /** 32 hex digits, as Sentry's API writes event ids. */
  readonly id: string;
  readonly projectId: string;
  readonly groupId: string;
  readonly title: string;
  readonly message: string;
  readonly culprit: string;
  readonly location: string | null;
  readonly level: string | null;
  readonly platform: string | null;
  readonly environment: string | null;
  readonly release: string | null;
  readonly dateCreated: string;
  readonly dateReceived: string;
  readonly tags: Array<{ key: string; value: string }>;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidQueryError";
  }
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function encodeCursor(parts: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

function decodeCursor(cursor: string): unknown[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parts)) return parts;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  throw new InvalidQueryError("cursor is not one this server issued");
}

function checkId(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new InvalidQueryError(`${name} must be a non-negative integer`);
  return value;
}

function pageLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw new InvalidQueryError(`limit must be between 1 and ${MAX_PAGE_LIMIT}`);
  }
  return value;
}

export interface ListIssuesParams {
  readonly projectId: number;
  /** Only events at or after this time count. */
  readonly since?: Date;
  readonly limit?: number;
  readonly cursor?: string;
}

/** One issue of one project, or undefined when the group has no stored events in that project. */
export async function getIssue(
  sink: StorageSink,
  params: { readonly projectId: number; readonly groupId: number },
): Promise<IssueSummary | undefined> {
  const projectId = checkId("projectId", params.projectId);
  const groupId = checkId("groupId", params.groupId);
  const [issue] = await sink.readIssues({ projectId, groupId, limit: 1 });
  return issue === undefined ? undefined : issueSummary(projectId, issue);
}

function issueSummary(projectId: number, issue: IssueAggregate): IssueSummary {
  return {
    id: String(issue.groupId),
    projectId: String(projectId),
    title: issue.title,
    culprit: issue.culprit,
    level: issue.level ?? "error",
    count: String(issue.count),
    userCount: issue.userCount,
    firstSeen: isoSeconds(issue.firstSeen),
    lastSeen: isoSeconds(issue.lastSeen),
  };
}

export async function listIssues(sink: StorageSink, params: ListIssuesParams): Promise<Page<IssueSummary>> {
  const projectId = checkId("projectId", params.projectId);
  const limit = pageLimit(params.limit);
  let after: { lastSeen: number; groupId: number } | undefined;
  if (params.cursor !== undefined) {
    const [lastSeen, groupId] = decodeCursor(params.cursor);
    if (typeof lastSeen !== "number" || typeof groupId !== "number")
      throw new InvalidQueryError("bad cursor");
    after = { lastSeen: checkId("cursor", lastSeen), groupId: checkId("cursor", groupId) };
  }
  const since =
    params.since === undefined ? undefined : Math.max(0, Math.floor(params.since.getTime() / 1000));
  // One extra row tells whether another page exists.
  const rows = await sink.readIssues({ projectId, since, limit: limit + 1, after });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((issue) => issueSummary(projectId, issue)),
    nextCursor: rows.length > limit && last ? encodeCursor([last.lastSeen, last.groupId]) : null,
  };
}

export interface ListEventsParams {
  readonly projectId: number;
  readonly groupId: number;
  readonly limit?: number;
  readonly cursor?: string;
}

function toEventSummary(event: StoredEvent): EventSummary {
  return {
    id: uuidSimple(event.eventId),
    projectId: String(event.projectId),
    groupId: String(event.groupId),
    title: event.title,
    message: event.message,
    culprit: event.culprit,
    location: event.location,
    level: event.level,
    platform: event.platform,
    environment: event.environment,
    release: event.release,
    dateCreated: isoSeconds(event.timestamp),
    dateReceived: isoSeconds(event.received),
    tags: event.tags.map(([key, value]) => ({ key, value })),
  };
}

export async function listEvents(sink: StorageSink, params: ListEventsParams): Promise<Page<EventSummary>> {
  const projectId = checkId("projectId", params.projectId);
  const groupId = checkId("groupId", params.groupId);
  const limit = pageLimit(params.limit);
  let after: { timestamp: number; eventId: string } | undefined;
  if (params.cursor !== undefined) {
    const [timestamp, eventId] = decodeCursor(params.cursor);
    const uuid = typeof eventId === "string" ? parseUuid(eventId) : null;
    if (typeof timestamp !== "number" || uuid === null) throw new InvalidQueryError("bad cursor");
    after = { timestamp: checkId("cursor", timestamp), eventId: uuid };
  }
  const rows = await sink.readEvents({ projectId, groupId, limit: limit + 1, after });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toEventSummary),
    nextCursor: rows.length > limit && last ? encodeCursor([last.timestamp, last.eventId]) : null,
  };
}
