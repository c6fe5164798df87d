import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClickHouseClient } from "@clickhouse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOptions } from "../../config/options.ts";
import { createStorageClickHouseClient, queryRows } from "../../consumers/storage/clickhouse-client.ts";
import { ClickHouseSink } from "../../consumers/storage/clickhouse-sink.ts";
import { type ErrorRow, mapInsertToRow, rowMappingConfig } from "../../consumers/storage/error-row.ts";
import { mapGroupRow } from "../../consumers/storage/group-row.ts";
import type { InsertBody } from "../../consumers/storage/insert-body.ts";
import { parseEventstreamJson } from "../../consumers/storage/json-float.ts";
import { migrate } from "../../consumers/storage/migrate.ts";
import { listEvents, listIssues } from "../../consumers/storage/queries.ts";
import { dropExpiredErrorPartitions } from "../../consumers/storage/retention.ts";
import { StorageError, type StorageSink } from "../../consumers/storage/sink.ts";
import { SqliteSink } from "../../consumers/storage/sqlite-sink.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";

// Against the real ClickHouse of scripts/services.sh (18.16.1 on the dev machine), in a
// database of its own that is dropped afterwards. Never skipped: without a server it fails
// and says how to start one.

const options = loadOptions(process.env);
const database = `storage_it_${process.pid}_${Date.now().toString(36)}`;
const config = rowMappingConfig(options);
const fastRetry = { initialMs: 20, maxMs: 80, maxAttempts: 3 };
const logger = silentLogger();
let client: ClickHouseClient;

async function requireClickHouse(): Promise<void> {
  const probe = createStorageClickHouseClient(options, { requestTimeoutMs: 3000 });
  try {
    const ping = await probe.ping();
    if (!ping.success) throw ping.error;
  } catch (error) {
    throw new Error(
      `ClickHouse is not reachable at ${options.clickhouseUrl} (${String(error)}); ` +
        "start it with: bash scripts/services.sh up clickhouse",
    );
  } finally {
    await probe.close();
  }
}

function fixtureBody(name: string): InsertBody {
  const text = readFileSync(join(import.meta.dirname, "../fixtures/storage/events", `${name}.json`), "utf8");
  return (parseEventstreamJson(text) as unknown[])[2] as InsertBody;
}

/** Distinct events derived from a fixture: new ids, spread over groups, users and seconds. */
function syntheticBodies(count: number, projectId: number): InsertBody[] {
  const base = fixtureBody("error-with-threads");
  const data = base.data as Record<string, unknown>;
  return Array.from({ length: count }, (_, i) => {
    const second = 1_700_000_000 + i * 7;
    return {
      ...base,
      project_id: projectId,
      event_id: (i + 1).toString(16).padStart(32, "0"),
      group_id: 1000 + (i % 4),
      primary_hash: (2000 + (i % 4)).toString(16).padStart(32, "0"),
      datetime: new Date(second * 1000).toISOString().replace("Z", "000Z"),
      data: {
        ...data,
        title: `Issue ${i % 4} v${i}`,
        culprit: `culprit ${i % 4}`,
        tags: [
          ["level", i % 3 === 0 ? "warning" : "error"],
          ["sentry:user", `id:${i % 5}`],
        ],
      },
    };
  });
}

function rowsOf(bodies: ReadonlyArray<InsertBody>): ErrorRow[] {
  return bodies.map((body, offset) =>
    mapInsertToRow(body, { config, kafka: { partition: 0, offset, timestampMs: Date.now() } }),
  );
}

function sinkFor(
  overrides: {
    client?: ClickHouseClient;
    retry?: typeof fastRetry;
    sleep?: (ms: number) => Promise<void>;
  } = {},
) {
  return new ClickHouseSink({
    client: overrides.client ?? client,
    config: { database, retry: overrides.retry ?? fastRetry },
    logger,
    metrics: createMetrics(),
    sleep: overrides.sleep,
  });
}

async function countFinal(projectId: number): Promise<number> {
  const [row] = await queryRows<{ n: string }>(
    client,
    `SELECT count() AS n FROM \`${database}\`.errors FINAL WHERE project_id = ${projectId} AND deleted = 0`,
  );
  return Number(row?.n);
}

