import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ClickHouseClient } from "@clickhouse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClickHouseGroupRecordSource } from "../../cli/commands/groups.ts";
import { loadOptions } from "../../config/options.ts";
import { createStorageClickHouseClient, queryRows } from "../../consumers/storage/clickhouse-client.ts";
import { ClickHouseSink } from "../../consumers/storage/clickhouse-sink.ts";
import { type ErrorRow, mapInsertToRow, rowMappingConfig } from "../../consumers/storage/error-row.ts";
import { mapGroupRow } from "../../consumers/storage/group-row.ts";
import type { InsertBody } from "../../consumers/storage/insert-body.ts";
import { parseEventstreamJson } from "../../consumers/storage/json-float.ts";
import { type MigrationReport, migrate } from "../../consumers/storage/migrate.ts";
import { CLICKHOUSE_MIGRATIONS } from "../../consumers/storage/migrations/index.ts";
import { getIssue, listEvents, listIssues } from "../../consumers/storage/queries.ts";
import { dropExpiredErrorPartitions } from "../../consumers/storage/retention.ts";
import type { StorageSink } from "../../consumers/storage/sink.ts";
import { silentLogger } from "../../observability/logger.ts";
import { probeClickHouse, uniqueName } from "../helpers/services.ts";
import { ChdbSession, chdbClickHouseClient } from "./support/chdb-client.ts";

// The storage DDL and every read query the project sends ClickHouse, run on a current
// ClickHouse (26.9, in-process through chDB: `bash scripts/chdb.sh` installs it) and on the
// dev stack's 18.16, with the same rows built by the storage row mappers from the fixture
// events. The migrations gate LowCardinality, codecs, TTL and skip indexes on the server
// version, so the 26.9 run is the only one that executes those branches; the answers of
// both servers must be equal. Never skipped: without chDB or without the 18.16 server the
// suite fails and names the fix.

const FIXTURES = [
  "errors1",
  "error-with-threads",
  "error-with-null-threads",
  "error-with-null-values-threads",
  "null-tag-keys",
  "null-values",
  "sdk-info-java",
  "weird-transaction-source",
];
/** The synthetic project: several groups, several events per second, so ordering ties matter. */
const BUSY_PROJECT = 500;
const GROUPS = [1001, 1002, 1003, 1004];
// Event times two days back: 26.9's table TTL drops rows past retention_days at insert
// (the fixtures' 2023 times would store nothing there), while 18.16 keeps them until the
// partition janitor runs. Within retention both must store every row.
const BASE_S = Math.floor(Date.now() / 86_400_000) * 86_400 - 2 * 86_400;
const NOW_MS = (BASE_S + 86_400) * 1000;

function snubaDatetime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace("Z", "000Z");
}

const options = loadOptions(process.env);
const config = rowMappingConfig(options);
const logger = silentLogger();
const database = uniqueName("storage_current_ch");

interface Server {
  readonly name: string;
  readonly client: ClickHouseClient;
  readonly sink: ClickHouseSink;
  report?: MigrationReport;
}

let chdb: ChdbSession;
let current: Server;
let old: Server;

function server(name: string, client: ClickHouseClient): Server {
  const retry = { initialMs: 20, maxMs: 80, maxAttempts: 3 };
  return { name, client, sink: new ClickHouseSink({ client, config: { database, retry }, logger }) };
}

function fixtureBody(name: string): InsertBody {
  const text = readFileSync(join(import.meta.dirname, "../fixtures/storage/events", `${name}.json`), "utf8");
  return (parseEventstreamJson(text) as unknown[])[2] as InsertBody;
}

/** Each fixture in a project of its own: five of them share one event id. */
function fixtureBodies(): InsertBody[] {
  return FIXTURES.map((name, index) => ({
    ...fixtureBody(name),
    project_id: 100 + index,
    datetime: snubaDatetime(BASE_S + 3600 + index * 60),
  }));
}

