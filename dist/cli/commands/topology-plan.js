// cli/commands/topology-plan.ts
import { kafkaTopicConfig } from "../../config/topology.js";
var FEWER_PARTITIONS = "Kafka cannot remove partitions; ingest never deletes a topic to recreate it (that loses its data): raise partitions in topology.yaml, or recreate the topic by hand";
var REPLICATION_FACTOR = "changing the replication factor needs a partition reassignment (kafka-reassign-partitions.sh), which ingest does not do";
function sameValue(name, a, b) {
  if (name === "cleanup.policy") {
    const parts = (value) => value.split(",").map((part) => part.trim()).sort().join(",");
    return parts(a) === parts(b);
  }
  return a === b;
}
function configChanges(declared, actual) {
  const changes = [];
  for (const [name, value] of Object.entries(declared)) {
    const current = actual.config[name];
    if (current === void 0 || !sameValue(name, current, value)) {
      changes.push({ name, from: current ?? null, to: value });
    }
  }
  for (const name of [...actual.dynamicConfigNames].sort()) {
    if (!Object.hasOwn(declared, name)) {
      changes.push({ name, from: actual.config[name] ?? null, to: null });
    }
  }
  return changes;
}
function planTopology(topology, cluster) {
  const plan = { changes: [], refusals: [], upToDate: [] };
  for (const spec of Object.values(topology.topics)) {
    const declared = kafkaTopicConfig(spec);
    const actual = cluster.get(spec.name);
    if (actual === void 0) {
      plan.changes.push({
        kind: "create",
        topic: spec.name,
        partitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        config: declared
      });
      continue;
    }
    let differs = false;
    if (spec.partitions > actual.partitions) {
      plan.changes.push({
        kind: "add-partitions",
        topic: spec.name,
        from: actual.partitions,
        to: spec.partitions
      });
      differs = true;
    } else if (spec.partitions < actual.partitions) {
      plan.refusals.push({
        topic: spec.name,
        field: "partitions",
        declared: spec.partitions,
        actual: actual.partitions,
        reason: FEWER_PARTITIONS
      });
      differs = true;
    }
    if (spec.replicationFactor !== actual.replicationFactor) {
      plan.refusals.push({
        topic: spec.name,
        field: "replicationFactor",
        declared: spec.replicationFactor,
        actual: actual.replicationFactor,
        reason: REPLICATION_FACTOR
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
function configText(config) {
  return Object.entries(config).map(([name, value]) => `${name}=${value}`).join(", ");
}
function changeLines(change) {
  switch (change.kind) {
    case "create":
      return [
        `  + ${change.topic}: create with ${change.partitions} partition(s), replication factor ${change.replicationFactor} (${configText(change.config)})`
      ];
    case "add-partitions":
      return [
        `  ~ ${change.topic}: partitions ${change.from} -> ${change.to} (new messages of a key may go to another partition than its older ones)`
      ];
    case "alter-config":
      return change.changes.map(
        (c) => `  ~ ${change.topic}: config ${c.name} ${c.from ?? "(default)"} -> ${c.to ?? "(broker default: set on the cluster, not in topology.yaml)"}`
      );
  }
}
function formatPlan(plan) {
  const lines = plan.changes.flatMap(changeLines);
  for (const refusal of plan.refusals) {
    const what = refusal.field === "partitions" ? "partitions" : "replication factor";
    lines.push(
      `  ! ${refusal.topic}: ${what} ${refusal.actual} on the cluster, ${refusal.declared} in topology.yaml; not changed: ${refusal.reason}`
    );
  }
  if (plan.upToDate.length > 0) lines.push(`  = ${plan.upToDate.length} topic(s) up to date`);
  const count = (kind) => plan.changes.filter((c) => c.kind === kind).length;
  lines.push(
    `Plan: ${count("create")} to create, ${count("add-partitions")} to grow, ${count("alter-config")} to reconfigure, ${plan.refusals.length} refused.`
  );
  return lines;
}
function planJson(plan) {
  return {
    changes: plan.changes,
    refusals: plan.refusals,
    upToDate: plan.upToDate
  };
}
export {
  formatPlan,
  planJson,
  planTopology
};
//# sourceMappingURL=topology-plan.js.map
