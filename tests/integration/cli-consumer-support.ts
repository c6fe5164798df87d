import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClickHouseClient, createClient } from "@clickhouse/client";
import { afterAll, beforeAll, expect } from "vitest";
import { loadOptions } from "../../config/options.ts";
import { silentLogger } from "../../observability/logger.ts";
import { createMetrics } from "../../observability/metrics.ts";
import { KafkaAdmin } from "../../producers/kafka-admin.ts";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../producers/kafka-producer-factory.ts";
import { uniqueName } from "../helpers/services.ts";
import { ingest, type UniqueTopology, writeUniqueTopology } from "./cli-support.ts";

// What the `ingest consumer run` suites share: this run's copy of the topology, applied
// with the binary itself, a ClickHouse database and Redis prefix of their own, and clients
// to look at what the consumers did. Everything is removed afterwards.

/** The suite's state; the clients and the topology are there once beforeAll ran. */
export class ConsumerSuite {
  readonly dir: string;
  readonly prefix: string;
  readonly database: string;
  /** The environment every consumer of the suite runs with. */
  readonly env: Readonly<Record<string, string>>;
  topology!: UniqueTopology;
  admin!: KafkaAdmin;
  producers!: KafkaProducerFactory;
  clickhouse!: ClickHouseClient;

  constructor(label: string) {
    this.dir = mkdtempSync(join(tmpdir(), `ingest-${label}-`));
    this.prefix = uniqueName(label);
    this.database = this.prefix;
    this.env = {
      INGEST_CLICKHOUSE_DATABASE: this.database,
      INGEST_STORAGE_AUTO_MIGRATE: "true",
      INGEST_REDIS_KEY_PREFIX: `${this.prefix}:`,
      INGEST_ATTACHMENT_DIR: join(this.dir, "attachments"),
      INGEST_KAFKA_FETCH_MAX_WAIT_MS: "100",
      INGEST_LAG_REFRESH_INTERVAL_MS: "300",
    };
  }
}

/** Registers the suite's beforeAll/afterAll and returns its state. */
export function consumerSuite(label: string): ConsumerSuite {
  const suite = new ConsumerSuite(label);
  const { dir, prefix } = suite;
  const options = loadOptions();

  beforeAll(async () => {
    suite.topology = writeUniqueTopology(join(dir, "topology.yaml"), prefix);
    const applied = await ingest(["topology", "apply", "--yes", "--topology", suite.topology.file]);
    expect(applied.code, applied.stderr).toBe(0);
    suite.admin = KafkaAdmin.create(createKafkaClient(kafkaClientConfig(options), silentLogger()));
    suite.producers = createKafkaProducerFactory(options, {
      logger: silentLogger(),
      metrics: createMetrics(),
    });
    suite.clickhouse = createClient({
      url: options.clickhouseUrl,
      username: options.clickhouseUser,
      password: options.clickhousePassword,
    });
  });

  afterAll(async () => {
    await suite.producers?.close();
    if (suite.admin) {
      const existing = new Set(await suite.admin.listTopics());
      await suite.admin.deleteTopics(suite.topology.topics.filter((topic) => existing.has(topic)));
      await suite.admin.close();
    }
    if (suite.clickhouse) {
      await suite.clickhouse.command({ query: `DROP DATABASE IF EXISTS ${suite.database}` });
      await suite.clickhouse.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return suite;
}

/** Prometheus text → sample name with labels → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

/** The sum of a family's samples whose name and labels match. */
export function total(
  scrape: Map<string, number>,
  sample: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const [key, value] of scrape) {
    const name = key.split("{")[0];
    if (name !== sample) continue;
    if (Object.entries(labels).every(([label, want]) => key.includes(`${label}="${want}"`))) sum += value;
  }
  return sum;
}

export async function scrape(port: number): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return samples(await response.text());
}
