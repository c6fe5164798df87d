import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClickHouseClient, createClient } from "@clickhouse/client";
import { Redis } from "ioredis";
import { loadOptions, type Options } from "../../../config/options.ts";
import { silentLogger } from "../../../observability/logger.ts";
import type { KafkaPayload } from "../../../pipelines/types.ts";
import { KafkaAdmin } from "../../../producers/kafka-admin.ts";
import { createKafkaClient, kafkaClientConfig } from "../../../producers/kafka-client.ts";
import {
  createKafkaProducerFactory,
  type KafkaProducerFactory,
} from "../../../producers/kafka-producer-factory.ts";
import type { Producer } from "../../../producers/types.ts";
import { ingest, type UniqueTopology, writeUniqueTopology } from "../../integration/cli-support.ts";
import { projectsYaml } from "./generator.ts";
import { Supervisor, type Supervisor as SupervisorType, sleep } from "./supervisor.ts";

// One isolated copy of the whole pipeline on the real servers: run-unique topics (a
// temporary topology), consumer groups, ClickHouse database and Redis key prefix, the four
// consumers as `ingest consumer run` processes, a producer standing in for Relay, and the
// read side the checks need (ClickHouse rows, group lag).

export const CONSUMERS = ["relay-intake", "normalize", "grouping", "storage"] as const;
export type ConsumerName = (typeof CONSUMERS)[number];

export interface PipelineConfig {
  readonly prefix: string;
  readonly projectIds: ReadonlyArray<number>;
  /** Extra environment for every consumer process (batch sizes, retry limits, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra node flags for one consumer only (--cpu-prof for a profile, say). */
  readonly consumerNodeArgs?: Readonly<Partial<Record<ConsumerName, ReadonlyArray<string>>>>;
}

export interface LagSample {
  readonly at: number;
  /** Consumer → total lag over its input partitions. */
  readonly lag: Readonly<Record<string, number>>;
}

export class Pipeline {
  readonly dir: string;
  readonly topology: UniqueTopology;
  readonly database: string;
  readonly redisPrefix: string;
  readonly env: Record<string, string>;
  readonly supervisor: SupervisorType;
  readonly options: Options;
  readonly clickhouse: ClickHouseClient;
  readonly admin: KafkaAdmin;
  private producers: KafkaProducerFactory;
  private producer: Producer;
  /** Bumped on every producer reset, so concurrent failures reset once. */
  private producerGeneration = 0;
  readonly lagSamples: LagSample[] = [];
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(readonly config: PipelineConfig) {
    this.dir = mkdtempSync(join(tmpdir(), `${config.prefix}-`));
    this.topology = writeUniqueTopology(join(this.dir, "topology.yaml"), config.prefix);
    this.database = config.prefix.replaceAll("-", "_");
    this.redisPrefix = `${config.prefix}:`;
    const projectsFile = join(this.dir, "projects.yaml");
    writeFileSync(projectsFile, projectsYaml(config.projectIds));
    this.env = {
      INGEST_TOPOLOGY: this.topology.file,
      INGEST_CLICKHOUSE_DATABASE: this.database,
      INGEST_STORAGE_AUTO_MIGRATE: "true",
      INGEST_REDIS_KEY_PREFIX: this.redisPrefix,
      INGEST_PROJECT_SOURCE: "file",
      INGEST_PROJECTS: projectsFile,
      INGEST_ATTACHMENT_DIR: join(this.dir, "attachments"),
      INGEST_AUTO_OFFSET_RESET: "earliest",
      INGEST_LOG_LEVEL: "info",
      ...config.env,
    };
    this.options = loadOptions({ ...process.env, ...this.env });
    this.supervisor = new Supervisor(["--topology", this.topology.file], this.env);
    for (const name of CONSUMERS)
      this.supervisor.add(name, name, [], {}, config.consumerNodeArgs?.[name] ?? []);
    this.clickhouse = createClient({
      url: this.options.clickhouseUrl,
      username: this.options.clickhouseUser,
      password: this.options.clickhousePassword,
      request_timeout: 30_000,
    });
    this.admin = KafkaAdmin.create(createKafkaClient(kafkaClientConfig(this.options), silentLogger()));
    this.producers = createKafkaProducerFactory(this.options, { logger: silentLogger() });
    this.producer = this.producers("e2e-relay");
  }

  get inputTopic(): string {
    return this.topology.topic("ingest-events");
  }

  /** Creates the topics, then starts the four consumers and waits until each owns partitions. */
  async start(): Promise<void> {
    const applied = await ingest(["topology", "apply", "--yes", "--topology", this.topology.file], this.env);
    if (applied.code !== 0) throw new Error(`topology apply failed: ${applied.stderr}`);
    for (const process of this.supervisor.processes.values()) process.start();
    await Promise.all(
      [...this.supervisor.processes.values()].map((process) => process.waitForLine(/partitions\.assigned/)),
    );
  }

