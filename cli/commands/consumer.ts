import { Command, Option } from "commander";
import type { Options } from "../../config/options.ts";
import type { Topology } from "../../config/topology.ts";
import { kafkaBackend } from "../../consumers/backends.ts";
import { AUTO_OFFSET_RESETS } from "../../consumers/kafka-offset-reset.ts";
import { availableConsumers, consumerDefinition, type RegisteredConsumer } from "../../consumers/registry.ts";
import { type RunningConsumer, startConsumer } from "../../consumers/runner.ts";
import {
  type ConsumerOverrides,
  resolveConsumerSettings,
  UnknownConsumerError,
} from "../../consumers/settings.ts";
import { startMetricsServer } from "../../observability/http.ts";
import { createLogger, type Logger } from "../../observability/logger.ts";
import { getProcessMetrics } from "../../observability/metrics.ts";
import { nonNegativeInt, positiveInt, UsageError } from "../usage.ts";
import { LOG_LEVELS, readTopology, resolveOptions, TOPOLOGY_FLAG } from "./context.ts";

// `ingest consumer run NAME` and `ingest consumer list`. Run resolves the settings once
// (flags over topology.yaml over the options registry), logs them, runs the consumer on
// Kafka until SIGTERM/SIGINT, then drains, commits, leaves the group and exits 0. A second
// signal terminates the chain without draining and exits 1.

/** After a second signal, the process exits even if closing the consumer hangs. */
const FORCED_EXIT_AFTER_MS = 5000;

export interface RunFlags {
  readonly consumerGroup?: string;
  readonly maxBatchSize?: number;
  readonly maxBatchTimeMs?: number;
  readonly concurrency?: number;
  readonly autoOffsetReset?: string;
  readonly strictOffsetReset?: boolean;
  readonly healthcheckFile?: string;
  readonly enableDlq?: boolean;
  readonly disableDlq?: boolean;
  readonly maxPollIntervalMs?: number;
  readonly groupInstanceId?: string;
  readonly metricsPort?: number;
  readonly logLevel?: string;
  readonly topology?: string;
}

/** The flags that are options-registry values, for `loadOptions`'s overrides. */
export function optionOverrides(flags: RunFlags): Partial<Options> {
  const overrides: { -readonly [K in keyof Options]?: Options[K] } = {};
  if (flags.autoOffsetReset !== undefined) overrides.autoOffsetReset = flags.autoOffsetReset;
  if (flags.strictOffsetReset !== undefined) overrides.strictOffsetReset = flags.strictOffsetReset;
  if (flags.healthcheckFile !== undefined) overrides.healthcheckFile = flags.healthcheckFile;
  if (flags.maxPollIntervalMs !== undefined) overrides.maxPollIntervalMs = flags.maxPollIntervalMs;
  if (flags.groupInstanceId !== undefined) overrides.groupInstanceId = flags.groupInstanceId;
  if (flags.metricsPort !== undefined) overrides.metricsPort = flags.metricsPort;
  if (flags.logLevel !== undefined) overrides.logLevel = flags.logLevel;
  if (flags.topology !== undefined) overrides.topologyFile = flags.topology;
  return overrides;
}

/** The flags that override the consumer's topology.yaml entry. */
export function settingsOverrides(flags: RunFlags): ConsumerOverrides {
  if (flags.enableDlq && flags.disableDlq)
    throw new UsageError("--enable-dlq and --disable-dlq contradict each other");
  return {
    ...(flags.consumerGroup !== undefined ? { groupId: flags.consumerGroup } : {}),
    ...(flags.maxBatchSize !== undefined ? { maxBatchSize: flags.maxBatchSize } : {}),
    ...(flags.maxBatchTimeMs !== undefined ? { maxBatchTimeMs: flags.maxBatchTimeMs } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.enableDlq ? { enableDlq: true } : flags.disableDlq ? { enableDlq: false } : {}),
  };
}

/** The definition of `name`, or a usage error saying why there is none. */
export function definitionFor(topology: Topology, name: string): RegisteredConsumer {
  if (!Object.hasOwn(topology.consumers, name)) {
    throw new UsageError(new UnknownConsumerError(name, Object.keys(topology.consumers)).message);
  }
  const definition = consumerDefinition(name);
  if (definition === undefined) {
    throw new UsageError(
      `consumer "${name}" is declared in the topology but this build has no implementation of it yet ` +
        `(runnable: ${availableConsumers().join(", ") || "none"})`,
    );
  }
  return definition;
}

/**
 * SIGTERM/SIGINT: the first asks the consumer to drain and stop, a second to terminate at
 * once. A signal during startup is remembered and acted on as soon as the consumer runs.
 */
function handleSignals(logger: Logger): {
  attach(running: RunningConsumer): void;
  detach(): void;
  forced(): boolean;
} {
  let running: RunningConsumer | undefined;
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received += 1;
    logger.info(
      { signal, count: received },
      received === 1 ? "consumer.shutdown_signal" : "consumer.terminate_signal",
    );
    if (running === undefined) {
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
    forced: () => received > 1,
  };
}

/**
 * Disconnects the producers, giving up after `timeoutMs`: every produce the chain waited for
 * was acknowledged before the loop ended, so a disconnect that hangs (a broker that went away)
 * must not keep a stopped consumer from exiting.
 */
async function closeWithin(
  backend: { close(): Promise<void> },
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([backend.close().then(() => "closed" as const), expired]);
    if (outcome === "expired") logger.warn({ timeoutMs }, "consumer.backend_close_timeout");
  } finally {
    clearTimeout(timer);
  }
}

