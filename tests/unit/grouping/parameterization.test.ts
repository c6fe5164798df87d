import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeMessageForGrouping, parameterize } from "../../../consumers/grouping/parameterization.ts";

interface Cases {
  readonly cases: ReadonlyArray<{ readonly name: string; readonly input: string; readonly expected: string }>;
  readonly known_incorrect_but_current_behaviour: ReadonlyArray<{
    readonly name: string;
    readonly input: string;
    readonly actual: string;
  }>;
}

const data = JSON.parse(
  readFileSync(new URL("../../fixtures/grouping/parameterization_cases.json", import.meta.url), "utf8"),
) as Cases;

describe("message parameterization (Sentry's test_parameterization cases)", () => {
  it("has the full case list", () => {
    expect(data.cases.length).toBe(129);
  });

  for (const c of data.cases) {
    it(`${c.name}: ${JSON.stringify(c.input)} -> ${JSON.stringify(c.expected)}, alone and inside text`, () => {
      expect(parameterize(c.input)).toBe(c.expected);
      expect(parameterize(`prefix ${c.input}`)).toBe(`prefix ${c.expected}`);
      expect(parameterize(`${c.input} suffix`)).toBe(`${c.expected} suffix`);
      expect(parameterize(`prefix ${c.input} suffix`)).toBe(`prefix ${c.expected} suffix`);
    });
  }

  for (const c of data.known_incorrect_but_current_behaviour) {
    it(`${c.name}: keeps Sentry's current (known incorrect) output`, () => {
      expect(parameterize(c.input)).toBe(c.actual);
    });
  }
});

describe("message normalization for grouping", () => {
  it("keeps the first two non-empty lines and marks the cut", () => {
    expect(normalizeMessageForGrouping("first\n\nsecond\nthird")).toBe("first\nsecond...");
  });

  it("marks a message whose only change is dropped empty lines", () => {
    expect(normalizeMessageForGrouping("only\n")).toBe("only...");
  });

  it("leaves single-line text without placeholders unchanged", () => {
    expect(normalizeMessageForGrouping("Charlie didn't bring the ball back!")).toBe(
      "Charlie didn't bring the ball back!",
    );
  });

  it("parameterizes after trimming", () => {
    expect(normalizeMessageForGrouping("Order 123 failed\nretry 4\nmore")).toBe(
      "Order <int> failed\nretry <int>...",
    );
  });
});
