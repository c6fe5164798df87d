import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import type { ClickHouseClient } from "@clickhouse/client";

// A current ClickHouse (26.9, in-process through chDB) behind the few @clickhouse/client
// methods the storage code calls, so migrate(), ClickHouseSink and the CLI's group record
// source run unchanged against it. The engine lives in one scripts/chdb-run.py process
// (one stateful session); requests go one JSON line at a time, answered in order.

const RUNNER = join(import.meta.dirname, "../../../scripts/chdb-run.py");
const START_TIMEOUT_MS = 60_000;

/** The venv python scripts/chdb.sh installs, under the same cache folder as the services. */
export function chdbPython(): string {
  const cacheDir = process.env.INGEST_CACHE_DIR ?? join(homedir(), ".cache", "ingest-pipeline");
  const python = join(cacheDir, "chdb-venv", "bin", "python");
  if (!existsSync(python)) {
    throw new Error(
      `chDB (ClickHouse 26.9 in-process) is not installed: ${python} is missing. ` +
        "Install it with `bash scripts/chdb.sh` (npm test runs it).",
    );
  }
  return python;
}

type StatementResult =
  | { readonly ok: true; readonly rows: Record<string, unknown>[] }
  | { readonly ok: false; readonly code: number | null; readonly error: string };

/** A statement chDB rejected; the message keeps ClickHouse's "Code: N." for clickHouseErrorCode. */
export class ChdbStatementError extends Error {
  constructor(
    readonly code: number | null,
    message: string,
    readonly statement: string,
  ) {
    super(message);
    this.name = "ChdbStatementError";
  }
}

export class ChdbSession {
  readonly version: string;
  private readonly pending: Array<(line: string) => void> = [];
  private stderr = "";

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    private readonly dataDir: string,
    version: string,
  ) {
    this.version = version;
  }

  static async start(): Promise<ChdbSession> {
    const python = chdbPython();
    const dataDir = mkdtempSync(join(tmpdir(), "chdb-session-"));
    const child = spawn(python, [RUNNER, dataDir], { stdio: ["pipe", "pipe", "pipe"] });
    const lines = createInterface({ input: child.stdout });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`chdb-run.py did not start: ${stderr}`)),
        START_TIMEOUT_MS,
      );
      lines.once("line", (line) => {
        clearTimeout(timer);
        resolve(line);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`chdb-run.py exited with ${code}: ${stderr}`));
      });
    });
    const ready = JSON.parse(first) as { ready: boolean; version: string };
    const session = new ChdbSession(child, lines, dataDir, ready.version);
    child.stderr.on("data", (chunk: Buffer) => {
      session.stderr += chunk.toString("utf8");
    });
    lines.on("line", (line) => session.pending.shift()?.(line));
    return session;
  }

  /** Runs the statements in order; every one gets an outcome, an error stops none. */
  async run(statements: ReadonlyArray<string>): Promise<StatementResult[]> {
    if (this.child.exitCode !== null) throw new Error(`chdb-run.py has exited: ${this.stderr}`);
    const answer = new Promise<string>((resolve) => this.pending.push(resolve));
    this.child.stdin.write(`${JSON.stringify({ statements })}\n`);
    return (JSON.parse(await answer) as { results: StatementResult[] }).results;
  }

  /** One statement; its rows, or a ChdbStatementError. */
  async one(statement: string): Promise<Record<string, unknown>[]> {
    const [result] = await this.run([statement]);
    if (result === undefined) throw new Error("chdb-run.py answered no result");
    if (!result.ok) throw new ChdbStatementError(result.code, result.error, statement);
    return result.rows;
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    if (this.child.exitCode === null) await exited;
    this.lines.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * The subset of ClickHouseClient that consumers/storage and cli/commands/groups.ts use
 * (command, query → json, insert as JSONEachRow, close), over a chDB session.
 */
export function chdbClickHouseClient(session: ChdbSession): ClickHouseClient {
  const client = {
    command: async ({ query }: { query: string }) => {
      await session.one(query);
      return { query_id: "", summary: undefined, response_headers: {} };
    },
    query: async ({ query, format }: { query: string; format?: string }) => {
      if (format !== undefined && format !== "JSONEachRow") {
        throw new Error(`the chDB client answers JSONEachRow only, asked for ${format}`);
      }
      const rows = await session.one(query);
      return { json: async () => rows };
    },
    insert: async ({ table, values, format }: { table: string; values: unknown[]; format?: string }) => {
      if (format !== "JSONEachRow")
        throw new Error(`the chDB client inserts JSONEachRow only, got ${format}`);
      if (values.length === 0) return { executed: false, query_id: "", response_headers: {} };
      const body = values.map((row) => JSON.stringify(row)).join("\n");
      await session.one(`INSERT INTO ${table} FORMAT JSONEachRow\n${body}`);
      return { executed: true, query_id: "", response_headers: {} };
    },
    close: async () => {},
  };
  // The storage code only ever calls the four methods above; a missing one would throw.
  return client as unknown as ClickHouseClient;
}