/** Runs consumer `name` until it is stopped; resolves to the exit code. */
export async function runConsumer(name: string, flags: RunFlags): Promise<number> {
  const options = resolveOptions(optionOverrides(flags));
  const topology = await readTopology(options.topologyFile);
  const definition = definitionFor(topology, name);
  const settings = resolveConsumerSettings(topology, name, options, settingsOverrides(flags));
  const logger = createLogger({ level: options.logLevel, name: `ingest-${name}` });
  const metrics = getProcessMetrics();
  const signals = handleSignals(logger);
  const backend = kafkaBackend(options, { logger, metrics });
  let running: RunningConsumer | undefined;
  let server: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  try {
    running = await startConsumer(definition, {
      settings,
      options,
      backend,
      mode: "production",
      metrics,
      logger,
    });
    const consumer = running;
    signals.attach(consumer);
    if (options.metricsPort > 0) {
      server = await startMetricsServer({
        registry: metrics.registry,
        port: options.metricsPort,
        host: options.metricsHost,
        health: () => consumer.health(),
      });
      logger.info({ host: options.metricsHost, port: server.port }, "metrics.listening");
    }
    await consumer.done;
  } catch (error) {
    // A crashed loop has already logged processor.crashed; stop what is still running so
    // the process can exit, then let main report the error (exit 1).
    running?.shutdown();
    await running?.done.catch(() => undefined);
    throw error;
  } finally {
    signals.detach();
    await server?.close();
    await closeWithin(backend, options.joinTimeoutMs, logger);
  }
  return signals.forced() ? 1 : 0;
}

export function printConsumerList(topology: Topology, json: boolean, out: (line: string) => void): void {
  const rows = Object.values(topology.consumers).map((c) => ({
    name: c.name,
    groupId: c.groupId,
    inputs: c.inputs,
    outputs: c.outputs,
    dlq: c.dlq,
    runnable: consumerDefinition(c.name) !== undefined,
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
      r.runnable ? "yes" : "no",
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => (row[column] ?? "").length)));
  for (const row of table)
    out(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    );
}

export function createConsumerCommand(): Command {
  const consumer = new Command("consumer").description("Run the pipeline's consumers and list them.");
  consumer
    .command("run")
    .description("Run one consumer on Kafka until SIGTERM/SIGINT (drains, commits and leaves the group).")
    .argument("<name>", "consumer name from the topology: relay-intake, normalize, grouping, storage")
    .option("--consumer-group <group>", "consumer group (default: the consumer's groupId in the topology)")
    .option(
      "--max-batch-size <n>",
      "messages per batch (default: topology, then INGEST_MAX_BATCH_SIZE)",
      positiveInt("--max-batch-size"),
    )
    .option(
      "--max-batch-time-ms <ms>",
      "longest a batch stays open (default: topology, then INGEST_MAX_BATCH_TIME_MS)",
      positiveInt("--max-batch-time-ms"),
    )
    .option(
      "--concurrency <n>",
      "worker threads for CPU steps (default: topology, then INGEST_CONCURRENCY)",
      positiveInt("--concurrency"),
    )
    .addOption(
      new Option("--auto-offset-reset <policy>", "where a group without committed offsets starts").choices(
        AUTO_OFFSET_RESETS,
      ),
    )
    .option("--strict-offset-reset", "fail when a committed offset is out of range (the default)")
    .option(
      "--no-strict-offset-reset",
      "reset an out-of-range committed offset by --auto-offset-reset (loses or replays data)",
    )
    .option("--healthcheck-file <path>", "file touched at most once a second while the loop is healthy")
    .option("--enable-dlq", "route invalid messages to the input topic's DLQ topic (the default)")
    .option("--disable-dlq", "skip invalid messages (counted and logged) instead of dead-lettering them")
    .option(
      "--max-poll-interval-ms <ms>",
      "longest gap between polls before the loop counts as stuck; also the rebalance timeout",
      positiveInt("--max-poll-interval-ms"),
    )
    .option(
      "--group-instance-id <id>",
      "static membership id (accepted; kafkajs 2.2.4 cannot use it, see docs/operations.md)",
    )
    .option(
      "--metrics-port <port>",
      "serve /metrics and /health on this port (0: off)",
      nonNegativeInt("--metrics-port"),
    )
    .addOption(new Option("--log-level <level>", "pino log level").choices(LOG_LEVELS))
    .option(...TOPOLOGY_FLAG)
    .action(async (name: string, flags: RunFlags) => {
      // After a broker restart kafkajs can keep reconnect and crash-restart timers alive past
      // its disconnect (seen in the e2e fault suite), which would hold the process open with
      // its loop gone: a consumer that looks alive and consumes nothing. So the process ends
      // explicitly, after a clean shutdown (the chain has drained and committed) and after a
      // crash alike. The error still reaches main first, which reports it and sets the exit
      // code (2 for a usage error, 1 otherwise) before this immediate runs.
      let code: number;
      try {
        code = await runConsumer(name, flags);
      } catch (error) {
        setImmediate(() => process.exit(process.exitCode ?? 1));
        throw error;
      }
      process.exit(code);
    });
  consumer
    .command("list")
    .description("List the consumers of the topology with their group and topics.")
    .option(...TOPOLOGY_FLAG)
    .option("--json", "print JSON")
    .action(async (flags: { topology?: string; json?: boolean }) => {
      const options = resolveOptions(flags.topology ? { topologyFile: flags.topology } : {});
      const topology = await readTopology(options.topologyFile);
      printConsumerList(topology, flags.json === true, (line) => process.stdout.write(`${line}\n`));
    });
  return consumer;
}
