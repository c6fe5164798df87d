import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// Runs the consumers the way production does: one `ingest consumer run NAME` process each,
// restarted by us after a kill. An exit we did not ask for is a crash and is remembered
// with the process's last output, so the suite can show what happened.

const ROOT = join(import.meta.dirname, "../../..");
const BIN = join(ROOT, "bin/ingest.mjs");
const CLOCK_TICKS = 100;

export interface Crash {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly tail: string;
}

export interface Usage {
  readonly rssBytes: number;
  /** user + system CPU seconds since the process started. */
  readonly cpuSeconds: number;
}

/** One consumer process and its restarts. */
export class ConsumerProcess {
  private child: ChildProcess | undefined;
  private expectingExit = false;
  private output: string[] = [];
  private startedAtLine = 0;
  starts = 0;

  constructor(
    readonly name: string,
    readonly consumer: string,
    private readonly args: ReadonlyArray<string>,
    private readonly env: Readonly<Record<string, string>>,
    private readonly onCrash: (crash: Crash) => void,
    /** Flags for node itself (--cpu-prof cannot go through NODE_OPTIONS). */
    private readonly nodeArgs: ReadonlyArray<string> = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the process wrote (stdout and stderr interleaved). */
  tail(lines = 40): string {
    return this.output.slice(-lines).join("\n");
  }

  /** Lines matching `pattern` from everything the process wrote so far (kept bounded). */
  grep(pattern: RegExp): string[] {
    return this.output.filter((line) => pattern.test(line));
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.expectingExit = false;
    this.starts += 1;
    this.startedAtLine = this.output.length;
    const child = spawn(
      process.execPath,
      [...this.nodeArgs, BIN, "consumer", "run", this.consumer, ...this.args],
      {
        cwd: ROOT,
        env: { ...process.env, ...this.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line === "") continue;
        this.output.push(line);
      }
      if (this.output.length > 4000) {
        this.output.splice(0, 2000);
        this.startedAtLine = Math.max(0, this.startedAtLine - 2000);
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", (code, signal) => {
      if (!this.expectingExit) this.onCrash({ name: this.name, code, signal, tail: this.tail() });
    });
    this.child = child;
  }

  /**
   * Waits for a line matching `pattern` written since the last start() (fails on exit or
   * timeout), e.g. the processor's partitions.assigned.
   */
  async waitForLine(pattern: RegExp, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.output.slice(this.startedAtLine).some((line) => pattern.test(line))) return;
      if (!this.running) throw new Error(`${this.name} exited before logging ${pattern}:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  /** SIGKILL: no drain, no commit, no leaving the group. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL", 30_000);
  }

  /** SIGTERM and wait for the drain; SIGKILL after `timeoutMs`. Returns the exit code. */
  async stop(timeoutMs = 90_000): Promise<number | null> {
    return this.signal("SIGTERM", timeoutMs);
  }

  private async signal(signal: NodeJS.Signals, timeoutMs: number): Promise<number | null> {
    const child = this.child;
    if (child === undefined || !this.running) return child?.exitCode ?? null;
    this.expectingExit = true;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** RSS and CPU seconds from /proc (Linux); undefined when not running. */
  usage(): Usage | undefined {
    const pid = this.pid;
    if (pid === undefined || !this.running) return undefined;
    return processUsage(pid);
  }
}

export function processUsage(pid: number): Usage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { rssBytes: rssPages * 4096, cpuSeconds: (utime + stime) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

/** All consumer processes of one run; crashes are collected, not thrown. */
export class Supervisor {
  readonly processes = new Map<string, ConsumerProcess>();
  readonly crashes: Crash[] = [];

  constructor(
    private readonly commonArgs: ReadonlyArray<string>,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  add(
    name: string,
    consumer: string,
    extraArgs: ReadonlyArray<string> = [],
    extraEnv: Readonly<Record<string, string>> = {},
    nodeArgs: ReadonlyArray<string> = [],
  ): ConsumerProcess {
    const process = new ConsumerProcess(
      name,
      consumer,
      [...this.commonArgs, ...extraArgs],
      { ...this.env, ...extraEnv },
      (crash) => this.crashes.push(crash),
      nodeArgs,
    );
    this.processes.set(name, process);
    return process;
  }

  get(name: string): ConsumerProcess {
    const process = this.processes.get(name);
    if (process === undefined) throw new Error(`no process ${name}`);
    return process;
  }

  /** SIGTERM to every running process at once; exit code and drain time of each. */
  async stopAll(timeoutMs = 90_000): Promise<Map<string, { code: number | null; ms: number }>> {
    const out = new Map<string, { code: number | null; ms: number }>();
    await Promise.all(
      [...this.processes.values()]
        .filter((process) => process.running)
        .map(async (process) => {
          const started = Date.now();
          const code = await process.stop(timeoutMs);
          out.set(process.name, { code, ms: Date.now() - started });
        }),
    );
    return out;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
