import type { Options } from "../config/options.ts";
import type { Topology } from "../config/topology.ts";
import type { ConsumerSettings } from "./definition.ts";

/** Flags an operator may pass to `ingest consumer run`; unset ones fall back to topology.yaml. */
export interface ConsumerOverrides {
  readonly groupId?: string;
  readonly maxBatchSize?: number;
  readonly maxBatchTimeMs?: number;
  readonly concurrency?: number;
  readonly enableDlq?: boolean;
}

export class UnknownConsumerError extends Error {
  constructor(
    readonly consumer: string,
    known: ReadonlyArray<string>,
  ) {
    super(`unknown consumer "${consumer}"; the topology defines: ${known.join(", ")}`);
    this.name = "UnknownConsumerError";
  }
}

/**
 * The effective settings of consumer `name`: flags over topology.yaml; the options registry
 * fills what topology.yaml leaves out (its batch and concurrency fields are optional there).
 */
export function resolveConsumerSettings(
  topology: Topology,
  name: string,
  options: Pick<Options, "maxBatchSize" | "maxBatchTimeMs" | "concurrency">,
  overrides: ConsumerOverrides = {},
): ConsumerSettings {
  const spec = topology.consumers[name];
  if (spec === undefined) throw new UnknownConsumerError(name, Object.keys(topology.consumers));
  const dlqEnabled = overrides.enableDlq ?? true;
  return {
    name,
    groupId: overrides.groupId ?? spec.groupId,
    inputs: [...spec.inputs],
    outputs: [...spec.outputs],
    dlq: new Map(dlqEnabled ? Object.entries(spec.dlq) : []),
    maxBatchSize: overrides.maxBatchSize ?? spec.maxBatchSize ?? options.maxBatchSize,
    maxBatchTimeMs: overrides.maxBatchTimeMs ?? spec.maxBatchTimeMs ?? options.maxBatchTimeMs,
    concurrency: overrides.concurrency ?? spec.concurrency ?? options.concurrency,
  };
}

/** The options a running consumer's behaviour depends on, besides its settings. */
export type ConsumerRuntimeOptions = Pick<
  Options,
  | "kafkaBrokers"
  | "autoOffsetReset"
  | "strictOffsetReset"
  | "maxPollIntervalMs"
  | "kafkaSessionTimeoutMs"
  | "joinTimeoutMs"
  | "commitIntervalMs"
  | "backpressurePauseAfterMs"
  | "healthcheckFile"
  | "metricsHost"
  | "metricsPort"
  | "lagRefreshIntervalMs"
  | "groupInstanceId"
  | "logLevel"
  | "topologyFile"
>;

/**
 * What a consumer runs with, as one flat record: logged once at start (`consumer.started`,
 * whose logger names the consumer) so an operator reading one line knows which flag,
 * topology entry or default won.
 */
export function effectiveConsumerConfig(
  settings: ConsumerSettings,
  options: ConsumerRuntimeOptions,
): Record<string, unknown> {
  return {
    groupId: settings.groupId,
    inputs: settings.inputs,
    outputs: settings.outputs,
    dlq: Object.fromEntries(settings.dlq),
    dlqEnabled: settings.dlq.size > 0,
    maxBatchSize: settings.maxBatchSize,
    maxBatchTimeMs: settings.maxBatchTimeMs,
    concurrency: settings.concurrency,
    brokers: options.kafkaBrokers,
    autoOffsetReset: options.autoOffsetReset,
    strictOffsetReset: options.strictOffsetReset,
    maxPollIntervalMs: options.maxPollIntervalMs,
    sessionTimeoutMs: options.kafkaSessionTimeoutMs,
    joinTimeoutMs: options.joinTimeoutMs,
    commitIntervalMs: options.commitIntervalMs,
    backpressurePauseAfterMs: options.backpressurePauseAfterMs,
    healthcheckFile: options.healthcheckFile ?? null,
    metrics: options.metricsPort > 0 ? `${options.metricsHost}:${options.metricsPort}` : null,
    lagRefreshIntervalMs: options.lagRefreshIntervalMs,
    groupInstanceId: options.groupInstanceId ?? null,
    logLevel: options.logLevel,
    topology: options.topologyFile,
  };
}
