import type { ConsumerDefinition } from "./definition.ts";
import { groupingConsumer } from "./grouping/definition.ts";
import { normalizeConsumer } from "./normalize/definition.ts";
import { relayIntakeConsumer } from "./relay-intake/definition.ts";
import { storageConsumer } from "./storage/definition.ts";

// The consumers this build can run, by their topology.yaml name. `ingest consumer run`,
// `ingest dev` and the CLI tests read this one list. A consumer that topology.yaml
// declares but that has no definition here yet is refused with a clear reason.
//
// To add one: import its definition and put it in DEFINITIONS.

/** Every consumer of the pipeline, in data-flow order. */
export const CONSUMER_NAMES = ["relay-intake", "normalize", "grouping", "storage"] as const;
export type ConsumerName = (typeof CONSUMER_NAMES)[number];

/**
 * A definition with its resource type forgotten: the registry holds consumers with
 * different resources, and only the definition itself ever looks inside them.
 */
export type RegisteredConsumer = ConsumerDefinition<unknown>;

const DEFINITIONS: Readonly<Partial<Record<ConsumerName, RegisteredConsumer>>> = {
  "relay-intake": relayIntakeConsumer,
  normalize: normalizeConsumer,
  grouping: groupingConsumer,
  storage: storageConsumer,
};

export function isConsumerName(name: string): name is ConsumerName {
  return (CONSUMER_NAMES as ReadonlyArray<string>).includes(name);
}

/** The definition of `name`, or undefined when this build has none. */
export function consumerDefinition(name: string): RegisteredConsumer | undefined {
  return isConsumerName(name) ? DEFINITIONS[name] : undefined;
}

/** The consumers that have a definition in this build, in data-flow order. */
export function availableConsumers(): ConsumerName[] {
  return CONSUMER_NAMES.filter((name) => DEFINITIONS[name] !== undefined);
}
