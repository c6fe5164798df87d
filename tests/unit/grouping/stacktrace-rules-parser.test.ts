import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  parseRuleLine,
  parseRules,
  type RuleSyntaxReason,
  ruleText,
} from "../../../consumers/grouping/enhancements/parse.ts";
import { parseFingerprintRules } from "../../../consumers/grouping/fingerprint-rules-parse.ts";

const RULES = new URL("../../../consumers/grouping/rules/", import.meta.url);

describe("stack-trace rule parser on the shipped rule files", () => {
  const text = readFileSync(new URL("enhancements/all-platforms@2023-01-11.txt", RULES), "utf8");

  it("parses every rule of all-platforms@2023-01-11", () => {
    const result = parseRules(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const ruleLines = text.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
    expect(result.value).toHaveLength(ruleLines.length);
    expect(result.value.length).toBeGreaterThan(300);
  });

  it("reads caller/callee brackets, negation, quoted escapes and ranged actions", () => {
    const wedged = parseRuleLine(
      "[ !category:system ] | category:system | [ !category:system ] category=indirection",
    );
    expect(
      wedged.matchers.map((m) => (m.kind === "exception" ? "exception" : `${m.offset}:${m.negated}`)),
    ).toEqual(["self:false", "caller:true", "callee:true"]);
    const dtor = parseRuleLine('family:native function:"*::\\\\{dtor\\\\}" category=dtor');
    expect(dtor.matchers[1]).toMatchObject({ kind: "field", field: "function", pattern: "*::\\{dtor\\}" });
    const border = parseRuleLine(
      "family:native function:std::panicking::begin_panic ^-group -group ^-app -app",
    );
    expect(border.actions).toEqual([
      { kind: "flag", flag: false, type: "group", range: "up" },
      { kind: "flag", flag: false, type: "group", range: undefined },
      { kind: "flag", flag: false, type: "app", range: "up" },
      { kind: "flag", flag: false, type: "app", range: undefined },
    ]);
    expect(ruleText(parseRuleLine("family:native stack.function:UE::Foo*  v+app -app ^-app # why"))).toBe(
      "family:native function:UE::Foo* v+app -app ^-app",
    );
  });

  it("parses every shipped built-in fingerprint rule", () => {
    const dir = new URL("fingerprinting/javascript@2024-02-02/", RULES);
    let count = 0;
    for (const file of readdirSync(dir)) {
      const result = parseFingerprintRules(readFileSync(new URL(file, dir), "utf8"), true);
      expect(result.ok, file).toBe(true);
      if (result.ok) count += result.value.length;
    }
    expect(count).toBe(7);
  });
});

// 22 malformed rule texts, each with the reason, line and column of its first problem.
const MALFORMED: ReadonlyArray<readonly [string, RuleSyntaxReason, number, number]> = [
  ["function:foo", "expected_action", 1, 13],
  ["+app", "expected_matcher", 1, 1],
  ["funtion:foo +app", "unknown_matcher", 1, 1],
  // Names of Object.prototype members are unknown matchers too, not lookups that succeed.
  ["constructor:foo +app", "unknown_matcher", 1, 1],
  ["__proto__:foo -group", "unknown_matcher", 1, 1],
  ["function: +app", "expected_argument", 1, 10],
  ['function:"foo +app', "unterminated_quote", 1, 10],
  ["app:maybe +app", "invalid_app_value", 1, 5],
  ["path:**/[abc/** -app", "invalid_glob", 1, 9],
  ["module:{a,b +app", "invalid_glob", 1, 12],
  ["[ function:foo  function:bar +group", "unclosed_bracket", 1, 17],
  ["[ function:foo ] function:bar +group", "expected_matcher", 1, 18],
  ["function:foo | function:bar -group", "expected_matcher", 1, 16],
  ["function:foo *app", "unknown_action", 1, 14],
  ["function:foo +ap", "unknown_action", 1, 15],
  ["function:foo max-frames=x", "invalid_number", 1, 25],
  ["function:foo invert-stacktrace=maybe", "invalid_bool", 1, 32],
  ["function:foo category=", "invalid_category", 1, 23],
  ["function:foo ^category=x", "unknown_action", 1, 15],
  ["function:foo -group\n\nfunction:bar +nope", "unknown_action", 3, 15],
  ["  # comment\n\tfamily:native +app\n  path:a\\ +app +foo", "unknown_action", 3, 17],
  ['function:"" +app', "expected_argument", 1, 10],
  ["function:foo\\ +app", "invalid_glob", 1, 14],
  ["family:native stack.function:x category = sys -app v", "unknown_action", 1, 52],
];

describe("stack-trace rule parser on malformed rules", () => {
  for (const [text, reason, line, column] of MALFORMED) {
    it(`reports ${reason} at ${line}:${column} for ${JSON.stringify(text)}`, () => {
      const result = parseRules(text);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors[0]).toMatchObject({ reason, line, column });
      expect(result.errors[0]!.message).toMatch(new RegExp(`^line ${line}, column ${column}: `));
    });
  }

  it("reports every bad line, not only the first", () => {
    const result = parseRules("function:a +app\nfoo:b +app\nfunction:c +app\nfunction:d\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.line, e.reason])).toEqual([
      [2, "unknown_matcher"],
      [4, "expected_action"],
    ]);
  });

  it("accepts actions written without spaces between them, as Sentry's engine does", () => {
    expect(parseRuleLine("function:a +app-group").actions).toHaveLength(2);
  });
});
