import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseLossless } from "lossless-json";
import { describe, expect, it } from "vitest";
import { loadOptions } from "../../config/options.ts";
import { type ErrorRow, mapInsertToRow, rowMappingConfig } from "../../consumers/storage/error-row.ts";
import type { InsertBody } from "../../consumers/storage/insert-body.ts";
import { parseEventstreamJson } from "../../consumers/storage/json-float.ts";

// Every `events` fixture with a Snuba snapshot row must map to exactly that row, column by
// column. Snuba omits None-valued optional columns from its snapshots (serde's
// skip_serializing_if), so an absent column means null. `message_timestamp` is a
// placeholder in the snapshots: it is checked against the Kafka timestamp we pass instead.

const FIXTURES = join(import.meta.dirname, "../fixtures/storage");
const KAFKA = { partition: 0, offset: 1, timestampMs: 1_706_645_526_000 };
const config = rowMappingConfig(loadOptions({}));

function readInsertBody(name: string): InsertBody {
  const message = parseEventstreamJson(readFileSync(join(FIXTURES, "events", `${name}.json`), "utf8"));
  if (!Array.isArray(message) || message[0] !== 2 || message[1] !== "insert") {
    throw new Error(`${name} is not an events insert`);
  }
  return message[2] as InsertBody;
}

/** Expected rows keep u64 values above 2^53 (span ids) as their exact decimal text. */
function readExpectedRow(name: string): Record<string, unknown> {
  const text = readFileSync(join(FIXTURES, "rows", `${name}.row.json`), "utf8");
  const rows = parseLossless(text, null, (token) =>
    Number.isSafeInteger(Number(token)) || /[.eE]/.test(token) ? Number(token) : token,
  ) as Array<Record<string, unknown>>;
  expect(rows).toHaveLength(1);
  return rows[0] as Record<string, unknown>;
}

const rowFixtures = readdirSync(join(FIXTURES, "rows"))
  .filter((file) => file.endsWith(".row.json"))
  .map((file) => file.replace(".row.json", ""))
  .sort();

describe("mapInsertToRow against Snuba's snapshot rows", () => {
  it("has a snapshot for each of the five fixtures Snuba tests", () => {
    expect(rowFixtures).toEqual([
      "error-with-threads",
      "errors1",
      "null-tag-keys",
      "null-values",
      "sdk-info-java",
    ]);
  });

  for (const name of rowFixtures) {
    it(`maps ${name} to Snuba's row in every column`, () => {
      const expected = readExpectedRow(name);
      const row: ErrorRow = mapInsertToRow(readInsertBody(name), { config, kafka: KAFKA });
      const actual = row as unknown as Record<string, unknown>;

      expect(expected.message_timestamp).toBe("<event timestamp>");
      expect(row.message_timestamp).toBe(KAFKA.timestampMs / 1000);

      const columns = new Set([...Object.keys(expected), ...Object.keys(actual)]);
      columns.delete("message_timestamp");
      for (const column of columns) {
        expect(column in actual, `column ${column} missing from our row`).toBe(true);
        expect(actual[column], `column ${column}`).toEqual(expected[column] ?? null);
      }
    });
  }

  it("maps the fixtures without a snapshot row without error", () => {
    for (const name of [
      "error-with-null-threads",
      "error-with-null-values-threads",
      "weird-transaction-source",
    ]) {
      const row = mapInsertToRow(readInsertBody(name), { config, kafka: KAFKA });
      expect(row.deleted).toBe(0);
      expect(row.retention_days).toBe(90);
    }
  });

  it("marks the exception of error-with-null-threads as not known to be on the main thread", () => {
    // thread_id 2 is set but `threads` is null: no thread has id+main, so Snuba leaves it null.
    const row = mapInsertToRow(readInsertBody("error-with-null-threads"), { config, kafka: KAFKA });
    expect(row.exception_main_thread).toBeNull();
    expect(row["exception_stacks.type"].length).toBeGreaterThan(0);
  });
});
