// cli/commands/context.ts
import { loadOptions, OptionError } from "../../config/options.js";
import { loadTopology, TopologyError } from "../../config/topology.js";
import { createLogger } from "../../observability/logger.js";
import { KafkaAdmin } from "../../producers/kafka-admin.js";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.js";
import { UsageError } from "../usage.js";
function resolveOptions(overrides, env = process.env) {
  try {
    return loadOptions(env, overrides);
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(error.message);
    throw error;
  }
}
async function readTopology(path) {
  try {
    return await loadTopology(path);
  } catch (error) {
    if (error instanceof TopologyError) throw new UsageError(error.message);
    if (error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "EISDIR")) {
      throw new UsageError(
        `cannot read the topology file ${path} (${error.code}); pass --topology FILE or set INGEST_TOPOLOGY`
      );
    }
    throw error;
  }
}
function commandLogger(options, name) {
  return createLogger({ level: options.logLevel, name, destination: "stderr" });
}
function openAdmin(options, logger) {
  return KafkaAdmin.create(createKafkaClient(kafkaClientConfig(options), logger));
}
var TOPOLOGY_FLAG = [
  "--topology <file>",
  "topology file (default: option topologyFile, INGEST_TOPOLOGY)"
];
var LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
export {
  LOG_LEVELS,
  TOPOLOGY_FLAG,
  commandLogger,
  openAdmin,
  readTopology,
  resolveOptions
};
//# sourceMappingURL=context.js.map
