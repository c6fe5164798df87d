import { type ClickHouseClient, createClient } from "@clickhouse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickhouseUrl, requireClickHouse, uniqueName } from "../helpers/services.ts";

// Pins what the storage side may assume about the ClickHouse that scripts/services.sh runs
// (Debian's 18.16): @clickhouse/client talks to it, Nested columns take JSONEachRow rows
// either as flat `col.sub` keys or, with input_format_import_nested_json=1, as objects.

const ROW_COUNT = 10_000;

interface FlatRow {
  project_id: number;
  event_id: string;
  timestamp: string;
  "frames.abs_path": string[];
  "frames.lineno": number[];
  "tags.key": string[];
  "tags.value": string[];
}

function framesOf(index: number): number {
  return index % 4;
}

function flatRow(index: number): FlatRow {
  const frames = framesOf(index);
  return {
    project_id: 1 + (index % 5),
    event_id: index.toString(16).padStart(32, "0"),
    timestamp: "2024-05-01 12:00:00",
    "frames.abs_path": Array.from({ length: frames }, (_, frame) => `app/module_${frame}.py`),
    "frames.lineno": Array.from({ length: frames }, (_, frame) => 10 + frame),
    "tags.key": ["level", "environment"],
    "tags.value": ["error", index % 2 === 0 ? "production" : "staging"],
  };
}

function nestedRow(index: number) {
  const flat = flatRow(index);
  return {
    project_id: flat.project_id,
    event_id: flat.event_id,
    timestamp: flat.timestamp,
    frames: { abs_path: flat["frames.abs_path"], lineno: flat["frames.lineno"] },
    tags: { key: flat["tags.key"], value: flat["tags.value"] },
  };
}

describe("foundation: ClickHouse through @clickhouse/client", () => {
  requireClickHouse();

  const database = uniqueName("foundation_ch");
  let client: ClickHouseClient;

  beforeAll(async () => {
    client = createClient({ url: clickhouseUrl() });
    await client.command({ query: `CREATE DATABASE ${database}` });
  });

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client.close();
  });

  async function createEventsTable(table: string): Promise<string> {
    const name = `${database}.${table}`;
    await client.command({
      query: `CREATE TABLE ${name} (
        project_id UInt64,
        event_id FixedString(32),
        timestamp DateTime,
        frames Nested(abs_path String, lineno UInt32),
        tags Nested(key String, value String)
      ) ENGINE = MergeTree() PARTITION BY toMonday(timestamp) ORDER BY (project_id, event_id)`,
    });
    return name;
  }

  async function scalar(query: string): Promise<string> {
    const result = await client.query({ query, format: "JSONEachRow" });
    const rows = await result.json<{ value: string | number }>();
    return String(rows[0]?.value);
  }

  async function expectExactContents(table: string): Promise<void> {
    const expectedFrames = Array.from({ length: ROW_COUNT }, (_, index) => framesOf(index)).reduce(
      (sum, frames) => sum + frames,
      0,
    );
    expect(await scalar(`SELECT count() AS value FROM ${table}`)).toBe(String(ROW_COUNT));
    expect(await scalar(`SELECT uniqExact(event_id) AS value FROM ${table}`)).toBe(String(ROW_COUNT));
    expect(await scalar(`SELECT sum(length(frames.abs_path)) AS value FROM ${table}`)).toBe(
      String(expectedFrames),
    );
    expect(await scalar(`SELECT countIf(project_id = 3) AS value FROM ${table}`)).toBe(String(ROW_COUNT / 5));
    // Nested columns stay aligned: ARRAY JOIN pairs each key with its own value.
    expect(
      await scalar(
        `SELECT count() AS value FROM ${table} ARRAY JOIN tags WHERE tags.key = 'environment' AND tags.value = 'production'`,
      ),
    ).toBe(String(ROW_COUNT / 2));
    const sample = await client.query({
      query: `SELECT frames.abs_path AS paths, frames.lineno AS lines FROM ${table} WHERE event_id = '${flatRow(7).event_id}'`,
      format: "JSONEachRow",
    });
    expect(await sample.json()).toEqual([
      { paths: ["app/module_0.py", "app/module_1.py", "app/module_2.py"], lines: [10, 11, 12] },
    ]);
  }

  it("answers the server version it runs", async () => {
    const version = await scalar("SELECT version() AS value");
    expect(version).toMatch(/^\d+\.\d+/);
  });

  it("stores 10,000 JSONEachRow rows with flat Nested keys and reads back exact counts", async () => {
    const table = await createEventsTable("events_flat");
    await client.insert({
      table,
      values: Array.from({ length: ROW_COUNT }, (_, index) => flatRow(index)),
      format: "JSONEachRow",
    });
    await expectExactContents(table);
  });

  it("stores 10,000 JSONEachRow rows with Nested objects when input_format_import_nested_json is on", async () => {
    const table = await createEventsTable("events_nested");
    await client.insert({
      table,
      values: Array.from({ length: ROW_COUNT }, (_, index) => nestedRow(index)),
      format: "JSONEachRow",
      clickhouse_settings: { input_format_import_nested_json: 1 },
    });
    await expectExactContents(table);
  });
});
