import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runDebugGroup } from "../../../cli/commands/debug-group.ts";
import { loadOptions } from "../../../config/options.ts";

const FIXTURES = new URL("../../fixtures/grouping/", import.meta.url);

function io(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (text: string) => out.push(text),
      err: (text: string) => err.push(text),
      readInput: (file: string) => {
        const text = files[file];
        if (text === undefined) throw new Error(`no such test file ${file}`);
        return text;
      },
      now: () => 1_714_564_800,
      options: () => loadOptions(),
    },
  };
}

const fixture = (name: string) => readFileSync(new URL(`inputs/${name}.json`, FIXTURES), "utf8");
const expectedHashes = (name: string) =>
  (JSON.parse(readFileSync(new URL(`expected/${name}.json`, FIXTURES), "utf8")) as { hashes: string[] })
    .hashes;

describe("ingest debug group", () => {
  it("prints config, hashes and variants of a normalized event as JSON", () => {
    const run = io({ "event.json": fixture("go_pkg_mod") });
    expect(runDebugGroup("event.json", { normalize: true }, run.io)).toBe(0);
    const printed = JSON.parse(run.out.join("")) as {
      config: string;
      hashes: string[];
      variants: Record<
        string,
        { hash: string; contributes: boolean; description: string; contributingValues: string[] }
      >;
    };
    expect(printed.config).toBe("newstyle:2023-01-11");
    expect(printed.hashes).toEqual(expectedHashes("go_pkg_mod"));
    expect(Object.keys(printed.variants)).toEqual(["app", "system"]);
    expect(printed.variants.app).toMatchObject({
      contributes: true,
      description: "in-app exception stack-trace",
      contributingValues: ["main", "background.func2", "*pq.Error"],
    });
  });

  it("honours the fixtures' test-only rule keys", () => {
    for (const name of ["contributing_system_frames", "custom_fingerprint_server_rule"]) {
      const run = io({ "event.json": fixture(name) });
      runDebugGroup("event.json", { normalize: true }, run.io);
      expect((JSON.parse(run.out.join("")) as { hashes: string[] }).hashes, name).toEqual(
        expectedHashes(name),
      );
    }
  });

  it("explains which parts contribute and why the others do not", () => {
    const run = io({ "event.json": fixture("frame_ignores_module_if_page_url_2") });
    runDebugGroup("event.json", { normalize: false, explain: true }, run.io);
    const text = run.out.join("");
    expect(text).toContain("module (ignored bad javascript module)");
    expect(text).toContain("filename (ignored because frame points to a URL)");
    expect(text).toMatch(/function\*\n\s+"a"/);
  });

  it("reports bad project rules with line and column and groups without them", () => {
    const run = io({
      "event.json": fixture("go_pkg_mod"),
      "project.yaml": "stackTraceRules: |\n  function:FuncJob.Run +app\n  bogus:x -app\n",
    });
    expect(runDebugGroup("event.json", { normalize: true, projectConfig: "project.yaml" }, run.io)).toBe(0);
    expect(run.err.join("")).toContain(
      "stack-trace rules ignored: line 2, column 1: unknown matcher 'bogus'",
    );
    expect((JSON.parse(run.out.join("")) as { hashes: string[] }).hashes).toEqual(
      expectedHashes("go_pkg_mod"),
    );
  });

  it("rejects a project config with unknown keys", () => {
    const run = io({ "event.json": fixture("go_pkg_mod"), "project.yaml": "stackTraceRule: x\n" });
    expect(() =>
      runDebugGroup("event.json", { normalize: true, projectConfig: "project.yaml" }, run.io),
    ).toThrow(/--project-config project.yaml/);
  });
});
