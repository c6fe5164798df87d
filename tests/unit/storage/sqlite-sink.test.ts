import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ErrorRow, mapInsertToRow } from "../../../consumers/storage/error-row.ts";
import { mapGroupRow } from "../../../consumers/storage/group-row.ts";
import { migrateSqlite } from "../../../consumers/storage/migrations/sqlite.ts";
import { InvalidQueryError, listEvents, listIssues } from "../../../consumers/storage/queries.ts";
import { SqliteSink } from "../../../consumers/storage/sqlite-sink.ts";
import { defaultConfig, insertBody, KAFKA } from "./helpers.ts";

function eventId(n: number): string {
  return n.toString(16).padStart(32, "0");
}

function body(n: number, projectId: number, groupId: number, second: number, user = "") {
  const datetime = new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString().replace("Z", "000Z");
  return insertBody(
    { event_id: eventId(n), project_id: projectId, group_id: groupId, datetime, message: `m${n}` },
    {
      title: `title ${groupId} @${second}`,
      culprit: `culprit ${groupId}`,
      tags: user ? [["sentry:user", user]] : [],
    },
  );
}

function row(n: number, projectId: number, groupId: number, second: number, user = ""): ErrorRow {
  return mapInsertToRow(body(n, projectId, groupId, second, user), { config: defaultConfig, kafka: KAFKA });
}

let dir: string;
let sink: SqliteSink;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "storage-sqlite-"));
  sink = SqliteSink.open(join(dir, "nested", "ingest.sqlite"));
});

afterEach(async () => {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("SqliteSink writes", () => {
  it("stores a batch and keeps one row per event when the batch is inserted again", async () => {
    const rows = [row(1, 1, 10, 1), row(2, 1, 10, 2), row(3, 1, 11, 3)];
    expect(await sink.insertErrors(rows)).toEqual({ stored: 3, failures: [] });
    expect(await sink.insertErrors(rows)).toEqual({ stored: 3, failures: [] });
    const page = await listIssues(sink, { projectId: 1 });
    expect(page.items.map((issue) => [issue.id, issue.count])).toEqual([
      ["11", "1"],
      ["10", "2"],
    ]);
  });

  it("reports a row the database rejects and stores the rest", async () => {
    const broken = { ...row(2, 1, 10, 2), title: null as unknown as string };
    const result = await sink.insertErrors([row(1, 1, 10, 1), broken, row(3, 1, 10, 3)]);
    expect(result.stored).toBe(2);
    expect(result.failures).toEqual([
      { index: 1, code: "SQLITE_CONSTRAINT_NOTNULL", message: expect.stringContaining("title") },
    ]);
    expect((await listIssues(sink, { projectId: 1 })).items[0]?.count).toBe("2");
  });

  it("keeps a deleted event deleted when an older copy arrives again, like ReplacingMergeTree(deleted)", async () => {
    const live = row(1, 1, 10, 1);
    await sink.insertErrors([live, row(2, 1, 10, 2)]);
    await sink.insertErrors([{ ...live, deleted: 1 }]);
    await sink.insertErrors([live]);
    expect((await listIssues(sink, { projectId: 1 })).items[0]?.count).toBe("1");
    expect((await listEvents(sink, { projectId: 1, groupId: 10 })).items.map((e) => e.id)).toEqual([
      eventId(2),
    ]);
  });

  it("folds group rows into one per group, across batches", async () => {
    await sink.upsertGroups([mapGroupRow(body(1, 1, 10, 5)), mapGroupRow(body(2, 1, 10, 1))]);
    await sink.upsertGroups([mapGroupRow(body(3, 1, 10, 9))]);
    await sink.insertErrors([row(1, 1, 10, 5)]);
    const [issue] = (await listIssues(sink, { projectId: 1 })).items;
    expect(issue?.title).toBe("title 10 @9");
  });

  it("applies its migrations once", () => {
    const db = new Database(join(dir, "nested", "ingest.sqlite"));
    expect(migrateSqlite(db)).toEqual([]);
    db.close();
  });
});

describe("listIssues and listEvents over SQLite", () => {
  beforeEach(async () => {
    await sink.insertErrors([
      row(1, 1, 10, 1, "id:a"),
      row(2, 1, 10, 50, "id:b"),
      row(3, 1, 10, 40, "id:a"),
      row(4, 1, 11, 30),
      row(5, 1, 12, 20),
      row(6, 2, 10, 100, "id:z"),
    ]);
  });

  it("answers Sentry-shaped issues with string ids, newest activity first, scoped to the project", async () => {
    const page = await listIssues(sink, { projectId: 1 });
    expect(page.items.map((issue) => issue.id)).toEqual(["10", "11", "12"]);
    expect(page.items[0]).toEqual({
      id: "10",
      projectId: "1",
      title: "title 10 @50",
      culprit: "culprit 10",
      level: "error",
      count: "3",
      userCount: 2,
      firstSeen: "2024-01-01T00:00:01Z",
      lastSeen: "2024-01-01T00:00:50Z",
    });
    expect(page.nextCursor).toBeNull();
  });

  it("pages with an opaque cursor and counts only events since the given time", async () => {
    const first = await listIssues(sink, { projectId: 1, limit: 2 });
    expect(first.items.map((issue) => issue.id)).toEqual(["10", "11"]);
    const second = await listIssues(sink, { projectId: 1, limit: 2, cursor: first.nextCursor ?? "" });
    expect([second.items.map((issue) => issue.id), second.nextCursor]).toEqual([["12"], null]);
    const recent = await listIssues(sink, { projectId: 1, since: new Date(Date.UTC(2024, 0, 1, 0, 0, 25)) });
    expect(recent.items.map((issue) => [issue.id, issue.count])).toEqual([
      ["10", "2"],
      ["11", "1"],
    ]);
  });

  it("lists one group's events newest first, paged", async () => {
    const first = await listEvents(sink, { projectId: 1, groupId: 10, limit: 2 });
    expect(first.items.map((event) => [event.id, event.dateCreated])).toEqual([
      [eventId(2), "2024-01-01T00:00:50Z"],
      [eventId(3), "2024-01-01T00:00:40Z"],
    ]);
    expect(first.items[0]).toMatchObject({
      groupId: "10",
      projectId: "1",
      message: "m2",
      tags: [{ key: "sentry:user", value: "id:b" }],
    });
    const rest = await listEvents(sink, {
      projectId: 1,
      groupId: 10,
      limit: 2,
      cursor: first.nextCursor ?? "",
    });
    expect([rest.items.map((event) => event.id), rest.nextCursor]).toEqual([[eventId(1)], null]);
  });

  it("never returns another project's events for the same group id", async () => {
    expect((await listEvents(sink, { projectId: 2, groupId: 10 })).items.map((e) => e.id)).toEqual([
      eventId(6),
    ]);
    expect((await listIssues(sink, { projectId: 3 })).items).toEqual([]);
  });

  it("rejects a forged cursor, a bad limit and a negative project", async () => {
    await expect(listIssues(sink, { projectId: 1, cursor: "not-a-cursor" })).rejects.toBeInstanceOf(
      InvalidQueryError,
    );
    await expect(listIssues(sink, { projectId: 1, limit: 0 })).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(listEvents(sink, { projectId: -1, groupId: 1 })).rejects.toBeInstanceOf(InvalidQueryError);
  });
});
