import { describe, expect, it } from "vitest";
import { computeGrouping } from "../../../consumers/grouping/compute.ts";
import { parseFingerprintRules } from "../../../consumers/grouping/fingerprint-rules-parse.ts";
import { fingerprintRulesJsonToText } from "../../../consumers/grouping/fixture-keys.ts";

const base = {
  platform: "python",
  logger: "worker",
  level: "warning",
  tags: { transaction: "/checkout", region: "eu" },
  exception: {
    values: [
      {
        type: "DatabaseError",
        value: "Connection reset by peer",
        stacktrace: {
          frames: [
            { function: "run", module: "worker.main", filename: "worker/main.py", in_app: true },
            {
              function: "execute",
              module: "psycopg2.cursor",
              filename: "psycopg2/cursor.py",
              package: "/venv/lib/psycopg2",
            },
          ],
        },
      },
    ],
  },
};

function group(fingerprintRules: string, event: Record<string, unknown> = base) {
  return computeGrouping(event, {
    groupingConfig: "newstyle:2023-01-11",
    stackTraceRules: "",
    fingerprintRules,
  });
}

describe("server-side fingerprint rules", () => {
  it("replaces the grouping with the rule's fingerprint and records the rule", () => {
    const result = group('error.type:"DatabaseError" -> database-error');
    expect(Object.keys(result.variants)).toEqual(["app", "system", "custom_fingerprint"]);
    expect(result.variants.custom_fingerprint!.contributingValues).toEqual(["database-error"]);
    expect(result.fingerprintInfo?.matched_rule?.text).toBe('type:"DatabaseError" -> "database-error"');
    expect(result.variants.app!.contributes).toBe(false);
  });

  it("matches message globs case-insensitively against exception values too", () => {
    expect(group('message:"*CONNECTION RESET*" -> reset').variants.custom_fingerprint).toBeDefined();
    expect(group("type:databaseerror -> no").variants.custom_fingerprint).toBeUndefined();
  });

  it("requires all frame matchers to hit the same frame", () => {
    expect(group("function:execute module:worker.* -> no").variants.custom_fingerprint).toBeUndefined();
    expect(group("function:execute module:psycopg2.* -> yes").variants.custom_fingerprint).toBeDefined();
  });

  it("knows path, package, app, logger, level, tags and family matchers", () => {
    for (const rule of [
      "path:**/worker/*.py -> x",
      "package:**/psycopg2 -> x",
      "app:yes function:run -> x",
      "logger:work* -> x",
      "level:WARNING -> x",
      "tags.region:eu -> x",
      "family:other -> x",
      "!type:KeyError -> x",
    ]) {
      expect(group(rule).variants.custom_fingerprint, rule).toBeDefined();
    }
  });

  it("resolves fingerprint variables from the event", () => {
    const result = group(
      "type:DatabaseError -> {{ type }}, {{ function }}, {{ module }}, {{ tags.transaction }}, {{ level }}, {{ package }}, {{ nope }}",
    );
    expect(result.variants.custom_fingerprint!.contributingValues).toEqual([
      "DatabaseError",
      "run",
      "worker.main",
      "/checkout",
      "warning",
      "<no-package>",
      "{{ nope }}",
    ]);
  });

  it("salts the default grouping for hybrid fingerprints", () => {
    const plain = group("");
    const hybrid = group("type:DatabaseError -> {{ default }}, extra");
    expect(hybrid.variants.app!.type).toBe("salted_component");
    expect(hybrid.variants.app!.contributingValues).toEqual([
      ...plain.variants.app!.contributingValues,
      "extra",
    ]);
    expect(hybrid.hashes).not.toEqual(plain.hashes);
  });

  it("checks project rules before the built-in ones", () => {
    const chunk = {
      platform: "javascript",
      exception: { values: [{ type: "ChunkLoadError", value: "Loading chunk 7 failed" }] },
    };
    expect(group("", chunk).variants.built_in_fingerprint!.contributingValues).toEqual(["chunkloaderror"]);
    const own = group("type:ChunkLoadError -> mine", chunk);
    expect(own.variants.custom_fingerprint!.contributingValues).toEqual(["mine"]);
    expect(own.variants.built_in_fingerprint).toBeUndefined();
  });

  it("reports syntax errors with line and column", () => {
    const result = parseFingerprintRules('type:A -> a\nfoo:B -> b\ntype:"C -> c\ntype:D\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.reason, e.line, e.column])).toEqual([
      ["unknown_matcher", 2, 1],
      ["unterminated_quote", 3, 6],
      ["expected_arrow", 4, 7],
    ]);
  });

  it("reports matchers named like Object.prototype members as unknown, without throwing", () => {
    const result = parseFingerprintRules("constructor:A -> a\ntoString:B -> b\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.reason, e.line, e.column])).toEqual([
      ["unknown_matcher", 1, 1],
      ["unknown_matcher", 2, 1],
    ]);
  });

  it("round-trips Sentry's JSON rule form through the text syntax", () => {
    const text = fingerprintRulesJsonToText([
      {
        matchers: [
          ["type", 'Quo"te'],
          ["!value", "x*"],
        ],
        fingerprint: ["{{ default }}", "a b"],
        attributes: { title: "T" },
      },
    ]);
    const parsed = parseFingerprintRules(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value[0]!.matchers.map((m) => [m.key, m.pattern, m.negated])).toEqual([
      ["type", 'Quo"te', false],
      ["value", "x*", true],
    ]);
    expect(parsed.value[0]!.fingerprint).toEqual(["{{ default }}", "a b"]);
    expect(parsed.value[0]!.attributes).toEqual({ title: "T" });
  });
});