beforeAll(async () => {
  await requireClickHouse();
  client = createStorageClickHouseClient(options);
});

afterAll(async () => {
  if (!client) return;
  await client.command({ query: `DROP DATABASE IF EXISTS \`${database}\`` });
  await client.close();
});

describe("ClickHouse migrations", () => {
  it("run twice at once from two clients, then a third time, leaving one record per version", async () => {
    const other = createStorageClickHouseClient(options);
    try {
      const [a, b] = await Promise.all([
        migrate(client, { database, logger }),
        migrate(other, { database, logger }),
      ]);
      expect(a.server.text).toMatch(/^\d+\.\d+/);
      expect(a.applied.length + b.applied.length).toBeGreaterThanOrEqual(2);
      const again = await migrate(client, { database, logger });
      expect([again.applied, again.alreadyApplied]).toEqual([[], 2]);
    } finally {
      await other.close();
    }
    const versions = await queryRows<{ version: number; name: string }>(
      client,
      `SELECT version, name FROM \`${database}\`.schema_migrations FINAL ORDER BY version`,
    );
    expect(versions).toEqual([
      { version: 1, name: "create_errors" },
      { version: 2, name: "create_groups" },
    ]);
    const tables = await queryRows<{ name: string }>(
      client,
      `SELECT name FROM system.tables WHERE database = '${database}' ORDER BY name`,
    );
    expect(tables.map((t) => t.name)).toEqual(["errors", "groups", "schema_migrations"]);
  });
});

