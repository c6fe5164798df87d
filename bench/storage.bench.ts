// Rows/s into ClickHouse through ClickHouseSink.insertErrors (batches of 10k mapped rows:
// encoding, retry wrapper, metrics, one JSONEachRow INSERT each) against a bare
// @clickhouse/client insert loop of the same rows already encoded. The ratio sink ÷ bare
// is the sink's efficiency (target ≥ 0.8). Needs the ClickHouse of scripts/services.sh;
// works in a throw-away database. Run: node --import tsx bench/storage.bench.ts
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadOptions } from "../config/options.ts";
import { createStorageClickHouseClient } from "../consumers/storage/clickhouse-client.ts";
import { toClickHouseErrorRow } from "../consumers/storage/clickhouse-row.ts";
import { ClickHouseSink, clickHouseSinkConfig } from "../consumers/storage/clickhouse-sink.ts";
import { type ErrorRow, mapInsertToRow, rowMappingConfig } from "../consumers/storage/error-row.ts";
import type { InsertBody } from "../consumers/storage/insert-body.ts";
import { parseEventstreamJson } from "../consumers/storage/json-float.ts";
import { migrate } from "../consumers/storage/migrate.ts";
import { silentLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 30_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const options = loadOptions(process.env);
const database = `bench_storage_${process.pid}`;
const client = createStorageClickHouseClient(options, { requestTimeoutMs: 120_000 });
const config = rowMappingConfig(options);

function fixture(name: string): InsertBody {
  const text = readFileSync(
    join(import.meta.dirname, "../tests/fixtures/storage/events", `${name}.json`),
    "utf8",
  );
  return (parseEventstreamJson(text) as unknown[])[2] as InsertBody;
}

/** Realistic rows: every third one the 14-frame Android error, the rest small JS/Java errors. */
function makeRows(count: number): ErrorRow[] {
  const templates = [fixture("error-with-threads"), fixture("errors1"), fixture("sdk-info-java")];
  return Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length] as InsertBody;
    const body = {
      ...template,
      project_id: 1 + (i % 50),
      group_id: 1 + (i % 997),
      event_id: (i + 1).toString(16).padStart(32, "0"),
      datetime: new Date((1_700_000_000 + i) * 1000).toISOString().replace("Z", "000Z"),
    };
    return mapInsertToRow(body, { config, kafka: { partition: 0, offset: i, timestampMs: Date.now() } });
  });
}

function batches<T>(items: ReadonlyArray<T>): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

async function bareLoop(encoded: ReadonlyArray<Array<Record<string, unknown>>>): Promise<number> {
  const started = performance.now();
  for (const values of encoded) {
    await client.insert({ table: `\`${database}\`.\`errors\``, values, format: "JSONEachRow" });
  }
  return performance.now() - started;
}

async function throughSink(sink: ClickHouseSink, rows: ReadonlyArray<ErrorRow[]>): Promise<number> {
  const started = performance.now();
  for (const batch of rows) {
    const result = await sink.insertErrors(batch);
    if (result.failures.length > 0) throw new Error(`sink rejected rows: ${result.failures[0]?.message}`);
  }
  return performance.now() - started;
}

// bench/harness.ts (another helper's) did not exist yet; same JSON line format.
function report(figure: {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
}) {
  console.log(JSON.stringify(figure));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

try {
  const migration = await migrate(client, { database });
  const rows = makeRows(ROWS);
  const rowBatches = batches(rows);
  const encodedBatches = rowBatches.map((batch) => batch.map(toClickHouseErrorRow));
  const bytes = encodedBatches.flat().reduce((sum, row) => sum + JSON.stringify(row).length + 1, 0);
  const sink = new ClickHouseSink({
    client,
    config: { ...clickHouseSinkConfig(options), database },
    logger: silentLogger(),
    metrics: createMetrics(),
  });
  console.log(
    `storage sink: ${ROWS} rows (${(bytes / ROWS).toFixed(0)} B/row as JSON) in batches of ${BATCH}, ` +
      `${ROUNDS} rounds, ClickHouse ${migration.server.text}`,
  );
  await bareLoop(encodedBatches.slice(0, 1));
  const bareTimes: number[] = [];
  const sinkTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so background merges of the previous round hit both sides.
    if (round % 2 === 0) {
      bareTimes.push(await bareLoop(encodedBatches));
      sinkTimes.push(await throughSink(sink, rowBatches));
    } else {
      sinkTimes.push(await throughSink(sink, rowBatches));
      bareTimes.push(await bareLoop(encodedBatches));
    }
    console.log(
      `round ${round + 1}: bare ${Math.round((ROWS / (bareTimes[round] as number)) * 1000)} rows/s, ` +
        `sink ${Math.round((ROWS / (sinkTimes[round] as number)) * 1000)} rows/s`,
    );
  }
  const bareRate = (ROWS / median(bareTimes)) * 1000;
  const sinkRate = (ROWS / median(sinkTimes)) * 1000;
  console.log(`bare @clickhouse/client loop: ${Math.round(bareRate)} rows/s`);
  console.log(`ClickHouseSink.insertErrors:  ${Math.round(sinkRate)} rows/s (target ≥ 80% of bare)`);
  report({
    bench: "storage-sink",
    metric: "rows_per_second",
    value: Math.round(sinkRate),
    unit: "rows/s",
    baseline: Math.round(bareRate),
    ratio: Number((sinkRate / bareRate).toFixed(3)),
  });
} finally {
  await client.command({ query: `DROP DATABASE IF EXISTS \`${database}\`` });
  await client.close();
}