/**
 * Events of the busy project: 4 groups, 8 events a minute (so two events of a group share a
 * timestamp and paging must break the tie by event id), users and environments varying.
 */
function busyBodies(): InsertBody[] {
  const base = fixtureBody("error-with-threads");
  const data = base.data as Record<string, unknown>;
  return Array.from({ length: 36 }, (_, i) => {
    const group = GROUPS[i % GROUPS.length] as number;
    const second = BASE_S + Math.floor(i / 8) * 60;
    return {
      ...base,
      project_id: BUSY_PROJECT,
      event_id: `${(i * 7919 + 13).toString(16).padStart(8, "0")}${"ab".repeat(12)}`,
      group_id: group,
      primary_hash: group.toString(16).padStart(32, "0"),
      datetime: snubaDatetime(second),
      data: {
        ...data,
        title: `Issue ${group} v${i}`,
        culprit: `culprit ${group}`,
        level: i % 5 === 0 ? "warning" : "error",
        hashes: [group.toString(16).padStart(32, "0"), `${group}`.padStart(32, "f")],
        tags: [
          ["environment", i % 2 === 0 ? "prod" : "staging"],
          ["sentry:user", `id:${i % 4}`],
          ["k=eq\\slash", `v${i % 3}`],
        ],
        user: { id: `${i % 4}` },
      },
    };
  });
}

function rowsOf(bodies: ReadonlyArray<InsertBody>): ErrorRow[] {
  return bodies.map((body, offset) =>
    mapInsertToRow(body, { config, kafka: { partition: 0, offset, timestampMs: NOW_MS }, now: () => NOW_MS }),
  );
}

async function load(sink: StorageSink, bodies: ReadonlyArray<InsertBody>): Promise<void> {
  const rows = rowsOf(bodies);
  expect(await sink.insertErrors(rows)).toEqual({ stored: rows.length, failures: [] });
  // Re-sent (a replay after a crash): count() FINAL must not change.
  expect((await sink.insertErrors(rows.slice(0, 20))).failures).toEqual([]);
  // A deletion: the copy with deleted = 1 replaces the row, readers filter it out.
  expect((await sink.insertErrors([{ ...(rows[9] as ErrorRow), deleted: 1 }])).failures).toEqual([]);
  const groupRows = bodies.map((body) => mapGroupRow(body, () => NOW_MS));
  expect((await sink.upsertGroups(groupRows.slice(0, 18))).failures).toEqual([]);
  expect((await sink.upsertGroups(groupRows.slice(18))).failures).toEqual([]);
}

/**
 * Output spellings only: 64-bit integers are quoted in 18.16's JSON and bare in 26.9's
 * (output_format_json_quote_64bit_integers now defaults to 0), and 18.16 prints the zero
 * DateTime as 0000-00-00 00:00:00.
 */
function normalized(value: unknown): unknown {
  if (typeof value === "number") return String(value);
  if (value === "0000-00-00 00:00:00") return "1970-01-01 00:00:00";
  if (Array.isArray(value)) return value.map(normalized);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normalized(inner)]));
  }
  return value;
}

async function both<T>(read: (s: Server) => Promise<T>): Promise<{ current: T; old: T }> {
  return { current: await read(current), old: await read(old) };
}

beforeAll(async () => {
  chdb = await ChdbSession.start();
  await probeClickHouse();
  current = server("chdb", chdbClickHouseClient(chdb));
  old = server("18.16", createStorageClickHouseClient(options));
}, 90_000);

afterAll(async () => {
  await chdb?.close();
  if (old) {
    await old.client.command({ query: `DROP DATABASE IF EXISTS \`${database}\`` });
    await old.client.close();
  }
});

