import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { EventSummary, IssueSummary } from "../../../consumers/storage/queries.ts";
import { clientAddress, isLoopback } from "../../../dev/http.ts";
import type { EventRecord, IssueRecord } from "../../../dev/issues-api.ts";
import { startTestServer, type TestServer } from "./helpers.ts";

let t: TestServer;

function issue(projectId: number, id: number): IssueRecord {
  const seen = new Date(Date.UTC(2024, 4, 31, 12, 0, 0) - id * 60_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
  return {
    id: String(id),
    projectId: String(projectId),
    title: `TypeError: failure ${id}`,
    culprit: `app/module${id}.js in handler`,
    level: "error",
    count: String(id * 3),
    userCount: id,
    firstSeen: seen,
    lastSeen: seen,
  };
}

function event(projectId: number, groupId: number, n: number): EventRecord {
  return {
    id: n.toString(16).padStart(32, "0"),
    projectId: String(projectId),
    groupId: String(groupId),
    title: "TypeError: failure",
    message: "failure",
    culprit: "app/module.js in handler",
    location: "app/module.js",
    platform: "node",
    dateCreated: "2024-05-31T12:00:00Z",
    dateReceived: "2024-05-31T12:00:01Z",
    tags: [
      { key: "level", value: "error" },
      { key: "environment", value: "production" },
    ],
  };
}

beforeAll(async () => {
  t = await startTestServer();
  for (let id = 1; id <= 23; id += 1) {
    t.issues.add(
      issue(1, id),
      Array.from({ length: id === 1 ? 7 : 1 }, (_, n) => event(1, id, n + 1)),
    );
  }
  t.issues.add(issue(2, 100), [event(2, 100, 1)]);
});
afterAll(async () => {
  await t.close();
});

function get(path: string) {
  return t.send({ method: "GET", path });
}

/** The `rel="next"` part of a Sentry Link header. */
function nextLink(link: string | undefined): { url: string; results: string; cursor: string } {
  const match = /<([^>]*)>; rel="next"; results="(true|false)"; cursor="([^"]*)"/.exec(link ?? "");
  if (!match) throw new Error(`no next link in ${link}`);
  return { url: match[1]!, results: match[2]!, cursor: match[3]! };
}

describe("GET /api/0/projects/{id}/issues/", () => {
  it("answers issues in Sentry's shape: camelCase, string ids and count", async () => {
    const reply = await get("/api/0/projects/1/issues/?limit=2");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual([
      {
        id: "1",
        title: "TypeError: failure 1",
        culprit: "app/module1.js in handler",
        level: "error",
        status: "unresolved",
        type: "error",
        metadata: { title: "TypeError: failure 1" },
        count: "3",
        userCount: 1,
        firstSeen: "2024-05-31T11:59:00Z",
        lastSeen: "2024-05-31T11:59:00Z",
        project: { id: "1", slug: "default", name: "default" },
      },
      expect.objectContaining({ id: "2", count: "6" }),
    ]);
  });

  it("pages with cursors through a Sentry Link header until results=false", async () => {
    const ids: string[] = [];
    let path = "/api/0/projects/1/issues/?limit=10";
    const seenLinks: string[] = [];
    for (let page = 0; page < 5; page += 1) {
      const reply = await get(path);
      expect(reply.status).toBe(200);
      ids.push(...(reply.json as Array<{ id: string }>).map((i) => i.id));
      const link = reply.headers.link as string;
      seenLinks.push(link);
      expect(link).toContain('rel="previous"; results="false"');
      const next = nextLink(link);
      if (next.results === "false") break;
      expect(next.url).toContain("limit=10");
      expect(next.url).toContain(`cursor=${next.cursor}`);
      const url = new URL(next.url);
      path = `${url.pathname}${url.search}`;
    }
    expect(ids).toEqual(Array.from({ length: 23 }, (_, i) => String(i + 1)));
    expect(seenLinks).toHaveLength(3);
  });

  it("builds Link URLs from the Host header, or from its own address when the header is not a host", async () => {
    const viaHost = await t.send({
      method: "GET",
      path: "/api/0/projects/1/issues/?limit=5",
      headers: { host: "localhost:8000" },
    });
    expect(nextLink(viaHost.headers.link as string).url).toMatch(
      /^http:\/\/localhost:8000\/api\/0\/projects\/1\/issues\/\?limit=5&cursor=/,
    );
    const forged = await t.send({
      method: "GET",
      path: "/api/0/projects/1/issues/?limit=5",
      headers: { host: "evil.example/<script>" },
    });
    expect(
      nextLink(forged.headers.link as string).url.startsWith(`${t.server.url}/api/0/projects/1/issues/`),
    ).toBe(true);
  });

  it("only lists the project's own issues", async () => {
    const reply = await get("/api/0/projects/2/issues/");
    expect((reply.json as Array<{ id: string }>).map((i) => i.id)).toEqual(["100"]);
  });

  it("answers 400 for a bad limit or a cursor the storage did not issue", async () => {
    for (const query of ["limit=0", "limit=101", "limit=abc", "limit=1.5"]) {
      expect((await get(`/api/0/projects/1/issues/?${query}`)).status).toBe(400);
    }
    const badCursor = await get("/api/0/projects/1/issues/?cursor=forged");
    expect(badCursor.status).toBe(400);
    expect(badCursor.json).toEqual({ detail: "cursor is not one this server issued" });
  });

  it("answers 404 for an unknown project", async () => {
    const reply = await get("/api/0/projects/99/issues/");
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ detail: "The requested resource does not exist" });
  });
});

