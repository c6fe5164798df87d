// cli/commands/consumer.ts
import { Command, Option } from "commander";
import { kafkaBackend } from "../../consumers/backends.js";
import { AUTO_OFFSET_RESETS } from "../../consumers/kafka-offset-reset.js";
import { availableConsumers, consumerDefinition } from "../../consumers/registry.js";
import { startConsumer } from "../../consumers/runner.js";
import {
  resolveConsumerSettings,
  UnknownConsumerError
} from "../../consumers/settings.js";
import { startMetricsServer } from "../../observability/http.js";
import { createLogger } from "../../observability/logger.js";
import { getProcessMetrics } from "../../observability/metrics.js";
import { nonNegativeInt, positiveInt, UsageError } from "../usage.js";
import { LOG_LEVELS, readTopology, resolveOptions, TOPOLOGY_FLAG } from "./context.js";
var FORCED_EXIT_AFTER_MS = 5e3;
function optionOverrides(flags) {
  const overrides = {};
  if (flags.autoOffsetReset !== void 0) overrides.autoOffsetReset = flags.autoOffsetReset;
  if (flags.strictOffsetReset !== void 0) overrides.strictOffsetReset = flags.strictOffsetReset;
  if (flags.healthcheckFile !== void 0) overrides.healthcheckFile = flags.healthcheckFile;
  if (flags.maxPollIntervalMs !== void 0) overrides.maxPollIntervalMs = flags.maxPollIntervalMs;
  if (flags.groupInstanceId !== void 0) overrides.groupInstanceId = flags.groupInstanceId;
  if (flags.metricsPort !== void 0) overrides.metricsPort = flags.metricsPort;
  if (flags.logLevel !== void 0) overrides.logLevel = flags.logLevel;
  if (flags.topology !== void 0) overrides.topologyFile = flags.topology;
  return overrides;
}
function settingsOverrides(flags) {
  if (flags.enableDlq && flags.disableDlq)
    throw new UsageError("--enable-dlq and --disable-dlq contradict each other");
  return {
    ...flags.consumerGroup !== void 0 ? { groupId: flags.consumerGroup } : {},
    ...flags.maxBatchSize !== void 0 ? { maxBatchSize: flags.maxBatchSize } : {},
    ...flags.maxBatchTimeMs !== void 0 ? { maxBatchTimeMs: flags.maxBatchTimeMs } : {},
    ...flags.concurrency !== void 0 ? { concurrency: flags.concurrency } : {},
    ...flags.enableDlq ? { enableDlq: true } : flags.disableDlq ? { enableDlq: false } : {}
  };
}
function definitionFor(topology, name) {
  if (!Object.hasOwn(topology.consumers, name)) {
    throw new UsageError(new UnknownConsumerError(name, Object.keys(topology.consumers)).message);
  }
  const definition = consumerDefinition(name);
  if (definition === void 0) {
    throw new UsageError(
      `consumer "${name}" is declared in the topology but this build has no implementation of it yet (runnable: ${availableConsumers().join(", ") || "none"})`
    );
  }
  return definition;
}
function handleSignals(logger) {
  let running;
  let received = 0;
  const onSignal = (signal) => {
    received += 1;
    logger.info(
      { signal, count: received },
      received === 1 ? "consumer.shutdown_signal" : "consumer.terminate_signal"
    );
    if (running === void 0) {
      if (received > 1) process.exit(1);
      return;
    }
    running.shutdown();
    if (received > 1) setTimeout(() => process.exit(1), FORCED_EXIT_AFTER_MS).unref();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return {
    attach(consumer) {
      running = consumer;
      for (let i = 0; i < received; i++) consumer.shutdown();
    },
    detach() {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    },
    forced: () => received > 1
  };
}
async function closeWithin(backend, timeoutMs, logger) {
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(() => resolve("expired"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([backend.close().then(() => "closed"), expired]);
    if (outcome === "expired") logger.warn({ timeoutMs }, "consumer.backend_close_timeout");
  } finally {
    clearTimeout(timer);
  }
}
async function runConsumer(name, flags) {
  const options = resolveOptions(optionOverrides(flags));
  const topology = await readTopology(options.topologyFile);
  const definition = definitionFor(topology, name);
  const settings = resolveConsumerSettings(topology, name, options, settingsOverrides(flags));
  const logger = createLogger({ level: options.logLevel, name: `ingest-${name}` });
  const metrics = getProcessMetrics();
  const signals = handleSignals(logger);
  const backend = kafkaBackend(options, { logger, metrics });
  let running;
  let server;
  try {
    running = await startConsumer(definition, {
      settings,
      options,
      backend,
      mode: "production",
      metrics,
      logger
    });
    const consumer = running;
    signals.attach(consumer);
    if (options.metricsPort > 0) {
      server = await startMetricsServer({
        registry: metrics.registry,
        port: options.metricsPort,
        host: options.metricsHost,
        health: () => consumer.health()
      });
      logger.info({ host: options.metricsHost, port: server.port }, "metrics.listening");
    }
    await consumer.done;
  } catch (error) {
    running?.shutdown();
    await running?.done.catch(() => void 0);
    throw error;
  } finally {
    signals.detach();
    await server?.close();
    await closeWithin(backend, options.joinTimeoutMs, logger);
  }
  return signals.forced() ? 1 : 0;
}
function printConsumerList(topology, json, out) {
  const rows = Object.values(topology.consumers).map((c) => ({
    name: c.name,
    groupId: c.groupId,
    inputs: c.inputs,
    outputs: c.outputs,
    dlq: c.dlq,
    runnable: consumerDefinition(c.name) !== void 0
  }));
  if (json) {
    out(JSON.stringify(rows, null, 2));
    return;
  }
  const table = [
    ["NAME", "GROUP", "INPUTS", "OUTPUTS", "DLQ", "RUNNABLE"],
    ...rows.map((r) => [
      r.name,
      r.groupId,
      r.inputs.join(","),
      r.outputs.join(",") || "-",
      Object.values(r.dlq).join(",") || "-",
      r.runnable ? "yes" : "no"
    ])
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => (row[column] ?? "").length)));
  for (const row of table)
    out(
      row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()
    );
}
function createConsumerCommand() {
  const consumer = new Command("consumer").description("Run the pipeline's consumers and list them.");
  consumer.command("run").description("Run one consumer on Kafka until SIGTERM/SIGINT (drains, commits and leaves the group).").argument("<name>", "consumer name from the topology: relay-intake, normalize, grouping, storage").option("--consumer-group <group>", "consumer group (default: the consumer's groupId in the topology)").option(
    "--max-batch-size <n>",
    "messages per batch (default: topology, then INGEST_MAX_BATCH_SIZE)",
    positiveInt("--max-batch-size")
  ).option(
    "--max-batch-time-ms <ms>",
    "longest a batch stays open (default: topology, then INGEST_MAX_BATCH_TIME_MS)",
    positiveInt("--max-batch-time-ms")
  ).option(
    "--concurrency <n>",
    "worker threads for CPU steps (default: topology, then INGEST_CONCURRENCY)",
    positiveInt("--concurrency")
  ).addOption(
    new Option("--auto-offset-reset <policy>", "where a group without committed offsets starts").choices(
      AUTO_OFFSET_RESETS
    )
  ).option("--strict-offset-reset", "fail when a committed offset is out of range (the default)").option(
    "--no-strict-offset-reset",
    "reset an out-of-range committed offset by --auto-offset-reset (loses or replays data)"
  ).option("--healthcheck-file <path>", "file touched at most once a second while the loop is healthy").option("--enable-dlq", "route invalid messages to the input topic's DLQ topic (the default)").option("--disable-dlq", "skip invalid messages (counted and logged) instead of dead-lettering them").option(
    "--max-poll-interval-ms <ms>",
    "longest gap between polls before the loop counts as stuck; also the rebalance timeout",
    positiveInt("--max-poll-interval-ms")
  ).option(
    "--group-instance-id <id>",
    "static membership id (accepted; kafkajs 2.2.4 cannot use it, see docs/operations.md)"
  ).option(
    "--metrics-port <port>",
    "serve /metrics and /health on this port (0: off)",
    nonNegativeInt("--metrics-port")
  ).addOption(new Option("--log-level <level>", "pino log level").choices(LOG_LEVELS)).option(...TOPOLOGY_FLAG).action(async (name, flags) => {
    let code;
    try {
      code = await runConsumer(name, flags);
    } catch (error) {
      setImmediate(() => process.exit(process.exitCode ?? 1));
      throw error;
    }
    process.exit(code);
  });
  consumer.command("list").description("List the consumers of the topology with their group and topics.").option(...TOPOLOGY_FLAG).option("--json", "print JSON").action(async (flags) => {
    const options = resolveOptions(flags.topology ? { topologyFile: flags.topology } : {});
    const topology = await readTopology(options.topologyFile);
    printConsumerList(topology, flags.json === true, (line) => process.stdout.write(`${line}
`));
  });
  return consumer;
}
export {
  createConsumerCommand,
  definitionFor,
  optionOverrides,
  printConsumerList,
  runConsumer,
  settingsOverrides
};
//# sourceMappingURL=consumer.js.map