describe("storage DDL on a current ClickHouse", () => {
  it("applies every migration with the features gated on the server version, twice", async () => {
    for (const s of [current, old]) {
      s.report = await migrate(s.client, { database, logger });
      expect(s.report.applied.map((m) => m.name)).toEqual(CLICKHOUSE_MIGRATIONS.map((m) => m.name));
      const again = await migrate(s.client, { database, logger });
      expect([again.applied, again.alreadyApplied]).toEqual([[], CLICKHOUSE_MIGRATIONS.length]);
    }
    const report = current.report as MigrationReport;
    expect(report.server.major).toBeGreaterThanOrEqual(26);
    expect(report.capabilities).toEqual({ lowCardinality: true, codecs: true, ttl: true, skipIndexes: true });
    expect(old.report?.server.text).toMatch(/^18\.16\./);

    // Every statement once more, outside migrate()'s bookkeeping: each must be idempotent.
    const context = { database, capabilities: report.capabilities };
    const statements = CLICKHOUSE_MIGRATIONS.flatMap((m) => m.statements(context));
    const outcomes = await chdb.run(statements);
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  });

  it("creates the same columns on both servers, with LowCardinality, codecs, TTL and indexes only on 26.9", async () => {
    const columnsSql = `SELECT table, name, type, default_kind, compression_codec FROM system.columns
      WHERE database = '${database}' ORDER BY table, position`;
    const currentColumns = await queryRows<Record<string, string>>(current.client, columnsSql);
    const oldColumns = await queryRows<Record<string, string>>(
      old.client,
      columnsSql.replace(", compression_codec", "").replace(" position", " name"),
    );
    const plain = (type: string) => type.replace(/LowCardinality\((.*)\)/, "$1");
    const shape = (rows: ReadonlyArray<Record<string, string>>) =>
      rows.map((c) => `${c.table}.${c.name} ${plain(c.type as string)} ${c.default_kind}`).sort();
    expect(shape(currentColumns)).toEqual(shape(oldColumns));
    const errorsColumn = (name: string) =>
      currentColumns.find((c) => c.table === "errors" && c.name === name);
    expect(errorsColumn("platform")?.type).toBe("LowCardinality(String)");
    expect(errorsColumn("offset")?.compression_codec).toBe("CODEC(DoubleDelta, LZ4)");
    const indexes = await queryRows<{ name: string; type: string }>(
      current.client,
      `SELECT name, type FROM system.data_skipping_indices WHERE database = '${database}' ORDER BY name`,
    );
    expect(indexes.map((i) => `${i.name}:${i.type}`)).toEqual([
      "bf_flags_hash_map:bloom_filter",
      "bf_release:bloom_filter",
      "bf_tags_hash_map:bloom_filter",
      "minmax_group_id:minmax",
    ]);
    const [table] = await queryRows<{ create_table_query: string }>(
      current.client,
      `SELECT create_table_query FROM system.tables WHERE database = '${database}' AND name = 'errors'`,
    );
    expect(table?.create_table_query).toMatch(/TTL timestamp \+ toIntervalDay\(retention_days\)/);
    expect(table?.create_table_query).toMatch(/ttl_only_drop_parts = 1/);
  });
});

