import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runReplay } from "../../../cli/commands/replay.ts";
import { loadOptions } from "../../../config/options.ts";
import { silentLogger } from "../../../observability/logger.ts";
import { DevReplay } from "../../../replay/dev-replay.ts";
import { openDump } from "../../../replay/dump-format.ts";
import { ReplayFeeder } from "../../../replay/feeder.ts";
import { createProgress } from "../../../replay/progress.ts";
import { groupingEvents, writeRelayDump } from "./relay-dump.ts";

// `ingest replay --into dev`: a dump of Relay messages through the four chains of the dev
// pipeline into SQLite. Replaying it again must store nothing twice (relay-intake drops the
// duplicates; storage is idempotent by event id anyway), and --compare-grouping must
// report which events another grouping would move.

const dir = mkdtempSync(join(tmpdir(), "dev-replay-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quietStderr = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;

async function feedDump(dev: DevReplay, file: string): Promise<number> {
  const reader = await openDump(file);
  const feeder = new ReplayFeeder(dev.target(reader.header.topic), {
    maxInFlight: 1,
    progress: createProgress("test", 0, quietStderr),
    logger: silentLogger(),
  });
  for await (const message of reader.messages()) await feeder.offer(message);
  const counts = await feeder.finish();
  return counts.produced;
}

describe("replay into the dev pipeline", () => {
  it("stores each event once when the same dump is replayed twice into one pipeline", async () => {
    const file = join(dir, "twice.jsonl.gz");
    await writeRelayDump(file, groupingEvents());
    const options = loadOptions({}, { sqlitePath: join(dir, "twice.sqlite"), logLevel: "silent" });
    const dev = await DevReplay.start(options, silentLogger());
    try {
      expect(await feedDump(dev, file)).toBe(6);
      await dev.drain();
      const first = await dev.outcome();
      expect(first.projects).toHaveLength(1);
      expect(first.projects[0]).toMatchObject({ projectId: 1, events: 6, issues: 3 });
      expect(first.projects[0]?.top.map((issue) => Number(issue.count)).sort()).toEqual([1, 2, 3]);
      expect(first.deadLettered).toEqual({});

      expect(await feedDump(dev, file)).toBe(6);
      await dev.drain();
      const second = await dev.outcome();
      expect(second.projects).toEqual(first.projects);
      const duplicates = Object.entries(second.filtered)
        .filter(([what]) => what.startsWith("relay-intake/"))
        .reduce((sum, [, n]) => sum + n, 0);
      expect(duplicates).toBe(6);
    } finally {
      await dev.close();
    }
  });

  it("keeps group ids across pipelines on one SQLite file: replays store once, a new issue gets a new id", async () => {
    const events = groupingEvents();
    const file = join(dir, "restart.jsonl");
    await writeRelayDump(file, events);
    const other = join(dir, "restart-other.jsonl");
    const zero = groupingEvents()[3]!;
    await writeRelayDump(other, [
      {
        ...zero,
        body: {
          ...zero.body,
          exception: { values: [{ type: "ZeroDivisionError", value: "division by zero" }] },
        },
      },
    ]);
    const sqlite = join(dir, "restart.sqlite");
    const options = loadOptions({}, { logLevel: "silent" });
    const replay = async (from: string) =>
      (
        await runReplay({ fromFile: from, into: "dev", sqlite }, options, silentLogger(), undefined, {
          out: () => {},
        })
      ).dev?.projects[0];

    const first = await replay(file);
    expect(first).toMatchObject({ events: 6, issues: 3 });
    const ids = new Map(first?.top.map((issue) => [issue.title, issue.id]));

    // A fresh pipeline (fresh dedupe state) on the same file: storage is idempotent by event id.
    const again = await replay(file);
    expect(again).toMatchObject({ events: 6, issues: 3 });
    expect(new Map(again?.top.map((issue) => [issue.title, issue.id]))).toEqual(ids);

    // An unrelated event must not take the id (and the issue) of one stored before.
    const more = await replay(other);
    expect(more).toMatchObject({ events: 7, issues: 4 });
    const zeroIssue = more?.top.find((issue) => issue.title === "ZeroDivisionError: division by zero");
    expect(zeroIssue?.count).toBe("1");
    expect([...ids.values()]).not.toContain(zeroIssue?.id);
    for (const issue of more?.top ?? []) {
      if (issue !== zeroIssue) expect(ids.get(issue.title)).toBe(issue.id);
    }
  });

  it("runs `ingest replay --into dev` and reports the events another grouping would move", async () => {
    const file = join(dir, "compare.jsonl");
    await writeRelayDump(file, groupingEvents());
    const override = join(dir, "override.yaml");
    writeFileSync(
      override,
      [
        "fingerprintRules: |",
        "  error.type:TypeError -> merged",
        "  error.type:ValueError -> merged",
        "  error.type:KeyError -> {{ default }}, {{ error.value }}",
        "",
      ].join("\n"),
    );
    const lines: string[] = [];
    const result = await runReplay(
      { fromFile: file, into: "dev", compareGrouping: override, sqlite: join(dir, "compare.sqlite") },
      loadOptions({}, { logLevel: "silent" }),
      silentLogger(),
      undefined,
      { out: (line) => lines.push(line) },
    );
    expect(result.counts).toEqual({ read: 6, produced: 6, skipped: 0, failed: 0 });
    expect(result.dev?.projects[0]).toMatchObject({ events: 6, issues: 3 });
    const text = lines.join("\n");
    expect(text).toContain("-> dev pipeline topic ingest-events");
    expect(text).toContain("dev pipeline: 6 stored events in 3 issues");
    expect(text).toMatch(/TypeError: 'NoneType' object is not subscriptable {2}\(app\.users in load_user\)/);
    // TypeError (3) and ValueError (1) merge; the two KeyErrors split: every event moves.
    expect(text).toContain(
      "grouping comparison: 6 of 6 events would change group (3 groups now, 3 with the other settings)",
    );
    expect(text).toMatch(
      /split {2}project 1 \w{12} \(2 events, "KeyError: 'alpha'"\) -> \w{12} \(1\), \w{12} \(1\)/,
    );
    expect(text).toMatch(/merge {2}project 1 \w{12} \(3\) \+ \w{12} \(1\) -> \w{12} \(4 events, "TypeError/);
  });

  it("refuses --compare-grouping outside dev mode and a destination the dev pipeline lacks", async () => {
    const file = join(dir, "refuse.jsonl");
    await writeRelayDump(file, groupingEvents().slice(0, 1));
    const options = loadOptions({}, { logLevel: "silent" });
    await expect(
      runReplay({ fromFile: file, into: "kafka", compareGrouping: file }, options, silentLogger()),
    ).rejects.toThrow("--compare-grouping needs --into dev");
    await expect(
      runReplay(
        { fromFile: file, into: "dev", toTopic: "no-such-topic", sqlite: join(dir, "refuse.sqlite") },
        options,
        silentLogger(),
        undefined,
        { out: () => {} },
      ),
    ).rejects.toThrow("the dev pipeline has no topic no-such-topic");
  });
});
