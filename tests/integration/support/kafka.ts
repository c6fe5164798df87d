import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { loadOptions, type Options } from "../../../config/options.ts";
import type { Consumer } from "../../../consumers/types.ts";
import { type Logger, silentLogger } from "../../../observability/logger.ts";
import type { BrokerValue, KafkaPayload, Partition } from "../../../pipelines/types.ts";
import { KafkaAdmin } from "../../../producers/kafka-admin.ts";
import { createKafkaClient, kafkaClientConfig } from "../../../producers/kafka-client.ts";
import { probeKafka, uniqueName as sharedUniqueName } from "../../helpers/services.ts";

// Shared by the real-Kafka suites: a reachability check that fails loudly (integration tests
// never skip), unique names so parallel helpers' runs never share a topic or a group, and
// an admin that deletes what a suite created.

export const kafkaOptions: Options = loadOptions(process.env);

// Reachability and unique names come from the shared helpers (tests/helpers/services.ts).
export { probeKafka, uniqueName } from "../../helpers/services.ts";

/** Fails (never skips) with how to start Kafka when it is unreachable; await it in beforeAll. */
export const requireKafka: () => Promise<void> = probeKafka;

/** Creates topics for one suite and deletes them at the end. */
export class KafkaTestTopics {
  readonly admin: KafkaAdmin;
  private readonly created: string[] = [];

  constructor(logger: Logger = silentLogger()) {
    this.admin = KafkaAdmin.create(createKafkaClient(kafkaClientConfig(kafkaOptions), logger));
  }

  async create(prefix: string, partitions: number, config: Record<string, string> = {}): Promise<string> {
    const name = sharedUniqueName(prefix);
    await this.admin.createTopics([{ name, partitions, replicationFactor: 1, config }]);
    this.created.push(name);
    return name;
  }

  async cleanup(): Promise<void> {
    await this.admin.deleteTopics(this.created.splice(0));
    await this.admin.close();
  }
}

/** Polls until `count` records arrived or `timeoutMs` passed; returns what it got. */
export async function pollRecords(
  consumer: Consumer,
  count: number,
  timeoutMs: number,
): Promise<BrokerValue<KafkaPayload>[]> {
  const records: BrokerValue<KafkaPayload>[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count && Date.now() < deadline) {
    const record = await consumer.poll(Math.min(500, Math.max(1, deadline - Date.now())));
    if (record) records.push(record);
  }
  return records;
}

/** Polls (keeping the group alive) until `condition` holds or `timeoutMs` passed. */
export async function pollUntil(
  consumer: Consumer,
  condition: () => boolean,
  timeoutMs: number,
  onRecord: (record: BrokerValue<KafkaPayload>) => void = () => {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    const record = await consumer.poll(100);
    if (record) onRecord(record);
  }
  return true;
}

/** `topic:index` → offsets, for readable assertions. */
export function offsetsByKey(offsets: ReadonlyMap<Partition, number>): Record<string, number> {
  return Object.fromEntries([...offsets].map(([p, o]) => [p.key, o]));
}

/**
 * The Kafka client jars `scripts/services.sh` installed (same cache folder and version
 * rules), for suites that run the Java client as a reference producer.
 */
export function kafkaLibDir(): string {
  const script = readFileSync(new URL("../../../scripts/services.sh", import.meta.url), "utf8");
  const pinned = /KAFKA_VERSION="\$\{INGEST_KAFKA_VERSION:-([^}]+)\}"/.exec(script)?.[1];
  const version = process.env.INGEST_KAFKA_VERSION ?? pinned;
  const cache = process.env.INGEST_CACHE_DIR ?? join(homedir(), ".cache", "ingest-pipeline");
  const dir = join(cache, "kafka", "dist", String(version), "lib");
  if (!version || !existsSync(join(dir, `kafka-clients-${version}.jar`))) {
    throw new Error(
      `Kafka client jars not found in ${dir}; install them with: bash scripts/services.sh up kafka`,
    );
  }
  return dir;
}
