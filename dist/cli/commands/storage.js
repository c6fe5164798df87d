// cli/commands/storage.ts
import { Command, Option } from "commander";
import { loadOptions } from "../../config/options.js";
import { migrateSqlite } from "../../consumers/storage/migrations/sqlite.js";
import {
  expireClickHouse,
  migrateClickHouse,
  openStorageSink,
  SINK_KINDS
} from "../../consumers/storage/open-sink.js";
import {
  InvalidQueryError,
  listEvents,
  listIssues
} from "../../consumers/storage/queries.js";
import { openSqliteDatabase } from "../../consumers/storage/sqlite-sink.js";
import { createLogger } from "../../observability/logger.js";
import { nonNegativeInt, positiveInt, UsageError } from "../usage.js";
var processIo = {
  out: (line) => process.stdout.write(`${line}
`),
  options: () => loadOptions(),
  logger: () => createLogger({ level: loadOptions().logLevel, name: "ingest-storage", destination: "stderr" })
};
function sinkOption() {
  return new Option("--sink <kind>", "where the events are stored").choices(SINK_KINDS).default("clickhouse");
}
var RELATIVE = /^(\d+)([smhd])$/;
var UNIT_MS = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
function parseSince(value, now = Date.now()) {
  const relative = RELATIVE.exec(value);
  if (relative) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2]]);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--since: expected an ISO date or a span like 24h or 14d, got ${value}`);
  }
  return date;
}
function issueLine(issue) {
  return [
    issue.id.padEnd(12),
    issue.level.padEnd(8),
    issue.count.padStart(8),
    String(issue.userCount).padStart(6),
    issue.lastSeen.padEnd(21),
    issue.title
  ].join(" ");
}
function eventLine(event) {
  return [
    event.id,
    event.dateCreated.padEnd(21),
    (event.level ?? "").padEnd(8),
    event.title || event.message
  ].join(" ");
}
function printPage(io, page, json, header, line) {
  if (json) {
    io.out(JSON.stringify(page, null, 2));
    return;
  }
  io.out(header);
  for (const item of page.items) io.out(line(item));
  if (page.nextCursor) io.out(`(more: --cursor ${page.nextCursor})`);
}
async function withQueryErrors(run) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidQueryError) throw new UsageError(error.message);
    throw error;
  }
}
function createStorageCommand(io = processIo) {
  const storage = new Command("storage").description("Storage schema of the errors and groups tables.");
  storage.command("migrate").description("Apply pending migrations (ClickHouse database or SQLite file); safe to run repeatedly.").addOption(sinkOption()).action(async (flags) => {
    const options = io.options();
    if (flags.sink === "sqlite") {
      const db = openSqliteDatabase(options.sqlitePath);
      try {
        const applied = migrateSqlite(db);
        io.out(`storage migrate: sqlite ${options.sqlitePath}: ${applied.length} applied`);
      } finally {
        db.close();
      }
      return;
    }
    const report = await migrateClickHouse(options, io.logger());
    for (const step of report.applied)
      io.out(`applied ${String(step.version).padStart(4, "0")}_${step.name}`);
    io.out(
      `storage migrate: clickhouse ${report.server.text} database ${options.clickhouseDatabase}: ${report.applied.length} applied, ${report.alreadyApplied} already applied`
    );
  });
  storage.command("expire").description("Drop errors partitions past their retention (servers without TTL, e.g. 18.16).").action(async () => {
    const options = io.options();
    const dropped = await expireClickHouse(options);
    for (const partition of dropped) io.out(`dropped (${partition.retentionDays}, '${partition.monday}')`);
    io.out(
      `storage expire: ${dropped.length} partition(s) dropped from ${options.clickhouseDatabase}.errors`
    );
  });
  return storage;
}
function createIssuesCommand(io = processIo) {
  return new Command("issues").description("List a project's issues, most recently seen first.").requiredOption("--project <id>", "project id", nonNegativeInt("--project")).option(
    "--since <when>",
    "only count events since an ISO time or a span such as 24h",
    (v) => parseSince(v)
  ).option("--limit <n>", "issues per page (1-100)", positiveInt("--limit")).option("--cursor <cursor>", "continue after a previous page").addOption(sinkOption()).option("--json", "print the page as JSON").action(
    async (flags) => {
      const sink = openStorageSink(flags.sink, { options: io.options(), logger: io.logger() });
      try {
        const page = await withQueryErrors(
          () => listIssues(sink, {
            projectId: flags.project,
            since: flags.since,
            limit: flags.limit,
            cursor: flags.cursor
          })
        );
        printPage(
          io,
          page,
          flags.json === true,
          "ID           LEVEL       COUNT  USERS LAST SEEN             TITLE",
          issueLine
        );
      } finally {
        await sink.close();
      }
    }
  );
}
function createEventsCommand(io = processIo) {
  return new Command("events").description("List the events of one issue, newest first.").requiredOption("--project <id>", "project id", nonNegativeInt("--project")).requiredOption("--group <id>", "issue (group) id", nonNegativeInt("--group")).option("--limit <n>", "events per page (1-100)", positiveInt("--limit")).option("--cursor <cursor>", "continue after a previous page").addOption(sinkOption()).option("--json", "print the page as JSON").action(
    async (flags) => {
      const sink = openStorageSink(flags.sink, { options: io.options(), logger: io.logger() });
      try {
        const page = await withQueryErrors(
          () => listEvents(sink, {
            projectId: flags.project,
            groupId: flags.group,
            limit: flags.limit,
            cursor: flags.cursor
          })
        );
        printPage(
          io,
          page,
          flags.json === true,
          "EVENT ID                         DATE                  LEVEL    TITLE",
          eventLine
        );
      } finally {
        await sink.close();
      }
    }
  );
}
export {
  createEventsCommand,
  createIssuesCommand,
  createStorageCommand,
  parseSince
};
//# sourceMappingURL=storage.js.map
