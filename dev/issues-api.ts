import type { ProjectSettings } from "../config/projects.ts";
import { HttpProblem } from "./problems.ts";

// The two read endpoints of Sentry's web API that `ingest dev` answers, shaped like Sentry's
// (camelCase, ids as strings, `count` a string, cursor pagination in a `Link` header):
//   GET /api/0/projects/{project_id}/issues/
//   GET /api/0/projects/{project_id}/issues/{group_id}/events/
// Sentry addresses projects by organization and slug; the dev server uses the numeric id
// of the DSN. Every lookup is scoped by that project id: a group of another project is a
// 404, exactly like a group that does not exist.
//
// Storage is injected (`IssuesQuery`) so this module does not depend on a consumer folder;
// `ingest dev` wires the storage consumer's queries in.

export const DEFAULT_API_LIMIT = 25;
export const MAX_API_LIMIT = 100;
const MAX_CURSOR_LENGTH = 512;
const NOT_FOUND = "The requested resource does not exist";

/** One issue (group) as the storage answers it; the API adds Sentry's fixed fields. */
export interface IssueRecord {
  readonly id: string;
  readonly projectId: string;
  readonly title: string;
  readonly culprit: string;
  readonly level: string;
  /** A string, as in Sentry's API (counts can exceed 2^53 there). */
  readonly count: string;
  readonly userCount?: number;
  /** ISO 8601. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly shortId?: string;
  readonly type?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface EventRecord {
  /** 32 lowercase hex. */
  readonly id: string;
  readonly projectId: string;
  readonly groupId: string;
  readonly title: string;
  readonly message: string;
  readonly culprit: string;
  readonly location: string | null;
  readonly platform: string | null;
  readonly dateCreated: string;
  readonly dateReceived?: string;
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
}

export interface RecordPage<T> {
  readonly items: ReadonlyArray<T>;
  /** Opaque; null on the last page. */
  readonly nextCursor: string | null;
}

/** Raised by an `IssuesQuery` for a cursor it did not issue (answered as 400). */
export class IssuesQueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IssuesQueryError";
  }
}

/** What the API needs from storage. Every call is scoped by project id. */
export interface IssuesQuery {
  listIssues(params: {
    readonly projectId: number;
    readonly cursor?: string;
    readonly limit: number;
  }): Promise<RecordPage<IssueRecord>>;
  /** The group, or undefined when it does not exist in this project. */
  getIssue(params: {
    readonly projectId: number;
    readonly groupId: number;
  }): Promise<IssueRecord | undefined>;
  listEvents(params: {
    readonly projectId: number;
    readonly groupId: number;
    readonly cursor?: string;
    readonly limit: number;
  }): Promise<RecordPage<EventRecord>>;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ApiRequest {
  readonly project: ProjectSettings | undefined;
  readonly projectId: number;
  /** The request URL as the client addressed it (for `Link`). */
  readonly url: URL;
}

function pageParams(url: URL): { limit: number; cursor?: string } {
  const rawLimit = url.searchParams.get("limit") ?? url.searchParams.get("per_page");
  let limit = DEFAULT_API_LIMIT;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > MAX_API_LIMIT) {
      throw new HttpProblem("bad_query", `limit must be an integer between 1 and ${MAX_API_LIMIT}`);
    }
  }
  const cursor = url.searchParams.get("cursor");
  if (cursor === null || cursor === "") return { limit };
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[\x21-\x7e]+$/.test(cursor)) {
    throw new HttpProblem("bad_query", "invalid cursor");
  }
  return { limit, cursor };
}

function cursorUrl(url: URL, cursor: string): string {
  const target = new URL(url);
  target.searchParams.set("cursor", cursor);
  return target.toString();
}

/**
 * Sentry's pagination header: a `previous` and a `next` link, each saying whether it has
 * results. Paging is forward only (keyset cursors), so `previous` never has results.
 */
export function linkHeader(url: URL, next: string | null): string {
  const current = url.searchParams.get("cursor") ?? "";
  return [
    `<${cursorUrl(url, current)}>; rel="previous"; results="false"; cursor="${current}"`,
    `<${cursorUrl(url, next ?? "")}>; rel="next"; results="${next === null ? "false" : "true"}"; cursor="${next ?? ""}"`,
  ].join(", ");
}

async function query<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof IssuesQueryError)
      throw new HttpProblem("bad_query", error.message, { cause: error });
    throw error;
  }
}

/** An issue in the shape of Sentry's `GroupSerializer` (the fields this pipeline has). */
export function serializeIssue(issue: IssueRecord, project: ProjectSettings): Record<string, unknown> {
  return {
    id: issue.id,
    ...(issue.shortId !== undefined ? { shortId: issue.shortId } : {}),
    title: issue.title,
    culprit: issue.culprit,
    level: issue.level,
    status: "unresolved",
    type: issue.type ?? "error",
    metadata: issue.metadata ?? { title: issue.title },
    count: issue.count,
    ...(issue.userCount !== undefined ? { userCount: issue.userCount } : {}),
    firstSeen: issue.firstSeen,
    lastSeen: issue.lastSeen,
    project: { id: String(project.id), slug: project.slug, name: project.slug },
  };
}

/** An event in the shape of Sentry's `SimpleEventSerializer` (group events list). */
export function serializeEvent(event: EventRecord): Record<string, unknown> {
  return {
    id: event.id,
    eventID: event.id,
    groupID: event.groupId,
    projectID: event.projectId,
    title: event.title,
    message: event.message,
    culprit: event.culprit,
    location: event.location,
    platform: event.platform,
    dateCreated: event.dateCreated,
    ...(event.dateReceived !== undefined ? { dateReceived: event.dateReceived } : {}),
    tags: event.tags.map((tag) => ({ key: tag.key, value: tag.value })),
  };
}

function requireProject(request: ApiRequest): ProjectSettings {
  if (!request.project || request.project.id !== request.projectId)
    throw new HttpProblem("not_found", NOT_FOUND);
  return request.project;
}

export async function listIssuesResponse(issues: IssuesQuery, request: ApiRequest): Promise<ApiResponse> {
  const project = requireProject(request);
  const { limit, cursor } = pageParams(request.url);
  const page = await query(() =>
    issues.listIssues({ projectId: project.id, limit, ...(cursor !== undefined ? { cursor } : {}) }),
  );
  return {
    status: 200,
    body: page.items.map((issue) => serializeIssue(issue, project)),
    headers: { link: linkHeader(request.url, page.nextCursor) },
  };
}

export async function listIssueEventsResponse(
  issues: IssuesQuery,
  request: ApiRequest,
  groupId: number,
): Promise<ApiResponse> {
  const project = requireProject(request);
  const { limit, cursor } = pageParams(request.url);
  if (!Number.isSafeInteger(groupId) || groupId < 1) throw new HttpProblem("not_found", NOT_FOUND);
  const issue = await query(() => issues.getIssue({ projectId: project.id, groupId }));
  // The storage is asked by project too; the id check guards against an adapter that is not.
  if (!issue || issue.projectId !== String(project.id)) throw new HttpProblem("not_found", NOT_FOUND);
  const page = await query(() =>
    issues.listEvents({ projectId: project.id, groupId, limit, ...(cursor !== undefined ? { cursor } : {}) }),
  );
  return {
    status: 200,
    body: page.items.filter((event) => event.projectId === String(project.id)).map(serializeEvent),
    headers: { link: linkHeader(request.url, page.nextCursor) },
  };
}
