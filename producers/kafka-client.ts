import { Kafka, type LogEntry, logLevel } from "kafkajs";
import type { Options } from "../config/options.ts";
import type { Logger } from "../observability/logger.ts";
import { registerCompressionCodecs } from "./compression.ts";

/** What a kafkajs client needs from the options registry. */
export interface KafkaClientConfig {
  readonly brokers: ReadonlyArray<string>;
  readonly clientId: string;
}

export function kafkaClientConfig(
  options: Pick<Options, "kafkaBrokers" | "kafkaClientId">,
): KafkaClientConfig {
  return { brokers: options.kafkaBrokers, clientId: options.kafkaClientId };
}

/** kafkajs's INFO level narrates every join and fetcher restart; keep it for debug runs. */
function kafkajsLevelFor(logger: Logger): logLevel {
  return logger.isLevelEnabled("debug") ? logLevel.INFO : logLevel.WARN;
}

/**
 * A kafkajs client whose logs go through pino (constant event name `kafkajs.log`, kafkajs's
 * own message as a field) and which can read every codec Kafka writes. `onLog` sees each
 * entry first: the consumer uses it to learn of resets kafkajs performs silently.
 */
export function createKafkaClient(
  config: KafkaClientConfig,
  logger: Logger,
  onLog?: (entry: LogEntry) => void,
): Kafka {
  registerCompressionCodecs();
  const level = kafkajsLevelFor(logger);
  return new Kafka({
    brokers: [...config.brokers],
    clientId: config.clientId,
    logLevel: level,
    logCreator: () => (entry: LogEntry) => {
      onLog?.(entry);
      const { message, timestamp: _timestamp, ...extra } = entry.log;
      const fields = { kafkajsNamespace: entry.namespace, kafkajsMessage: message, ...extra };
      if (entry.level === logLevel.ERROR) logger.error(fields, "kafkajs.log");
      else if (entry.level === logLevel.WARN) logger.warn(fields, "kafkajs.log");
      else if (entry.level === logLevel.INFO) logger.info(fields, "kafkajs.log");
      else logger.debug(fields, "kafkajs.log");
    },
  });
}

/**
 * The Kafka protocol error code (`REBALANCE_IN_PROGRESS`, ...) behind a kafkajs error, looking
 * through the retry wrappers kafkajs puts around it. kafkajs's error classes are not named
 * ESM exports, so this reads the `type` field its protocol errors carry.
 */
export function kafkaErrorType(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const type = (current as Error & { type?: unknown }).type;
    if (typeof type === "string") return type;
    current = current.cause ?? (current as Error & { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** kafkajs error classes that mean the broker could not be reached or did not answer. */
const UNREACHABLE_ERRORS = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSBrokerNotFound",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSMetadataNotLoaded",
]);

/** Protocol errors a broker answers with while it (or its coordinator or leaders) starts up. */
const STARTING_UP_ERRORS = new Set([
  "GROUP_LOAD_IN_PROGRESS",
  "GROUP_COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR_FOR_GROUP",
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
  "NOT_ENOUGH_REPLICAS",
  "UNKNOWN_LEADER_EPOCH",
]);

/**
 * True when `error` (looking through kafkajs's retry wrappers) says the cluster is
 * unavailable for now (a broker restarting, a coordinator or leader moving) rather than
 * that the request itself was wrong. kafkajs gives up on these after its own retry budget
 * (about 10 s for a commit, and a produce whose reconnect fails gives up at once), which
 * is shorter than a broker restart; callers that can wait longer retry them.
 */
export function isBrokerUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (UNREACHABLE_ERRORS.has(current.name)) return true;
    const type = (current as Error & { type?: unknown }).type;
    if (typeof type === "string") return STARTING_UP_ERRORS.has(type);
    current = current.cause ?? (current as Error & { originalError?: unknown }).originalError;
  }
  return false;
}