describe("GET /api/0/projects/{id}/issues/{group_id}/events/", () => {
  it("answers events in Sentry's shape with string ids", async () => {
    const reply = await get("/api/0/projects/1/issues/2/events/");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual([
      {
        id: "00000000000000000000000000000001",
        eventID: "00000000000000000000000000000001",
        groupID: "2",
        projectID: "1",
        title: "TypeError: failure",
        message: "failure",
        culprit: "app/module.js in handler",
        location: "app/module.js",
        platform: "node",
        dateCreated: "2024-05-31T12:00:00Z",
        dateReceived: "2024-05-31T12:00:01Z",
        tags: [
          { key: "level", value: "error" },
          { key: "environment", value: "production" },
        ],
      },
    ]);
  });

  it("pages an issue's events with cursors", async () => {
    const first = await get("/api/0/projects/1/issues/1/events/?limit=5");
    expect((first.json as unknown[]).length).toBe(5);
    const next = nextLink(first.headers.link as string);
    expect(next.results).toBe("true");
    const second = await get(`/api/0/projects/1/issues/1/events/?limit=5&cursor=${next.cursor}`);
    expect((second.json as unknown[]).length).toBe(2);
    expect(nextLink(second.headers.link as string).results).toBe("false");
  });

  it("answers 404 for a group id of another project, without listing its events", async () => {
    t.issues.calls.length = 0;
    const reply = await get("/api/0/projects/1/issues/100/events/");
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ detail: "The requested resource does not exist" });
    expect(t.issues.calls).toEqual(["getIssue:1:100"]);
    expect((await get("/api/0/projects/2/issues/100/events/")).status).toBe(200);
  });

  it("answers 404 for a group that does not exist or is not a number", async () => {
    expect((await get("/api/0/projects/1/issues/999/events/")).status).toBe(404);
    expect((await get("/api/0/projects/1/issues/abc/events/")).status).toBe(404);
  });
});

describe("issues API access", () => {
  it("treats loopback clients as trusted and nobody else", () => {
    for (const address of ["127.0.0.1", "127.3.4.5", "::1"]) expect(isLoopback(address)).toBe(true);
    for (const address of ["10.0.0.1", "192.168.1.20", "::ffff:10.0.0.1", "fe80::1", null]) {
      expect(isLoopback(address)).toBe(false);
    }
  });

  it("reads IPv4-mapped client addresses in their IPv4 form", () => {
    const socket = { remoteAddress: "::ffff:127.0.0.1" } as Parameters<typeof clientAddress>[0];
    expect(clientAddress(socket)).toBe("127.0.0.1");
  });

  it("matches the storage consumer's query results, so ingest dev can pass them through", () => {
    expectTypeOf<IssueSummary>().toExtend<IssueRecord>();
    expectTypeOf<EventSummary>().toExtend<EventRecord>();
  });
});
