import { loadOptions, OptionError, type Options } from "../../config/options.ts";
import { loadTopology, type Topology, TopologyError } from "../../config/topology.ts";
import { createLogger, type Logger } from "../../observability/logger.ts";
import { KafkaAdmin } from "../../producers/kafka-admin.ts";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.ts";
import { UsageError } from "../usage.ts";

// What the operator commands (consumer, topology, lag) share: options from the environment
// with flags on top, topology.yaml, a logger and a Kafka admin. A bad INGEST_* value or
// topology file is a problem with how the command was called, so it exits 2.

/** Options from the environment, with the flags that were given on top. */
export function resolveOptions(
  overrides: Partial<Options>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Options {
  try {
    return loadOptions(env, overrides);
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(error.message);
    throw error;
  }
}

/** topology.yaml (or `--topology FILE`); a missing or invalid file is a usage error listing every problem. */
export async function readTopology(path: string): Promise<Topology> {
  try {
    return await loadTopology(path);
  } catch (error) {
    if (error instanceof TopologyError) throw new UsageError(error.message);
    if (error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "EISDIR")) {
      throw new UsageError(
        `cannot read the topology file ${path} (${error.code}); pass --topology FILE or set INGEST_TOPOLOGY`,
      );
    }
    throw error;
  }
}

/** JSON logs on stderr, so what a command prints on stdout stays clean for scripts. */
export function commandLogger(options: Pick<Options, "logLevel">, name: string): Logger {
  return createLogger({ level: options.logLevel, name, destination: "stderr" });
}

export function openAdmin(
  options: Pick<Options, "kafkaBrokers" | "kafkaClientId">,
  logger: Logger,
): KafkaAdmin {
  return KafkaAdmin.create(createKafkaClient(kafkaClientConfig(options), logger));
}

/** `--topology FILE`, shared by every command that reads the topology. */
export const TOPOLOGY_FLAG = [
  "--topology <file>",
  "topology file (default: option topologyFile, INGEST_TOPOLOGY)",
] as const;

/** Parses a `--log-level` value. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
