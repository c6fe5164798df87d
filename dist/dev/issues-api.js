// dev/issues-api.ts
import { HttpProblem } from "./problems.js";
var DEFAULT_API_LIMIT = 25;
var MAX_API_LIMIT = 100;
var MAX_CURSOR_LENGTH = 512;
var NOT_FOUND = "The requested resource does not exist";
var IssuesQueryError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "IssuesQueryError";
  }
};
function pageParams(url) {
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
function cursorUrl(url, cursor) {
  const target = new URL(url);
  target.searchParams.set("cursor", cursor);
  return target.toString();
}
function linkHeader(url, next) {
  const current = url.searchParams.get("cursor") ?? "";
  return [
    `<${cursorUrl(url, current)}>; rel="previous"; results="false"; cursor="${current}"`,
    `<${cursorUrl(url, next ?? "")}>; rel="next"; results="${next === null ? "false" : "true"}"; cursor="${next ?? ""}"`
  ].join(", ");
}
async function query(run) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof IssuesQueryError)
      throw new HttpProblem("bad_query", error.message, { cause: error });
    throw error;
  }
}
function serializeIssue(issue, project) {
  return {
    id: issue.id,
    ...issue.shortId !== void 0 ? { shortId: issue.shortId } : {},
    title: issue.title,
    culprit: issue.culprit,
    level: issue.level,
    status: "unresolved",
    type: issue.type ?? "error",
    metadata: issue.metadata ?? { title: issue.title },
    count: issue.count,
    ...issue.userCount !== void 0 ? { userCount: issue.userCount } : {},
    firstSeen: issue.firstSeen,
    lastSeen: issue.lastSeen,
    project: { id: String(project.id), slug: project.slug, name: project.slug }
  };
}
function serializeEvent(event) {
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
    ...event.dateReceived !== void 0 ? { dateReceived: event.dateReceived } : {},
    tags: event.tags.map((tag) => ({ key: tag.key, value: tag.value }))
  };
}
function requireProject(request) {
  if (!request.project || request.project.id !== request.projectId)
    throw new HttpProblem("not_found", NOT_FOUND);
  return request.project;
}
async function listIssuesResponse(issues, request) {
  const project = requireProject(request);
  const { limit, cursor } = pageParams(request.url);
  const page = await query(
    () => issues.listIssues({ projectId: project.id, limit, ...cursor !== void 0 ? { cursor } : {} })
  );
  return {
    status: 200,
    body: page.items.map((issue) => serializeIssue(issue, project)),
    headers: { link: linkHeader(request.url, page.nextCursor) }
  };
}
async function listIssueEventsResponse(issues, request, groupId) {
  const project = requireProject(request);
  const { limit, cursor } = pageParams(request.url);
  if (!Number.isSafeInteger(groupId) || groupId < 1) throw new HttpProblem("not_found", NOT_FOUND);
  const issue = await query(() => issues.getIssue({ projectId: project.id, groupId }));
  if (!issue || issue.projectId !== String(project.id)) throw new HttpProblem("not_found", NOT_FOUND);
  const page = await query(
    () => issues.listEvents({ projectId: project.id, groupId, limit, ...cursor !== void 0 ? { cursor } : {} })
  );
  return {
    status: 200,
    body: page.items.filter((event) => event.projectId === String(project.id)).map(serializeEvent),
    headers: { link: linkHeader(request.url, page.nextCursor) }
  };
}
export {
  DEFAULT_API_LIMIT,
  IssuesQueryError,
  MAX_API_LIMIT,
  linkHeader,
  listIssueEventsResponse,
  listIssuesResponse,
  serializeEvent,
  serializeIssue
};
//# sourceMappingURL=issues-api.js.map
