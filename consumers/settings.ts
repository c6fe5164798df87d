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
    super(`unknown consumer "${consumer}"; topology.yaml defines: ${known.join(", ")}`);
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
