import { describe, expect, it } from "vitest";
import { toClickHouseErrorRow } from "../../../consumers/storage/clickhouse-row.ts";
import { mapInsertToRow } from "../../../consumers/storage/error-row.ts";
import {
  createErrorsTable,
  ERRORS_INSERT_COLUMNS,
} from "../../../consumers/storage/migrations/0001_create_errors.ts";
import { createGroupsTable } from "../../../consumers/storage/migrations/0002_create_groups.ts";
import { CLICKHOUSE_MIGRATIONS } from "../../../consumers/storage/migrations/index.ts";
import {
  capabilitiesOf,
  parseServerVersion,
  ServerVersionError,
} from "../../../consumers/storage/migrations/server-version.ts";
import { defaultConfig, insertBody, KAFKA } from "./helpers.ts";

// Only 18.16 runs here, so the DDL for current servers is pinned as text: it must carry
// Snuba's LowCardinality types, codecs, TTL and skip indexes there and none of them on 18.16.

const legacy = { database: "ingest", capabilities: capabilitiesOf(parseServerVersion("18.16.1")) };
const current = { database: "ingest", capabilities: capabilitiesOf(parseServerVersion("24.8.4.13")) };

describe("server version gating", () => {
  it("reads version() strings of old and new servers", () => {
    expect(parseServerVersion("18.16.1")).toMatchObject({ major: 18, minor: 16, patch: 1 });
    expect(parseServerVersion("24.8.4.13")).toMatchObject({ major: 24, minor: 8, patch: 4 });
    expect(() => parseServerVersion("unknown")).toThrow(ServerVersionError);
  });

  it("enables the newer features from 20.3 on and none on 18.16 or 19.x", () => {
    expect(Object.values(capabilitiesOf(parseServerVersion("18.16.1")))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(Object.values(capabilitiesOf(parseServerVersion("19.17.4")))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(Object.values(capabilitiesOf(parseServerVersion("20.3.1")))).toEqual([true, true, true, true]);
    expect(Object.values(capabilitiesOf(parseServerVersion("25.1.1.1")))).toEqual([true, true, true, true]);
  });
});

describe("errors table DDL", () => {
  it("is the portable table on 18.16: no LowCardinality, codecs, TTL or skip indexes", () => {
    const ddl = createErrorsTable(legacy);
    expect(ddl).toContain("CREATE TABLE IF NOT EXISTS `ingest`.`errors`");
    for (const feature of ["LowCardinality", "CODEC", "TTL", "INDEX ", "bloom_filter"])
      expect(ddl).not.toContain(feature);
    expect(ddl).toContain("`platform` String,");
    expect(ddl).toContain("`ip_address_v4` Nullable(UInt32)");
    expect(ddl).toContain("`timestamp_ms` Nullable(UInt64)");
    expect(ddl).toContain("`tags.key` Array(String)");
    expect(ddl).toContain("ENGINE = ReplacingMergeTree(deleted)");
    expect(ddl).toContain(
      "ORDER BY (project_id, toStartOfDay(timestamp), primary_hash, cityHash64(toString(event_id)))",
    );
    expect(ddl.trimEnd().endsWith("SETTINGS index_granularity = 8192")).toBe(true);
  });

  it("uses Snuba's LowCardinality, codecs, TTL and skip indexes on a current server", () => {
    const ddl = createErrorsTable(current);
    expect(ddl).toContain("`platform` LowCardinality(String),");
    expect(ddl).toContain("`environment` LowCardinality(Nullable(String)),");
    expect(ddl).toContain("`transaction_name` LowCardinality(String) DEFAULT '',");
    expect(ddl).toContain("`event_id` UUID CODEC(NONE),");
    expect(ddl).toContain("`offset` UInt64 CODEC(DoubleDelta, LZ4),");
    expect(ddl).toContain("INDEX bf_tags_hash_map _tags_hash_map TYPE bloom_filter GRANULARITY 1,");
    expect(ddl).toContain("INDEX bf_flags_hash_map _flags_hash_map TYPE bloom_filter GRANULARITY 1\n)");
    expect(ddl).toContain(
      "SAMPLE BY cityHash64(toString(event_id))\nTTL timestamp + toIntervalDay(retention_days)\n" +
        "SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1",
    );
    // Columns without a LowCardinality type in Snuba stay as they are.
    expect(ddl).toContain("`http_referer` Nullable(String),");
    expect(ddl).toContain("`user` String DEFAULT '',");
  });

  it("escapes the tag-key hash expression like Snuba's migration", () => {
    expect(createErrorsTable(legacy)).toContain(
      "`_tags_hash_map` Array(UInt64) MATERIALIZED arrayMap((k, v) -> cityHash64(concat(replaceRegexpAll(k, " +
        "'(\\\\=|\\\\\\\\)', '\\\\\\\\\\\\1'), '=', v)), `tags.key`, `tags.value`)",
    );
  });

  it("lets an insert carry every column of a mapped row and nothing else", () => {
    const encoded = toClickHouseErrorRow(
      mapInsertToRow(insertBody(), { config: defaultConfig, kafka: KAFKA }),
    );
    const nestedParents = new Set(["contexts", "exception_stacks", "exception_frames", "modules"]);
    const declared = new Set(ERRORS_INSERT_COLUMNS);
    for (const key of Object.keys(encoded)) {
      const parent = key.split(".")[0] ?? key;
      expect(declared.has(key) || nestedParents.has(parent), `column ${key}`).toBe(true);
    }
    expect(
      Object.keys(encoded)
        .filter((key) => !key.includes("."))
        .sort(),
    ).toEqual(ERRORS_INSERT_COLUMNS.filter((name) => !name.includes(".") && !nestedParents.has(name)).sort());
  });
});

describe("groups table DDL and the migration list", () => {
  it("is a ReplacingMergeTree on version keyed by project and group", () => {
    const ddl = createGroupsTable(legacy);
    expect(ddl).toContain("ENGINE = ReplacingMergeTree(version)\nORDER BY (project_id, group_id)");
    expect(ddl).toContain("`level` String,");
    expect(createGroupsTable(current)).toContain("`level` LowCardinality(String),");
  });

  it("numbers migrations 1..n without gaps and only uses idempotent CREATE statements", () => {
    expect(CLICKHOUSE_MIGRATIONS.map((m) => m.version)).toEqual(CLICKHOUSE_MIGRATIONS.map((_, i) => i + 1));
    for (const migration of CLICKHOUSE_MIGRATIONS) {
      for (const context of [legacy, current]) {
        for (const statement of migration.statements(context))
          expect(statement).toMatch(/^CREATE TABLE IF NOT EXISTS /);
      }
    }
  });
});
