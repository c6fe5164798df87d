import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevPipeline, startDevPipeline } from "../../cli/dev-pipeline.ts";
import { loadOptions } from "../../config/options.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";

// The engineers' loop end to end with a real SDK: `ingest dev` (the four chains on the
// in-memory broker, SQLite storage) runs in this process on a free port; an application
// using @sentry/node, in a child process, reports three exceptions (one twice) and a
// message through the SDK's own transport; within seconds the issues API lists four issues
// with the right counts, titles and culprits.

const exec = promisify(execFile);
const APP = join(import.meta.dirname, "sentry-sdk-app.mjs");
const dir = mkdtempSync(join(tmpdir(), "ingest-sdk-e2e-"));

interface ApiIssue {
  readonly id: string;
  readonly title: string;
  readonly culprit: string;
  readonly level: string;
  readonly count: string;
}

let pipeline: DevPipeline;

beforeAll(async () => {
  const options = loadOptions({}, { devPort: 0, sqlitePath: join(dir, "ingest.sqlite"), logLevel: "silent" });
  pipeline = await startDevPipeline(options, { logger: silentLogger(), metrics: createMetrics() });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function listIssues(): Promise<ApiIssue[]> {
  const response = await fetch(`${pipeline.server.url}/api/0/projects/1/issues/`);
  expect(response.status).toBe(200);
  return (await response.json()) as ApiIssue[];
}

async function issuesOnceSettled(expected: number, timeoutMs: number): Promise<ApiIssue[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const issues = await listIssues();
    const events = issues.reduce((sum, issue) => sum + Number(issue.count), 0);
    if (events >= expected || Date.now() > deadline) return issues;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("@sentry/node against ingest dev", () => {
  it("turns what the SDK sends into four issues with the right counts, titles and culprits", async () => {
    const { stdout } = await exec(process.execPath, [APP], {
      env: { ...process.env, SENTRY_DSN: pipeline.server.dsn(1) },
      timeout: 60_000,
    });
    const reported = JSON.parse(stdout.trim().split("\n").at(-1) as string) as {
      flushed: boolean;
      ids: { typeError: string[]; rangeError: string; database: string; message: string };
    };
    expect(reported.flushed).toBe(true);
    const sentAt = Date.now();

    const issues = await issuesOnceSettled(5, 15_000);
    const settledMs = Date.now() - sentAt;
    expect(settledMs).toBeLessThan(15_000);
    expect(issues).toHaveLength(4);

    const byTitle = new Map(issues.map((issue) => [issue.title, issue]));
    const typeError = byTitle.get("TypeError: Cannot read properties of undefined (reading 'name')");
    expect(typeError).toMatchObject({ count: "2", level: "error" });
    expect(typeError?.culprit).toBe("loadUser(sentry-sdk-app)");
    expect(byTitle.get("RangeError: Invalid array length")).toMatchObject({ count: "1", level: "error" });
    expect(byTitle.get("RangeError: Invalid array length")?.culprit).toBe("computeTotal(sentry-sdk-app)");
    expect(byTitle.get("DatabaseUnavailable: cannot reach db.internal:5432")).toMatchObject({
      count: "1",
      level: "error",
    });
    expect(byTitle.get("DatabaseUnavailable: cannot reach db.internal:5432")?.culprit).toBe(
      "connectDatabase(sentry-sdk-app)",
    );
    // @sentry/node sends a message with a synthetic exception (attachStacktrace defaults to
    // true), and Sentry titles an exception without a type by its crash frame's function,
    // with no culprit (eventtypes/error.py, culprit.py): the message stays the event's message.
    expect(byTitle.get("warmCache")).toMatchObject({ count: "1", level: "warning", culprit: "" });

    // The events of each issue are the ones the SDK reported, under the ids it returned.
    const eventsOf = async (issue: ApiIssue | undefined) => {
      const response = await fetch(`${pipeline.server.url}/api/0/projects/1/issues/${issue?.id}/events/`);
      expect(response.status).toBe(200);
      return (await response.json()) as Array<{ id: string; message: string }>;
    };
    const hex = (id: string) => id.replaceAll("-", "");
    const typeErrorEvents = await eventsOf(typeError);
    expect(typeErrorEvents.map((event) => event.id).sort()).toEqual(reported.ids.typeError.map(hex).sort());
    const messageEvents = await eventsOf(byTitle.get("warmCache"));
    expect(messageEvents.map((event) => event.id)).toEqual([hex(reported.ids.message)]);
    expect(messageEvents[0]?.message).toContain("Cache warmed up with 0 entries");
  });
});
