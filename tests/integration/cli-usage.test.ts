import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ingest } from "./cli-support.ts";

// How the real `ingest` binary answers a wrong call: exit code 2 and a one-line reason on
// stderr, nothing on stdout. None of these reach a server, so they also run without one.

const dir = mkdtempSync(join(tmpdir(), "ingest-cli-usage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectUsageError(
  args: string[],
  reason: RegExp,
  env: Record<string, string> = {},
): Promise<void> {
  const result = await ingest(args, env);
  expect(result.code, `${args.join(" ")}\n${result.stderr}`).toBe(2);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^ingest: /);
  expect(lines[0]).toMatch(reason);
}

describe("ingest usage errors exit 2 with a one-line reason", () => {
  it("an unknown command or option", async () => {
    await expectUsageError(["consumer", "frobnicate"], /unknown command 'frobnicate'/);
    await expectUsageError(["consumer", "run", "storage", "--max-batch"], /unknown option '--max-batch'/);
  });

  it("a missing argument", async () => {
    await expectUsageError(["consumer", "run"], /missing required argument 'name'/);
  });

  it("an option value outside its choices or not a positive integer", async () => {
    await expectUsageError(
      ["consumer", "run", "storage", "--auto-offset-reset", "smallest"],
      /'--auto-offset-reset <policy>' argument 'smallest' is invalid\. Allowed choices are earliest, latest, error/,
    );
    await expectUsageError(
      ["consumer", "run", "storage", "--concurrency", "two"],
      /--concurrency: expected a positive integer, got two/,
    );
  });

  it("contradicting flags", async () => {
    await expectUsageError(["consumer", "run", "storage", "--enable-dlq", "--disable-dlq"], /contradict/);
  });

  it("a consumer the topology does not define", async () => {
    await expectUsageError(
      ["consumer", "run", "ingest-everything"],
      /unknown consumer "ingest-everything"; the topology defines: relay-intake, normalize, grouping, storage/,
    );
  });

  it("a malformed INGEST_* variable, naming it", async () => {
    await expectUsageError(
      ["consumer", "run", "storage"],
      /INGEST_MAX_POLL_INTERVAL_MS: expected an integer, got "soon"/,
      {
        INGEST_MAX_POLL_INTERVAL_MS: "soon",
      },
    );
  });

  it("a missing topology file, from the flag or from INGEST_TOPOLOGY", async () => {
    const missing = join(dir, "missing.yaml");
    await expectUsageError(
      ["topology", "plan", "--topology", missing],
      /cannot read the topology file .*missing\.yaml \(ENOENT\)/,
    );
    await expectUsageError(["lag"], /cannot read the topology file .*missing\.yaml/, {
      INGEST_TOPOLOGY: missing,
    });
  });

  it("an invalid topology file, with every problem's line", async () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "version: 1\ntopics: {}\nconsumers:\n  storage:\n    description: x\n");
    const result = await ingest(["consumer", "list", "--topology", broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ingest: .*broken\.yaml: \d+ problems?/);
    expect(result.stderr).toMatch(/broken\.yaml:5:5: consumers\.storage\.groupId: required key is missing/);
  });
});

describe("ingest answers --help everywhere with exit 0", () => {
  it.each([[[]], [["topology", "apply"]], [["lag"]], [["debug", "group"]]])(
    "ingest %j --help",
    async (path) => {
      const result = await ingest([...path, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: ingest/);
    },
  );

  it("ingest consumer run --help lists every flag", async () => {
    const result = await ingest(["consumer", "run", "--help"]);
    expect(result.code).toBe(0);
    for (const flag of [
      "--consumer-group",
      "--max-batch-size",
      "--max-batch-time-ms",
      "--concurrency",
      "--auto-offset-reset",
      "--no-strict-offset-reset",
      "--healthcheck-file",
      "--enable-dlq",
      "--disable-dlq",
      "--max-poll-interval-ms",
      "--group-instance-id",
      "--metrics-port",
      "--log-level",
      "--topology",
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });
});

describe("ingest consumer list", () => {
  it("prints the topology's consumers with their groups and topics", async () => {
    const result = await ingest(["consumer", "list", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<{ name: string; groupId: string; inputs: string[] }>;
    expect(rows.map((r) => [r.name, r.groupId, r.inputs])).toEqual([
      ["relay-intake", "ingest-consumer", ["ingest-events", "ingest-attachments"]],
      ["normalize", "normalize-consumer", ["events-raw"]],
      ["grouping", "grouping-consumer", ["events-normalized"]],
      ["storage", "storage-consumer", ["events"]],
    ]);
  });
});
