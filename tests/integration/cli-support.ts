import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";

// Shared by the CLI end-to-end suites: run the real `ingest` binary as a child process,
// against a temporary topology whose topics and groups carry a run-unique prefix, so
// parallel helpers' runs never share a topic or a group.

export const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/ingest.mjs");
const exec = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ingest ARGS` to completion. */
export async function ingest(
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string; killed?: boolean };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** A long-running `ingest` process (a consumer), with its output collected as it comes. */
export class IngestProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.on("data", (chunk: Buffer) => {
      this.stdout += chunk.toString("utf8");
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString("utf8");
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve({ code, signal }));
    });
  }

  /** The JSON log lines written so far (pino writes one object per line on stdout). */
  logs(): Array<Record<string, unknown>> {
    return this.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Waits for a log line with this event name; fails early if the process exits first. */
  async waitForLog(event: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => {
      exited = true;
    });
    for (;;) {
      const line = this.logs().find((entry) => entry.msg === event);
      if (line) return line;
      if (exited) throw new Error(`ingest exited before logging ${event}:\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) {
        throw new Error(`no ${event} log within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`);
      }
      await sleep(100);
    }
  }

  /** Sends `signal` and waits for the exit code (a kill after `timeoutMs` fails the wait). */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 60_000): Promise<number | null> {
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    try {
      const { code, signal: killed } = await this.exited;
      if (killed === "SIGKILL") throw new Error(`ingest did not exit within ${timeoutMs} ms of ${signal}`);
      return code;
    } finally {
      clearTimeout(timer);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitUntil(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface UniqueTopology {
  readonly file: string;
  /** Declared name → name of this run's copy. */
  topic(name: string): string;
  group(consumer: string): string;
  readonly topics: ReadonlyArray<string>;
}

/**
 * The project's topology.yaml with every topic and group renamed `${prefix}-NAME`, written
 * to `file`; `edit` may change the parsed document first (partitions, configs, ...).
 */
export function writeUniqueTopology(
  file: string,
  prefix: string,
  edit: (doc: TopologyDocument) => void = () => {},
): UniqueTopology {
  const doc = readTopologyDocument();
  const rename = (name: string) => `${prefix}-${name}`;
  doc.topics = Object.fromEntries(Object.entries(doc.topics).map(([name, spec]) => [rename(name), spec]));
  for (const consumer of Object.values(doc.consumers)) {
    consumer.groupId = rename(consumer.groupId);
    consumer.inputs = consumer.inputs.map(rename);
    consumer.outputs = consumer.outputs.map(rename);
    consumer.dlq = Object.fromEntries(
      Object.entries(consumer.dlq).map(([input, dlq]) => [rename(input), rename(dlq)]),
    );
  }
  edit(doc);
  writeFileSync(file, stringify(doc));
  return {
    file,
    topic: rename,
    group: (consumer) => {
      const entry = doc.consumers[consumer];
      if (!entry) throw new Error(`no consumer ${consumer}`);
      return entry.groupId;
    },
    topics: Object.keys(doc.topics),
  };
}

export interface TopologyDocument {
  version: number;
  topics: Record<
    string,
    { partitions: number; retentionMs: number; config?: Record<string, string> } & Record<string, unknown>
  >;
  consumers: Record<
    string,
    { groupId: string; inputs: string[]; outputs: string[]; dlq: Record<string, string> } & Record<
      string,
      unknown
    >
  >;
}

function readTopologyDocument(): TopologyDocument {
  return parse(readFileSync(join(ROOT, "topology.yaml"), "utf8")) as TopologyDocument;
}