  /**
   * Produces a message to ingest-events; resolves after the broker acknowledged it. On a
   * failure the producer is replaced: after a broker restart kafkajs's idempotent producer
   * can be left refusing every send (OUT_OF_ORDER_SEQUENCE_NUMBER, not retriable), and
   * Relay's own producer would reconnect too. The caller retries.
   */
  async produce(payload: KafkaPayload): Promise<void> {
    const generation = this.producerGeneration;
    try {
      await this.producer.produce(this.inputTopic, payload);
    } catch (error) {
      if (generation === this.producerGeneration) {
        this.producerGeneration += 1;
        this.producerResets += 1;
        const old = this.producers;
        this.producers = createKafkaProducerFactory(this.options, { logger: silentLogger() });
        this.producer = this.producers("e2e-relay");
        void old.close().catch(() => undefined);
      }
      throw error;
    }
  }

  /** How often produce() replaced its producer after a failure. */
  producerResets = 0;

  group(consumer: ConsumerName): string {
    return this.topology.group(consumer);
  }

  inputsOf(consumer: ConsumerName): string[] {
    const input: Record<ConsumerName, string> = {
      "relay-intake": "ingest-events",
      normalize: "events-raw",
      grouping: "events-normalized",
      storage: "events",
    };
    return [this.topology.topic(input[consumer])];
  }

  async lag(consumer: ConsumerName): Promise<number> {
    const partitions = await this.admin.lag(this.group(consumer), this.inputsOf(consumer));
    return partitions.reduce((sum, partition) => sum + partition.lag, 0);
  }

  /** Samples every group's lag every `intervalMs` until stopLagSampling(). */
  startLagSampling(intervalMs = 2000): void {
    const tick = async () => {
      const lag: Record<string, number> = {};
      for (const consumer of CONSUMERS) {
        // A broker restart makes a sample fail; the next one is taken on schedule.
        lag[consumer] = await this.lag(consumer).catch(() => Number.NaN);
      }
      this.lagSamples.push({ at: Date.now(), lag });
      this.lagTimer = setTimeout(() => void tick(), intervalMs);
    };
    this.lagTimer = setTimeout(() => void tick(), intervalMs);
  }

  stopLagSampling(): void {
    if (this.lagTimer !== undefined) clearTimeout(this.lagTimer);
    this.lagTimer = undefined;
  }

  maxLag(): Record<string, number> {
    const max: Record<string, number> = {};
    for (const sample of this.lagSamples) {
      for (const [consumer, lag] of Object.entries(sample.lag)) {
        if (Number.isFinite(lag)) max[consumer] = Math.max(max[consumer] ?? 0, lag);
      }
    }
    return max;
  }

  /** Rows in the errors table (without FINAL: what a query sees right now). */
  async storedRows(): Promise<number> {
    const rows = await this.query<{ n: string }>(`SELECT count() AS n FROM ${this.database}.errors`);
    return Number(rows[0]?.n ?? 0);
  }

  /** Event id (32 hex) → rows after FINAL. */
  async finalCounts(): Promise<Map<string, number>> {
    const rows = await this.query<{ id: string; n: string }>(
      `SELECT replaceAll(toString(event_id), '-', '') AS id, count() AS n FROM ${this.database}.errors FINAL GROUP BY id`,
    );
    return new Map(rows.map((row) => [row.id, Number(row.n)]));
  }

  /** Of `ids`, those already queryable. */
  async visible(ids: ReadonlyArray<string>): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const list = ids.map((id) => `'${id}'`).join(",");
    const rows = await this.query<{ id: string }>(
      `SELECT replaceAll(toString(event_id), '-', '') AS id FROM ${this.database}.errors WHERE replaceAll(toString(event_id), '-', '') IN (${list})`,
    );
    return new Set(rows.map((row) => row.id));
  }

  async query<T>(query: string): Promise<T[]> {
    const result = await this.clickhouse.query({ query, format: "JSONEachRow" });
    return result.json<T>();
  }

  /** Waits until `consumer`'s group has no lag left and `stored()` stops growing. */
  async waitForDrain(expectedRows: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.storedRows().catch(() => -1);
      if (rows >= expectedRows) {
        const lags = await Promise.all(CONSUMERS.map((consumer) => this.lag(consumer).catch(() => -1)));
        if (lags.every((lag) => lag === 0)) return;
      }
      if (Date.now() > deadline) {
        const lags = await Promise.all(CONSUMERS.map((consumer) => this.lag(consumer).catch(() => -1)));
        throw new Error(
          `not drained after ${timeoutMs} ms: ${rows} of ${expectedRows} rows, lag ${JSON.stringify(lags)}`,
        );
      }
      await sleep(1000);
    }
  }

  /** Stops the consumers (drain), then removes every trace of the run. */
  async close(): Promise<void> {
    this.stopLagSampling();
    await this.supervisor.stopAll();
    await this.producers.close().catch(() => undefined);
    const existing = new Set(await this.admin.listTopics().catch(() => [] as string[]));
    await this.admin
      .deleteTopics(this.topology.topics.filter((topic) => existing.has(topic)))
      .catch(() => {});
    await this.admin.close();
    await this.clickhouse.command({ query: `DROP DATABASE IF EXISTS ${this.database}` }).catch(() => {});
    await this.clickhouse.close();
    await deleteRedisPrefix(this.options.redisUrl, this.redisPrefix);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
