import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { GroupingComponent } from "../../consumers/grouping/component.ts";
import { computeGrouping, type GroupingResult } from "../../consumers/grouping/compute.ts";
import { projectConfigFromTestKeys } from "../../consumers/grouping/fixture-keys.ts";

// Every Sentry snapshot pair in tests/fixtures/grouping (see its INDEX.md): our hash list,
// each variant's hash and `contributes`, and each component tree (ids, contributes, values)
// must equal Sentry's, unless the pair is listed in consumers/grouping/KNOWN_DIFFERENCES.md
// with its reason.

const FIXTURES = new URL("../fixtures/grouping/", import.meta.url);
const KNOWN_DIFFERENCES = new URL("../../consumers/grouping/KNOWN_DIFFERENCES.md", import.meta.url);

interface ExpectedComponent {
  readonly id: string;
  readonly contributes: boolean;
  readonly hint: string | null;
  readonly values: ReadonlyArray<ExpectedComponent | string | number>;
}

interface ExpectedVariant {
  readonly hash: string | null;
  readonly contributes: boolean;
  readonly contributing_values?: ReadonlyArray<string | number>;
  readonly component?: ExpectedComponent;
}

interface Expected {
  readonly hashes: ReadonlyArray<string>;
  readonly variants: Readonly<Record<string, ExpectedVariant>>;
  readonly status?: string;
}

interface KnownDifference {
  readonly name: string;
  readonly reason: string;
  readonly ourHashes: ReadonlyArray<string>;
  readonly matchesSnapshotWith?: Readonly<Record<string, unknown>>;
}

function readJson<T>(url: URL): T {
  return JSON.parse(readFileSync(url, "utf8")) as T;
}

function loadKnownDifferences(): Map<string, KnownDifference> {
  const text = readFileSync(KNOWN_DIFFERENCES, "utf8");
  const block = /```json known-differences\n([\s\S]*?)```/.exec(text);
  if (block === null) throw new Error("KNOWN_DIFFERENCES.md has no ```json known-differences block");
  const list = JSON.parse(block[1]!) as KnownDifference[];
  return new Map(list.map((entry) => [entry.name, entry]));
}

interface Shape {
  readonly id: string;
  readonly contributes: boolean;
  readonly values: ReadonlyArray<Shape | string | number | boolean | null>;
}

// Component trees compared without hints (their wording changed across Sentry versions) and
// without the empty components snapshots do not print. `context-line` is the old id.
function shapeOf(component: GroupingComponent | ExpectedComponent): Shape {
  const values: Array<Shape | string | number | boolean | null> = [];
  for (const value of component.values) {
    if (typeof value !== "object" || value === null) values.push(value);
    else if (value.values.length > 0 || value.hint !== null) values.push(shapeOf(value));
  }
  return {
    id: component.id === "context-line" ? "context_line" : component.id,
    contributes: component.contributes,
    values,
  };
}

/** Every mismatch between our result and the snapshot, as readable lines. */
function mismatches(result: GroupingResult, expected: Expected): string[] {
  const problems: string[] = [];
  if (JSON.stringify(result.hashes) !== JSON.stringify(expected.hashes)) {
    problems.push(`hashes: got ${JSON.stringify(result.hashes)}, want ${JSON.stringify(expected.hashes)}`);
  }
  for (const [name, want] of Object.entries(expected.variants)) {
    const got = result.variants[name];
    if (got === undefined) {
      problems.push(`variant ${name}: missing`);
    } else if (got.hash !== want.hash || got.contributes !== want.contributes) {
      problems.push(
        `variant ${name}: got ${got.hash}/${got.contributes}, want ${want.hash}/${want.contributes}; ` +
          `values got ${JSON.stringify(got.contributingValues)} want ${JSON.stringify(want.contributing_values)}`,
      );
    } else if (got.component !== undefined && want.component !== undefined) {
      const ours = JSON.stringify(shapeOf(got.component));
      const theirs = JSON.stringify(shapeOf(want.component));
      if (ours !== theirs)
        problems.push(`variant ${name}: component tree differs: got ${ours}, want ${theirs}`);
    }
  }
  for (const name of Object.keys(result.variants)) {
    if (!(name in expected.variants)) problems.push(`variant ${name}: not in the snapshot`);
  }
  return problems;
}

const names = readdirSync(new URL("inputs/", FIXTURES))
  .filter((file) => file.endsWith(".json"))
  .map((file) => file.slice(0, -".json".length))
  .sort();
const known = loadKnownDifferences();
let passed = 0;

describe("Sentry grouping snapshots (newstyle:2023-01-11)", () => {
  it("has a fixture pair for every known difference", () => {
    for (const name of known.keys()) expect(names).toContain(name);
    expect(names.length).toBeGreaterThanOrEqual(61);
  });

  for (const name of names) {
    const input = readJson<Record<string, unknown>>(new URL(`inputs/${name}.json`, FIXTURES));
    const expected = readJson<Expected>(new URL(`expected/${name}.json`, FIXTURES));
    const difference = known.get(name);

    if (difference === undefined) {
      it(`${name}: hashes and variants equal Sentry's`, () => {
        const problems = mismatches(computeGrouping(input, projectConfigFromTestKeys(input)), expected);
        expect(problems).toEqual([]);
        passed++;
      });
      continue;
    }

    it(`${name}: differs as documented (${difference.reason})`, () => {
      const result = computeGrouping(input, projectConfigFromTestKeys(input));
      expect(mismatches(result, expected), "listed as a known difference but now matches").not.toEqual([]);
      expect(result.hashes).toEqual(difference.ourHashes);
      if (difference.matchesSnapshotWith !== undefined) {
        const patched = { ...input, ...difference.matchesSnapshotWith };
        expect(mismatches(computeGrouping(patched, projectConfigFromTestKeys(patched)), expected)).toEqual(
          [],
        );
      }
    });
  }

  afterAll(() => {
    process.stdout.write(
      `grouping conformance: ${passed}/${names.length} fixture pairs equal Sentry's snapshots, ${known.size} known differences\n`,
    );
  });
});
