// consumers/storage/queries.ts
import { parseUuid, uuidSimple } from "./coerce.js";
var DEFAULT_PAGE_LIMIT = 25;
var MAX_PAGE_LIMIT = 100;
var InvalidQueryError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "InvalidQueryError";
  }
};
function isoSeconds(seconds) {
  return new Date(seconds * 1e3).toISOString().replace(/\.\d{3}Z$/, "Z");
}
function encodeCursor(parts) {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}
function decodeCursor(cursor) {
  try {
    const parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parts)) return parts;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  throw new InvalidQueryError("cursor is not one this server issued");
}
function checkId(name, value) {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new InvalidQueryError(`${name} must be a non-negative integer`);
  return value;
}
function pageLimit(limit) {
  const value = limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw new InvalidQueryError(`limit must be between 1 and ${MAX_PAGE_LIMIT}`);
  }
  return value;
}
async function getIssue(sink, params) {
  const projectId = checkId("projectId", params.projectId);
  const groupId = checkId("groupId", params.groupId);
  const [issue] = await sink.readIssues({ projectId, groupId, limit: 1 });
  return issue === void 0 ? void 0 : issueSummary(projectId, issue);
}
function issueSummary(projectId, issue) {
  return {
    id: String(issue.groupId),
    projectId: String(projectId),
    title: issue.title,
    culprit: issue.culprit,
    level: issue.level ?? "error",
    count: String(issue.count),
    userCount: issue.userCount,
    firstSeen: isoSeconds(issue.firstSeen),
    lastSeen: isoSeconds(issue.lastSeen)
  };
}
async function listIssues(sink, params) {
  const projectId = checkId("projectId", params.projectId);
  const limit = pageLimit(params.limit);
  let after;
  if (params.cursor !== void 0) {
    const [lastSeen, groupId] = decodeCursor(params.cursor);
    if (typeof lastSeen !== "number" || typeof groupId !== "number")
      throw new InvalidQueryError("bad cursor");
    after = { lastSeen: checkId("cursor", lastSeen), groupId: checkId("cursor", groupId) };
  }
  const since = params.since === void 0 ? void 0 : Math.max(0, Math.floor(params.since.getTime() / 1e3));
  const rows = await sink.readIssues({ projectId, since, limit: limit + 1, after });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((issue) => issueSummary(projectId, issue)),
    nextCursor: rows.length > limit && last ? encodeCursor([last.lastSeen, last.groupId]) : null
  };
}
function toEventSummary(event) {
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
    tags: event.tags.map(([key, value]) => ({ key, value }))
  };
}
async function listEvents(sink, params) {
  const projectId = checkId("projectId", params.projectId);
  const groupId = checkId("groupId", params.groupId);
  const limit = pageLimit(params.limit);
  let after;
  if (params.cursor !== void 0) {
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
    nextCursor: rows.length > limit && last ? encodeCursor([last.timestamp, last.eventId]) : null
  };
}
export {
  DEFAULT_PAGE_LIMIT,
  InvalidQueryError,
  MAX_PAGE_LIMIT,
  getIssue,
  listEvents,
  listIssues
};
//# sourceMappingURL=queries.js.map
