import type { Options } from "../config/options.ts";
import { type AutoOffsetReset, parseAutoOffsetReset } from "./kafka-offset-reset.ts";

export interface KafkaConsumerConfig {
  readonly groupId: string;
  readonly autoOffsetReset: AutoOffsetReset;
  readonly strictOffsetReset: boolean;
  readonly sessionTimeoutMs: number;
  /** How long a revocation may wait for `poll()`; also the group's rebalance timeout. */
  readonly maxPollIntervalMs: number;
  readonly bufferBytes: number;
  readonly fetchMaxWaitMs: number;
}

export function kafkaConsumerConfig(
  options: Pick<
    Options,
    | "autoOffsetReset"
    | "strictOffsetReset"
    | "kafkaSessionTimeoutMs"
    | "maxPollIntervalMs"
    | "kafkaConsumerBufferBytes"
    | "kafkaFetchMaxWaitMs"
  >,
  groupId: string,
): KafkaConsumerConfig {
  return {
    groupId,
    autoOffsetReset: parseAutoOffsetReset(options.autoOffsetReset),
    strictOffsetReset: options.strictOffsetReset,
    sessionTimeoutMs: options.kafkaSessionTimeoutMs,
    maxPollIntervalMs: options.maxPollIntervalMs,
    bufferBytes: options.kafkaConsumerBufferBytes,
    fetchMaxWaitMs: options.kafkaFetchMaxWaitMs,
  };
}

const HEARTBEAT_MAX_MS = 3000;
/** kafkajs's default; smaller buffers fetch less per request so one fetch cannot dwarf them. */
const KAFKAJS_MAX_BYTES_PER_PARTITION = 1024 * 1024;
/** Time kept in hand between the end of a revocation and the broker evicting the member. */
const SESSION_MARGIN_MS = 2000;

export interface SessionTimings {
  readonly heartbeatIntervalMs: number;
  /**
   * How long a revocation waits for `poll()` before kafkajs rejoins anyway: within the
   * max poll interval, and early enough that the broker has not evicted the member (no
   * heartbeats go out while kafkajs waits to rejoin).
   */
  readonly revocationBoundMs: number;
  readonly fetchMaxBytesPerPartition: number;
}

export function sessionTimings(config: KafkaConsumerConfig): SessionTimings {
  const heartbeatIntervalMs = Math.min(HEARTBEAT_MAX_MS, Math.floor(config.sessionTimeoutMs / 3));
  return {
    heartbeatIntervalMs,
    revocationBoundMs: Math.max(
      1000,
      Math.min(config.maxPollIntervalMs, config.sessionTimeoutMs - heartbeatIntervalMs - SESSION_MARGIN_MS),
    ),
    fetchMaxBytesPerPartition: Math.min(KAFKAJS_MAX_BYTES_PER_PARTITION, config.bufferBytes),
  };
}