describe("ClickHouseSink", () => {
  it("stores every Snuba fixture row and reads the values back as sent", async () => {
    const sink = sinkFor();
    const row = rowsOf([{ ...fixtureBody("error-with-threads"), project_id: 7 }])[0] as ErrorRow;
    expect(await sink.insertErrors([row])).toEqual({ stored: 1, failures: [] });
    const [stored] = await queryRows<Record<string, unknown>>(
      client,
      `SELECT toString(span_id) AS span, IPv4NumToString(ip_address_v4) AS ip, \`contexts.value\` AS cv,
         \`exception_frames.in_app\` AS in_app, has(_tags_hash_map, cityHash64('environment=debug')) AS hm
       FROM \`${database}\`.errors WHERE project_id = 7`,
    );
    expect(stored).toEqual({
      span: "15661136733572778362",
      ip: "84.115.213.8",
      cv: row["contexts.value"],
      in_app: row["exception_frames.in_app"].map(Number),
      hm: 1,
    });
  });

  it("isolates malformed rows by bisecting the batch and stores all others", async () => {
    const sink = sinkFor();
    const rows = rowsOf(syntheticBodies(20, 11));
    const batch: ErrorRow[] = [...rows];
    batch[5] = { ...(rows[5] as ErrorRow), event_id: "not-a-uuid" };
    batch[13] = { ...(rows[13] as ErrorRow), "exception_frames.lineno": [1] };
    const result = await sink.insertErrors(batch);
    expect(result.stored).toBe(18);
    expect(result.failures.map((f) => [f.index, f.code])).toEqual([
      [5, "27"],
      [13, "190"],
    ]);
    expect(result.failures[1]?.message).toContain("different array sizes");
    expect(await countFinal(11)).toBe(18);
  });

  it("leaves count() FROM errors FINAL unchanged when the same batch is inserted again", async () => {
    const sink = sinkFor();
    const rows = rowsOf(syntheticBodies(50, 12));
    await sink.insertErrors(rows);
    expect(await countFinal(12)).toBe(50);
    expect(await sink.insertErrors(rows)).toEqual({ stored: 50, failures: [] });
    expect(await countFinal(12)).toBe(50);
  });

  it("retries an unreachable server on the capped backoff schedule, then gives up as storage_unavailable", async () => {
    const port = await closedPort();
    const unreachable = createStorageClickHouseClient({
      ...options,
      clickhouseUrl: `http://127.0.0.1:${port}`,
    });
    const waits: number[] = [];
    const started = Date.now();
    const sink = sinkFor({
      client: unreachable,
      retry: { initialMs: 50, maxMs: 120, maxAttempts: 5 },
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    const error = await sink.insertErrors(rowsOf(syntheticBodies(1, 13))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).reason).toBe("storage_unavailable");
    expect(waits).toEqual([50, 100, 120, 120]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    await unreachable.close();
  });

  it("fails a batch for a missing table as storage_rejected without retrying", async () => {
    const waits: number[] = [];
    const sink = new ClickHouseSink({
      client,
      config: { database: `${database}_missing`, retry: fastRetry },
      logger,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const error = await sink.insertErrors(rowsOf(syntheticBodies(2, 14))).catch((e: unknown) => e);
    expect((error as StorageError).reason).toBe("storage_rejected");
    expect(waits).toEqual([]);
  });
});

describe("retention on a server without TTL", () => {
  it("drops the partitions whose retention is over and keeps the others", async () => {
    const sink = sinkFor();
    const old = {
      ...fixtureBody("errors1"),
      project_id: 31,
      retention_days: 30,
      datetime: "2020-01-08T10:00:00.000000Z",
    };
    const recent = {
      ...fixtureBody("sdk-info-java"),
      project_id: 31,
      retention_days: 90,
      datetime: new Date().toISOString().replace("Z", "000Z"),
    };
    await sink.insertErrors(rowsOf([old, recent]));
    const dropped = await dropExpiredErrorPartitions(client, database);
    expect(dropped).toContainEqual({ retentionDays: 30, monday: "2020-01-06" });
    expect(dropped.some((p) => p.retentionDays === 90 && p.monday >= "2024-01-01")).toBe(false);
    expect(await countFinal(31)).toBe(1);
  });
});

describe("SQLite and ClickHouse answer the same", () => {
  let dir: string;
  let sqlite: SqliteSink;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "storage-parity-"));
    sqlite = SqliteSink.open(join(dir, "parity.sqlite"));
  });

  afterAll(async () => {
    await sqlite?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function load(sink: StorageSink, bodies: ReadonlyArray<InsertBody>): Promise<void> {
    const rows = rowsOf(bodies);
    await sink.insertErrors(rows.slice(0, 20));
    await sink.insertErrors(rows.slice(10));
    await sink.upsertGroups(bodies.slice(0, 15).map((body) => mapGroupRow(body)));
    await sink.upsertGroups(bodies.slice(15).map((body) => mapGroupRow(body)));
    await sink.insertErrors([{ ...(rows[3] as ErrorRow), deleted: 1 }]);
  }

  it("lists the same issues and events for the same input", async () => {
    const projectId = 21;
    const bodies = [
      ...syntheticBodies(30, projectId),
      { ...fixtureBody("sdk-info-java"), project_id: projectId },
    ];
    const clickhouse = sinkFor();
    await load(clickhouse, bodies);
    await load(sqlite, bodies);

    const since = new Date((1_700_000_000 + 40) * 1000);
    for (const params of [{ projectId }, { projectId, since }, { projectId, limit: 2 }]) {
      const fromClickHouse = await listIssues(clickhouse, params);
      expect(fromClickHouse.items.length).toBeGreaterThan(0);
      expect(await listIssues(sqlite, params)).toEqual(fromClickHouse);
    }
    const firstPage = await listIssues(clickhouse, { projectId, limit: 2 });
    const cursor = firstPage.nextCursor ?? "";
    expect(await listIssues(sqlite, { projectId, limit: 2, cursor })).toEqual(
      await listIssues(clickhouse, { projectId, limit: 2, cursor }),
    );
    const events = await listEvents(clickhouse, { projectId, groupId: 1003, limit: 3 });
    expect(events.items).toHaveLength(3);
    expect(await listEvents(sqlite, { projectId, groupId: 1003, limit: 3 })).toEqual(events);
    const next = { projectId, groupId: 1003, limit: 3, cursor: events.nextCursor ?? "" };
    expect(await listEvents(sqlite, next)).toEqual(await listEvents(clickhouse, next));
    expect((await listIssues(clickhouse, { projectId: projectId + 1 })).items).toEqual([]);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
