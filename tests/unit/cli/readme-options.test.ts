import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { optionsMarkdownTable } from "../../../config/options.ts";

// The README's options table is what operators read; the registry is what the code does.
// A new or changed option must show up in both, so the table is generated and compared here.
const ROOT = join(import.meta.dirname, "..", "..", "..");

describe("README options table", () => {
  it("lists every option of config/options.ts with its variable, default and meaning", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf("| option | environment variable |");
    expect(start, "README.md has no options table").toBeGreaterThanOrEqual(0);
    const end = readme.indexOf("\n\n", start);
    const table = readme.slice(start, end === -1 ? undefined : end + 1);
    expect(table, "regenerate it with `npx ingest options --markdown`").toBe(optionsMarkdownTable());
  });
});
