import { Command, Option } from "commander";
import { loadOptions, type Options } from "../../config/options.ts";
import { migrateSqlite } from "../../consumers/storage/migrations/sqlite.ts";
import {
  expireClickHouse,
  migrateClickHouse,
  openStorageSink,
  SINK_KINDS,
  type SinkKind,
} from "../../consumers/storage/open-sink.ts";
import {
  type EventSummary,
  InvalidQueryError,
  type IssueSummary,
  listEvents,
  listIssues,
  type Page,
} from "../../consumers/storage/queries.ts";
import { openSqliteDatabase } from "../../consumers/storage/sqlite-sink.ts";
import { createLogger, type Logger } from "../../observability/logger.ts";
import { nonNegativeInt, positiveInt, UsageError } from "../usage.ts";

// `ingest storage migrate`, `ingest issues` and `ingest events`: apply the storage schema,
// and look at what is stored the way the dev server's issues API will show it. Tables
// for people by default, `--json` for scripts.

export interface StorageCommandIo {
  readonly out: (line: string) => void;
  readonly options: () => Options;
  readonly logger: () => Logger;
}

const processIo: StorageCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  options: () => loadOptions(),
  logger: () =>
    createLogger({ level: loadOptions().logLevel, name: "ingest-storage", destination: "stderr" }),
};

function sinkOption(): Option {
  return new Option("--sink <kind>", "where the events are stored").choices(SINK_KINDS).default("clickhouse");
}

const RELATIVE = /^(\d+)([smhd])$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`: an ISO date/time or a span back from now such as `24h`, `14d`, `30m`. */
export function parseSince(value: string, now: number = Date.now()): Date {
  const relative = RELATIVE.exec(value);
  if (relative) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--since: expected an ISO date or a span like 24h or 14d, got ${value}`);
  }
  return date;
}

function issueLine(issue: IssueSummary): string {
  return [
    issue.id.padEnd(12),
    issue.level.padEnd(8),
    issue.count.padStart(8),
    String(issue.userCount).padStart(6),
    issue.lastSeen.padEnd(21),
    issue.title,
  ].join(" ");
}

function eventLine(event: EventSummary): string {
  return [
    event.id,
    event.dateCreated.padEnd(21),
    (event.level ?? "").padEnd(8),
    event.title || event.message,
  ].join(" ");
}

function printPage<T>(
  io: StorageCommandIo,
  page: Page<T>,
  json: boolean,
  header: string,
  line: (item: T) => string,
) {
  if (json) {
    io.out(JSON.stringify(page, null, 2));
    return;
  }
  io.out(header);
  for (const item of page.items) io.out(line(item));
  if (page.nextCursor) io.out(`(more: --cursor ${page.nextCursor})`);
}

async function withQueryErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidQueryError) throw new UsageError(error.message);
    throw error;
  }
}

/** `ingest storage migrate [--sink clickhouse|sqlite]` and `ingest storage expire`. */
export function createStorageCommand(io: StorageCommandIo = processIo): Command {
  const storage = new Command("storage").description("Storage schema of the errors and groups tables.");
  storage
    .command("migrate")
    .description("Apply pending migrations (ClickHouse database or SQLite file); safe to run repeatedly.")
    .addOption(sinkOption())
    .action(async (flags: { sink: SinkKind }) => {
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
        `storage migrate: clickhouse ${report.server.text} database ${options.clickhouseDatabase}: ` +
          `${report.applied.length} applied, ${report.alreadyApplied} already applied`,
      );
    });
  storage
    .command("expire")
    .description("Drop errors partitions past their retention (servers without TTL, e.g. 18.16).")
    .action(async () => {
      const options = io.options();
      const dropped = await expireClickHouse(options);
      for (const partition of dropped) io.out(`dropped (${partition.retentionDays}, '${partition.monday}')`);
      io.out(
        `storage expire: ${dropped.length} partition(s) dropped from ${options.clickhouseDatabase}.errors`,
      );
    });
  return storage;
}

/** `ingest issues --project N [--since 24h] [--limit N] [--cursor C] [--sink ...] [--json]`. */
export function createIssuesCommand(io: StorageCommandIo = processIo): Command {
  return new Command("issues")
    .description("List a project's issues, most recently seen first.")
    .requiredOption("--project <id>", "project id", nonNegativeInt("--project"))
    .option("--since <when>", "only count events since an ISO time or a span such as 24h", (v) =>
      parseSince(v),
    )
    .option("--limit <n>", "issues per page (1-100)", positiveInt("--limit"))
    .option("--cursor <cursor>", "continue after a previous page")
    .addOption(sinkOption())
    .option("--json", "print the page as JSON")
    .action(
      async (flags: {
        project: number;
        since?: Date;
        limit?: number;
        cursor?: string;
        sink: SinkKind;
        json?: boolean;
      }) => {
        const sink = openStorageSink(flags.sink, { options: io.options(), logger: io.logger() });
        try {
          const page = await withQueryErrors(() =>
            listIssues(sink, {
              projectId: flags.project,
              since: flags.since,
              limit: flags.limit,
              cursor: flags.cursor,
            }),
          );
          printPage(
            io,
            page,
            flags.json === true,
            "ID           LEVEL       COUNT  USERS LAST SEEN             TITLE",
            issueLine,
          );
        } finally {
          await sink.close();
        }
      },
    );
}

/** `ingest events --project N --group G [--limit N] [--cursor C] [--sink ...] [--json]`. */
export function createEventsCommand(io: StorageCommandIo = processIo): Command {
  return new Command("events")
    .description("List the events of one issue, newest first.")
    .requiredOption("--project <id>", "project id", nonNegativeInt("--project"))
    .requiredOption("--group <id>", "issue (group) id", nonNegativeInt("--group"))
    .option("--limit <n>", "events per page (1-100)", positiveInt("--limit"))
    .option("--cursor <cursor>", "continue after a previous page")
    .addOption(sinkOption())
    .option("--json", "print the page as JSON")
    .action(
      async (flags: {
        project: number;
        group: number;
        limit?: number;
        cursor?: string;
        sink: SinkKind;
        json?: boolean;
      }) => {
        const sink = openStorageSink(flags.sink, { options: io.options(), logger: io.logger() });
        try {
          const page = await withQueryErrors(() =>
            listEvents(sink, {
              projectId: flags.project,
              groupId: flags.group,
              limit: flags.limit,
              cursor: flags.cursor,
            }),
          );
          printPage(
            io,
            page,
            flags.json === true,
            "EVENT ID                         DATE                  LEVEL    TITLE",
            eventLine,
          );
        } finally {
          await sink.close();
        }
      },
    );
}
