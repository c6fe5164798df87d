import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_GROUPING_CONFIG,
  loadProjectsFile,
  parseProjects,
  StaticProjectConfigSource,
} from "../../../config/projects.ts";
import { ConfigFileError } from "../../../config/yaml-errors.ts";

const REPO_PROJECTS = fileURLToPath(new URL("../../../projects.yaml", import.meta.url));

const VALID = `version: 1
projects:
  - id: 5
    organizationId: 9
    slug: web
    publicKeys: [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]
`;

function issuesOf(text: string): ConfigFileError["issues"] {
  try {
    parseProjects(text, "projects.yaml");
  } catch (error) {
    if (error instanceof ConfigFileError) return error.issues;
    throw error;
  }
  throw new Error("expected the projects file to be rejected");
}

describe("projects.yaml loader", () => {
  it("accepts the repository's projects.yaml: a default dev project 1 and an isolation project 2", async () => {
    const file = await loadProjectsFile(REPO_PROJECTS);
    const one = file.get(1);
    expect(one).toMatchObject({ id: 1, organizationId: 1, groupingConfig: DEFAULT_GROUPING_CONFIG });
    expect(one?.publicKeys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(file.byPublicKey(one!.publicKeys[0]!)?.id).toBe(1);
    expect(file.get(2)?.id).toBe(2);
    expect(file.get(2)?.publicKeys).not.toEqual(one?.publicKeys);
  });

  it("fills grouping defaults and empty rule texts when omitted", () => {
    expect(parseProjects(VALID, "p.yaml").get(5)).toEqual({
      id: 5,
      organizationId: 9,
      slug: "web",
      publicKeys: ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
      groupingConfig: DEFAULT_GROUPING_CONFIG,
      stackTraceRules: "",
      fingerprintRules: "",
    });
  });

  it("keeps multi-line rule texts as written", () => {
    const text = `${VALID}    stackTraceRules: |
      stack.module:vendor.* -app
      family:native stack.function:abort -group
    fingerprintRules: "error.type:DatabaseUnavailable -> system-down"
`;
    const project = parseProjects(text, "p.yaml").get(5);
    expect(project?.stackTraceRules).toBe(
      "stack.module:vendor.* -app\nfamily:native stack.function:abort -group\n",
    );
    expect(project?.fingerprintRules).toBe("error.type:DatabaseUnavailable -> system-down");
  });

  it("names line and column of a wrongly typed value", () => {
    const issues = issuesOf(VALID.replace("id: 5", 'id: "five"'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "projects[0].id", line: 3, column: 9 });
  });

  it("names the key of an unknown field", () => {
    const issues = issuesOf(`${VALID}    groupingConfg: newstyle:2023-01-11\n`);
    expect(issues).toEqual([
      { path: "projects[0].groupingConfg", line: 7, column: 5, message: "unknown key" },
    ]);
  });

  it("points a missing required key at the mapping that lacks it", () => {
    const issues = issuesOf(VALID.replace("    slug: web\n", ""));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("projects[0].slug");
    expect(issues[0]?.message).toMatch(/required key is missing/);
    expect([issues[0]?.line, issues[0]?.column]).toEqual([3, 5]);
  });

  it("points at the offending list item of a malformed public key", () => {
    const issues = issuesOf(VALID.replace("[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]", "\n      - AAAA"));
    expect(issues[0]).toMatchObject({ path: "projects[0].publicKeys[0]", line: 7, column: 9 });
  });

  it("reports YAML syntax errors and duplicate keys with their position", () => {
    expect(issuesOf(`${VALID}    slug: again\n`)[0]).toMatchObject({ line: 7, column: 5 });
    expect(issuesOf("version: 1\nprojects: [\n")[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("rejects duplicate project ids, duplicate public keys and duplicate slugs in one organization", () => {
    const twice = `${VALID}  - id: 5
    organizationId: 9
    slug: web
    publicKeys: [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]
`;
    const issues = issuesOf(twice);
    expect(issues.map((i) => `${i.path}@${i.line}:${i.column}`)).toEqual([
      "projects[1].id@7:9",
      "projects[1].slug@9:11",
      "projects[1].publicKeys[0]@10:18",
    ]);
  });

  it("rejects an unknown version, a grouping config of the wrong shape and an empty project list", () => {
    expect(issuesOf(VALID.replace("version: 1", "version: 2"))[0]).toMatchObject({
      path: "version",
      line: 1,
    });
    expect(issuesOf(`${VALID}    groupingConfig: newstyle\n`)[0]).toMatchObject({
      path: "projects[0].groupingConfig",
      line: 7,
      column: 21,
    });
    expect(issuesOf("version: 1\nprojects: []\n")[0]).toMatchObject({
      path: "projects",
      line: 2,
      column: 11,
    });
  });

  it("formats every issue as file:line:column in the error message", () => {
    expect(() => parseProjects(VALID.replace("id: 5", "id: -5"), "conf/projects.yaml")).toThrow(
      /conf\/projects\.yaml:3:9: projects\[0\]\.id: /,
    );
  });

  it("reports a missing file as a ConfigFileError naming the path", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "projects-"));
    try {
      await expect(loadProjectsFile(path.join(dir, "nope.yaml"))).rejects.toThrow(
        /nope\.yaml.*file not found/s,
      );
      await writeFile(path.join(dir, "ok.yaml"), VALID);
      expect((await loadProjectsFile(path.join(dir, "ok.yaml"))).get(5)?.slug).toBe("web");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("serves projects through StaticProjectConfigSource and answers undefined for unknown ids", async () => {
    const source = new StaticProjectConfigSource(parseProjects(VALID, "p.yaml"));
    expect((await source.get(5))?.organizationId).toBe(9);
    expect(await source.get(6)).toBeUndefined();
  });
});