describe("the project's reads answer the same on 26.9 and 18.16", () => {
  const bodies = [...fixtureBodies(), ...busyBodies()];
  const projects = [...new Set(bodies.map((b) => b.project_id as number))];

  beforeAll(async () => {
    for (const s of [current, old]) await load(s.sink, bodies);
  });

  it("stores identical rows, materialized hashes included, and dedupes count() FINAL by event id", async () => {
    const rowsSql = `SELECT *, _tags_hash_map, _flags_hash_map, user_hash, transaction_hash
      FROM \`${database}\`.\`errors\` FINAL ORDER BY project_id, toString(event_id)
      SETTINGS output_format_json_quote_64bit_integers = 1`;
    const stored = await both((s) => queryRows<Record<string, unknown>>(s.client, rowsSql));
    expect(stored.current.length).toBe(bodies.length);
    expect(normalized(stored.current)).toEqual(normalized(stored.old));

    const countSql = `SELECT project_id, count() AS n FROM \`${database}\`.\`errors\` FINAL
      WHERE deleted = 0 GROUP BY project_id ORDER BY project_id`;
    const counts = await both((s) => queryRows<Record<string, unknown>>(s.client, countSql));
    expect(normalized(counts.current)).toEqual(normalized(counts.old));
    const busy = counts.current.find((row) => Number(row.project_id) === BUSY_PROJECT);
    expect(Number(busy?.n)).toBe(busyBodies().length - 1);
  });

  it("lists issues (pages, since, one issue) the same", async () => {
    for (const projectId of projects) {
      for (const params of [{ projectId }, { projectId, limit: 1 }, { projectId, since: new Date(0) }]) {
        const pages = await both((s) => listIssues(s.sink, params));
        expect(pages.current).toEqual(pages.old);
        expect(pages.current.items.length).toBeGreaterThan(0);
      }
    }
    let cursor: string | undefined;
    const walked: string[] = [];
    do {
      const params = { projectId: BUSY_PROJECT, limit: 1, cursor, since: new Date((BASE_S + 120) * 1000) };
      const pages = await both((s) => listIssues(s.sink, params));
      expect(pages.current).toEqual(pages.old);
      walked.push(...pages.current.items.map((issue) => issue.id));
      cursor = pages.current.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(walked.sort()).toEqual(GROUPS.map(String));
    for (const groupId of GROUPS) {
      const issues = await both((s) => getIssue(s.sink, { projectId: BUSY_PROJECT, groupId }));
      expect(issues.current).toEqual(issues.old);
      expect(issues.current?.count).toBe(groupId === GROUPS[1] ? "8" : "9");
    }
  });

  it("lists an issue's events page by page the same", async () => {
    for (const groupId of GROUPS) {
      let cursor: string | undefined;
      let seen = 0;
      do {
        const params = { projectId: BUSY_PROJECT, groupId, limit: 2, cursor };
        const pages = await both((s) => listEvents(s.sink, params));
        expect(pages.current).toEqual(pages.old);
        seen += pages.current.items.length;
        cursor = pages.current.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(seen).toBe(groupId === GROUPS[1] ? 8 : 9);
    }
    for (const [index, body] of fixtureBodies().entries()) {
      const params = { projectId: 100 + index, groupId: body.group_id as number };
      const pages = await both((s) => listEvents(s.sink, params));
      expect(pages.current).toEqual(pages.old);
      expect(pages.current.items).toHaveLength(1);
    }
  });

  it("reads the groups record for `groups rebuild` the same", async () => {
    const sourceOf = (s: Server) => new ClickHouseGroupRecordSource(s.client, database);
    const projectIds = await both((s) => sourceOf(s).projectIds());
    expect(projectIds.current).toEqual(projectIds.old);
    expect(projectIds.current).toEqual([...projects].sort((a, b) => a - b));
    for (const projectId of projectIds.current) {
      const read = async (s: Server) => {
        const source = sourceOf(s);
        const pages = [];
        for await (const page of source.groups(projectId)) pages.push(page);
        const environments = (await source.environments(projectId)).sort(
          (a, b) => a.groupId - b.groupId || a.environment.localeCompare(b.environment),
        );
        return { pages, environments };
      };
      const record = await both(read);
      expect(record.current).toEqual(record.old);
      expect(record.current.pages.flat().length).toBeGreaterThan(0);
    }
    const busy = await both((s) => s.sink.readIssues({ projectId: BUSY_PROJECT, limit: 10 }));
    expect(busy.current).toEqual(busy.old);
  });

  it("leaves expiry to the table TTL on 26.9 (no partition dropped by the janitor)", async () => {
    expect(await dropExpiredErrorPartitions(current.client, database, NOW_MS)).toEqual([]);
  });
});
