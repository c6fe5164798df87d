import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createEventsCommand,
  createIssuesCommand,
  createStorageCommand,
  parseSince,
  type StorageCommandIo,
} from "../../../cli/commands/storage.ts";
import { UsageError } from "../../../cli/usage.ts";
import { loadOptions } from "../../../config/options.ts";
import { mapInsertToRow } from "../../../consumers/storage/error-row.ts";
import { SqliteSink } from "../../../consumers/storage/sqlite-sink.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { defaultConfig, insertBody, KAFKA } from "./helpers.ts";

let dir: string;
let lines: string[];
let io: StorageCommandIo;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "storage-cli-"));
  const options = loadOptions({}, { sqlitePath: join(dir, "dev", "ingest.sqlite") });
  lines = [];
  io = { out: (line) => lines.push(line), options: () => options, logger: silentLogger };
  const sink = SqliteSink.open(options.sqlitePath);
  await sink.insertErrors([
    mapInsertToRow(insertBody({ project_id: 5, group_id: 77 }, { title: "TypeError: x is undefined" }), {
      config: defaultConfig,
      kafka: KAFKA,
    }),
  ]);
  await sink.close();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("ingest issues / events / storage migrate", () => {
  it("prints a project's issues as a table and as JSON", async () => {
    await createIssuesCommand(io).parseAsync(["--project", "5", "--sink", "sqlite"], { from: "user" });
    expect(lines[0]).toMatch(/^ID\s+LEVEL\s+COUNT\s+USERS\s+LAST SEEN\s+TITLE$/);
    expect(lines[1]).toMatch(/^77\s+error\s+1\s+0 2023-02-27T15:40:12Z\s+TypeError: x is undefined$/);
    lines.length = 0;
    await createIssuesCommand(io).parseAsync(["--project", "5", "--sink", "sqlite", "--json"], {
      from: "user",
    });
    expect(JSON.parse(lines.join("\n"))).toMatchObject({
      items: [{ id: "77", count: "1" }],
      nextCursor: null,
    });
  });

  it("prints one issue's events", async () => {
    await createEventsCommand(io).parseAsync(
      ["--project", "5", "--group", "77", "--sink", "sqlite", "--json"],
      {
        from: "user",
      },
    );
    expect(JSON.parse(lines.join("\n")).items[0]).toMatchObject({
      id: "9cdc4c32dff14fbbb012b0aa9e908126",
      groupId: "77",
    });
  });

  it("reports a bad cursor as a usage error", async () => {
    await expect(
      createIssuesCommand(io).parseAsync(["--project", "5", "--sink", "sqlite", "--cursor", "xx"], {
        from: "user",
      }),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it("migrates an already migrated SQLite file without applying anything", async () => {
    await createStorageCommand(io).parseAsync(["migrate", "--sink", "sqlite"], { from: "user" });
    expect(lines.at(-1)).toMatch(/storage migrate: sqlite .*ingest\.sqlite: 0 applied$/);
  });

  it("reads --since as an ISO time or a span back from now", () => {
    expect(parseSince("24h", Date.UTC(2024, 0, 2)).toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(parseSince("2024-01-01T12:00:00Z").toISOString()).toBe("2024-01-01T12:00:00.000Z");
    expect(() => parseSince("last week")).toThrow(UsageError);
  });
});
