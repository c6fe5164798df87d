import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventId, rawRecord, testCodecs } from "../unit/normalize-consumer/harness.ts";
import { ROOT } from "./cli-support.ts";

// bin/ingest.mjs runs dist/ only while it matches the sources, rebuilds it after an edit,
// and falls back to tsx when it cannot build. Every case runs on a private copy of the
// repository (node_modules linked), so no real source file's mtime is touched and a
// rebuild here never swaps the dist/ other runs are using.

const exec = promisify(execFile);
const COPIED = [
  "bin",
  "cli",
  "config",
  "consumers",
  "dev",
  "observability",
  "pipelines",
  "producers",
  "replay",
  "schemas",
  "scripts/build.mjs",
  "package.json",
  "tsconfig.json",
  "topology.yaml",
  "projects.yaml",
];
const EVENT = join(ROOT, "tests/fixtures/grouping/inputs/block_invoke.json");
const DESCRIPTION = "Relay's Kafka topics to grouped, queryable error events in ClickHouse.";

let copy: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(file: string, args: ReadonlyArray<string>, input?: string): Promise<Run> {
  const child = exec(process.execPath, [file, ...args], {
    cwd: copy,
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (input !== undefined) child.child.stdin?.end(input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

const ingest = (...args: string[]): Promise<Run> => run(join(copy, "bin/ingest.mjs"), args);
const fingerprint = (): string => readFileSync(join(copy, "dist/.fingerprint"), "utf8");
const distProgram = (): string => readFileSync(join(copy, "dist/cli/program.js"), "utf8");

/** The output without what normalization makes up per run (an event id, the time received). */
function stable(stdout: string): unknown {
  const event = JSON.parse(stdout) as Record<string, unknown>;
  const { event_id: _id, timestamp: _timestamp, received: _received, contexts: _contexts, ...rest } = event;
  return rest;
}

function editSource(path: string, from: string, to: string): void {
  const file = join(copy, path);
  const text = readFileSync(file, "utf8");
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), "ingest-launcher-"));
  for (const path of COPIED) cpSync(join(ROOT, path), join(copy, path), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe("bin/ingest.mjs", () => {
  it("builds dist/ on the first run and runs the compiled code from then on", async () => {
    expect(existsSync(join(copy, "dist"))).toBe(false);
    const first = await ingest("--help");
    expect(first.code, first.stderr).toBe(0);
    // Not a terminal: a successful rebuild says nothing (usage errors stay one line).
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain(DESCRIPTION);
    expect(existsSync(join(copy, "dist/cli/main.js"))).toBe(true);

    // Only dist/ says this: the launcher ran it, not the sources.
    writeFileSync(join(copy, "dist/cli/program.js"), distProgram().replace(DESCRIPTION, "compiled copy"));
    const built = fingerprint();
    const second = await ingest("--help");
    expect(second.stdout).toContain("compiled copy");
    expect(fingerprint()).toBe(built);
  });

  it("rebuilds dist/ when a source changed, so the edited code runs", async () => {
    const before = fingerprint();
    editSource("cli/program.ts", DESCRIPTION, "edited description");
    const result = await ingest("--help");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("edited description");
    expect(distProgram()).toContain("edited description");
    expect(fingerprint()).not.toBe(before);
  });

  it("launchers starting together after an edit all rebuild safely and run the edit", async () => {
    editSource("cli/program.ts", "edited description", "edited again");
    const results = await Promise.all([1, 2, 3, 4].map(() => ingest("--help")));
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout).toContain("edited again");
    }
    expect(distProgram()).toContain("edited again");
    expect(readdirSync(copy).filter((name) => name.startsWith("dist."))).toEqual([]);
    editSource("cli/program.ts", "edited again", "edited description");
  });

  it("treats a source restored with an older mtime as a change", async () => {
    writeFileSync(join(copy, "dist/cli/program.js"), distProgram().replace("edited description", "stale"));
    utimesSync(join(copy, "cli/usage.ts"), new Date(2001, 0, 1), new Date(2001, 0, 1));
    const result = await ingest("--help");
    expect(result.stdout).toContain("edited description");
    expect(result.stdout).not.toContain("stale");
  });

  it("runs the sources through tsx, with a notice, when dist/ cannot be built", async () => {
    const file = join(copy, "cli/usage.ts");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, `${original}\nexport const broken = ;\n`);
    try {
      const result = await ingest("--help");
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(
        /^ingest: cannot build dist\/ \(cli\/usage\.ts:\d+: Unexpected ";"\); running the TypeScript sources through tsx\n/,
      );
      // tsx met the same broken file: the sources ran, not the previous dist/.
      expect(result.stderr).toContain("usage.ts");
      expect(result.stdout).not.toContain("edited description");
    } finally {
      writeFileSync(file, original);
    }
    const fixed = await ingest("--help");
    expect(fixed.stderr).toBe("");
    expect(fixed.stdout).toContain("edited description");
  });

  it("debug group and debug normalize print from dist/ what the sources print", async () => {
    for (const command of ["group", "normalize"]) {
      const compiled = await ingest("debug", command, EVENT);
      expect(compiled.code, compiled.stderr).toBe(0);
      const throughTsx = await exec(
        process.execPath,
        ["--import", "tsx", "cli/main.ts", "debug", command, EVENT],
        {
          cwd: copy,
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      expect(compiled.stdout.length).toBeGreaterThan(100);
      expect(stable(compiled.stdout)).toEqual(stable(throughTsx.stdout));
    }
  });

  it("worker pools, worker task modules and schema files load from dist/ without a TypeScript loader", async () => {
    const codecs = await testCodecs();
    const id = eventId(7);
    const good = codecs.raw.encode(rawRecord('{"message":"from a dist worker"}', { event_id: id }));
    const items = [
      { value: Buffer.from(good).toString("base64"), offset: 10 },
      { value: Buffer.from("not avro at all").toString("base64"), offset: 11 },
    ];
    const child = await run(
      join(ROOT, "tests/integration/cli-launcher.child.mjs"),
      [join(copy, "dist")],
      JSON.stringify({ items }),
    );
    expect(child.code, child.stderr).toBe(0);
    const out = JSON.parse(child.stdout) as {
      results: (string | null)[];
      invalid: [number, string][];
      normalizeTask: string;
      prepareTask: string;
      prepareExported: string;
      prepareExists: boolean;
    };
    expect(out.normalizeTask).toBe(join(copy, "dist/consumers/normalize/worker-task.js"));
    expect(out.prepareTask).toBe(join(copy, "dist/consumers/grouping/prepare.js"));
    expect(out.prepareExists).toBe(true);
    expect(out.prepareExported).toBe("function");
    expect(out.invalid).toHaveLength(1);
    expect(out.invalid[0]?.[0]).toBe(1);
    const normalized = codecs.normalized.decode(Buffer.from(out.results[0] ?? "", "base64"));
    expect(normalized.event_id).toBe(id);
    expect(JSON.stringify(normalized)).toContain("from a dist worker");
  });
});
