import { kafkaTopicConfig, type Topology } from "../../config/topology.ts";
import type { ClusterTopic } from "../../producers/kafka-admin.ts";

// What `ingest topology plan` shows and `ingest topology apply` does: the differences
// between topology.yaml and the cluster, as changes Kafka can make (create a topic, add
// partitions, set configs) and refusals for those it cannot or we never make (remove
// partitions, change the replication factor, delete a topic). Pure, so the rules are
// pinned by unit tests; the commands only fetch the cluster's side and print.

/** A config value: null means "not set on the topic" (the broker default applies). */
export interface ConfigChange {
  readonly name: string;
  readonly from: string | null;
  readonly to: string | null;
}

export type TopicChange =
  | {
      readonly kind: "create";
      readonly topic: string;
      readonly partitions: number;
      readonly replicationFactor: number;
      readonly config: Readonly<Record<string, string>>;
    }
  | { readonly kind: "add-partitions"; readonly topic: string; readonly from: number; readonly to: number }
  | {
      readonly kind: "alter-config";
      readonly topic: string;
      readonly changes: ReadonlyArray<ConfigChange>;
      /** Every declared config: Kafka's AlterConfigs replaces the topic's whole set. */
      readonly config: Readonly<Record<string, string>>;
    };

export interface Refusal {
  readonly topic: string;
  readonly field: "partitions" | "replicationFactor";
  readonly declared: number;
  readonly actual: number;
  readonly reason: string;
}

export interface TopologyPlan {
  readonly changes: TopicChange[];
  readonly refusals: Refusal[];
  /** Declared topics that already match. */
  readonly upToDate: string[];
}

const FEWER_PARTITIONS =
  "Kafka cannot remove partitions; ingest never deletes a topic to recreate it " +
  "(that loses its data): raise partitions in topology.yaml, or recreate the topic by hand";
const REPLICATION_FACTOR =
  "changing the replication factor needs a partition reassignment " +
  "(kafka-reassign-partitions.sh), which ingest does not do";

// Kafka reports list-valued configs in its own order.
function sameValue(name: string, a: string, b: string): boolean {
  if (name === "cleanup.policy") {
    const parts = (value: string) =>
      value
        .split(",")
        .map((part) => part.trim())
        .sort()
        .join(",");
    return parts(a) === parts(b);
  }
  return a === b;
}

function configChanges(declared: Readonly<Record<string, string>>, actual: ClusterTopic): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const [name, value] of Object.entries(declared)) {
    const current = actual.config[name];
    if (current === undefined || !sameValue(name, current, value)) {
      changes.push({ name, from: current ?? null, to: value });
    }
  }
  // Set on the topic but not declared: AlterConfigs replaces the whole set, so applying
  // reverts these to the broker default. Shown so that is never a surprise.
  for (const name of [...actual.dynamicConfigNames].sort()) {
    if (!Object.hasOwn(declared, name)) {
      changes.push({ name, from: actual.config[name] ?? null, to: null });
    }
  }
  return changes;
}

/** The plan that brings the cluster's copy of every declared topic in line with `topology`. */
export function planTopology(topology: Topology, cluster: ReadonlyMap<string, ClusterTopic>): TopologyPlan {
  const plan: TopologyPlan = { changes: [], refusals: [], upToDate: [] };
  for (const spec of Object.values(topology.topics)) {
    const declared = kafkaTopicConfig(spec);
    const actual = cluster.get(spec.name);
    if (actual === undefined) {
      plan.changes.push({
        kind: "create",
        topic: spec.name,
        partitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        config: declared,
      });
      continue;
    }
    let differs = false;
    if (spec.partitions > actual.partitions) {
      plan.changes.push({
        kind: "add-partitions",
        topic: spec.name,
        from: actual.partitions,
        to: spec.partitions,
      });
      differs = true;
    } else if (spec.partitions < actual.partitions) {
      plan.refusals.push({
        topic: spec.name,
        field: "partitions",
        declared: spec.partitions,
        actual: actual.partitions,
        reason: FEWER_PARTITIONS,
      });
      differs = true;
    }
    if (spec.replicationFactor !== actual.replicationFactor) {
      plan.refusals.push({
        topic: spec.name,
        field: "replicationFactor",
        declared: spec.replicationFactor,
        actual: actual.replicationFactor,
        reason: REPLICATION_FACTOR,
      });
      differs = true;
    }
    const changes = configChanges(declared, actual);
    if (changes.length > 0) {
      plan.changes.push({ kind: "alter-config", topic: spec.name, changes, config: declared });
      differs = true;
    }
    if (!differs) plan.upToDate.push(spec.name);
  }
  return plan;
}

function configText(config: Readonly<Record<string, string>>): string {
  return Object.entries(config)
    .map(([name, value]) => `${name}=${value}`)
    .join(", ");
}

function changeLines(change: TopicChange): string[] {
  switch (change.kind) {
    case "create":
      return [
        `  + ${change.topic}: create with ${change.partitions} partition(s), replication factor ` +
          `${change.replicationFactor} (${configText(change.config)})`,
      ];
    case "add-partitions":
      return [
        `  ~ ${change.topic}: partitions ${change.from} -> ${change.to} ` +
          "(new messages of a key may go to another partition than its older ones)",
      ];
    case "alter-config":
      return change.changes.map(
        (c) =>
          `  ~ ${change.topic}: config ${c.name} ${c.from ?? "(default)"} -> ` +
          `${c.to ?? "(broker default: set on the cluster, not in topology.yaml)"}`,
      );
  }
}

/** The plan for people, one line per change; ends with a summary line. */
export function formatPlan(plan: TopologyPlan): string[] {
  const lines = plan.changes.flatMap(changeLines);
  for (const refusal of plan.refusals) {
    const what = refusal.field === "partitions" ? "partitions" : "replication factor";
    lines.push(
      `  ! ${refusal.topic}: ${what} ${refusal.actual} on the cluster, ${refusal.declared} in topology.yaml; ` +
        `not changed: ${refusal.reason}`,
    );
  }
  if (plan.upToDate.length > 0) lines.push(`  = ${plan.upToDate.length} topic(s) up to date`);
  const count = (kind: TopicChange["kind"]) => plan.changes.filter((c) => c.kind === kind).length;
  lines.push(
    `Plan: ${count("create")} to create, ${count("add-partitions")} to grow, ` +
      `${count("alter-config")} to reconfigure, ${plan.refusals.length} refused.`,
  );
  return lines;
}

/** The plan for scripts (`--json`). */
export function planJson(plan: TopologyPlan): Record<string, unknown> {
  return {
    changes: plan.changes,
    refusals: plan.refusals,
    upToDate: plan.upToDate,
  };
}
