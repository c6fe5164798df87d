// cli/commands/topology.ts
import { createInterface } from "node:readline/promises";
import { Command } from "commander";
import { UsageError } from "../usage.js";
import { commandLogger, openAdmin, readTopology, resolveOptions, TOPOLOGY_FLAG } from "./context.js";
import { formatPlan, planJson, planTopology } from "./topology-plan.js";
var processIo = {
  out: (line) => process.stdout.write(`${line}
`),
  err: (line) => process.stderr.write(`${line}
`),
  confirm: process.stdin.isTTY && process.stdout.isTTY ? async (question) => {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await prompt.question(question)).trim());
    } finally {
      prompt.close();
    }
  } : void 0
};
async function withSession(flags, run) {
  const options = resolveOptions(flags.topology ? { topologyFile: flags.topology } : {});
  const topology = await readTopology(options.topologyFile);
  const logger = commandLogger(options, "ingest-topology");
  const admin = openAdmin(options, logger);
  try {
    return await run({ options, topology, admin, logger });
  } finally {
    await admin.close();
  }
}
async function currentPlan(session) {
  const cluster = await session.admin.describeTopics(Object.keys(session.topology.topics));
  return planTopology(session.topology, cluster);
}
function printPlan(io, session, plan, json) {
  if (json) {
    io.out(JSON.stringify(planJson(plan), null, 2));
    return;
  }
  io.out(`topology ${session.options.topologyFile} against ${session.options.kafkaBrokers.join(",")}:`);
  for (const line of formatPlan(plan)) io.out(line);
}
async function createTopics(admin, changes) {
  if (changes.length === 0) return /* @__PURE__ */ new Set();
  const created = await admin.createTopics(
    changes.map((change) => ({
      name: change.topic,
      partitions: change.partitions,
      replicationFactor: change.replicationFactor,
      config: change.config
    }))
  );
  return new Set(created);
}
async function changeExisting(admin, change) {
  switch (change.kind) {
    case "add-partitions":
      await admin.addPartitions(change.topic, change.to);
      return `grew ${change.topic} to ${change.to} partitions`;
    case "alter-config":
      await admin.setTopicConfig(change.topic, change.config);
      return `set ${change.changes.length} config(s) of ${change.topic}`;
  }
}
async function runTopologyApply(flags, io = processIo) {
  return withSession(flags, async (session) => {
    const plan = await currentPlan(session);
    printPlan(io, session, plan, flags.json === true);
    if (plan.changes.length > 0) {
      if (!flags.yes) {
        if (io.confirm === void 0) {
          throw new UsageError(
            "topology apply changes the cluster: pass --yes (there is no terminal to confirm on)"
          );
        }
        if (!await io.confirm(`Apply ${plan.changes.length} change(s)? [y/N] `)) {
          io.err("topology apply: nothing changed");
          return 1;
        }
      }
      const report = (change, line) => {
        session.logger.info({ topic: change.topic, change: change.kind }, "topology.changed");
        if (!flags.json) io.out(line);
      };
      const creates = plan.changes.filter((change) => change.kind === "create");
      const created = await createTopics(session.admin, creates);
      for (const change of creates) {
        report(
          change,
          created.has(change.topic) ? `created ${change.topic}` : `${change.topic} exists already`
        );
      }
      for (const change of plan.changes) {
        if (change.kind !== "create") report(change, await changeExisting(session.admin, change));
      }
    }
    if (plan.refusals.length > 0) {
      io.err(
        `topology apply: ${plan.refusals.length} difference(s) left that ingest does not change; fix topology.yaml or the cluster by hand`
      );
      return 1;
    }
    if (!flags.json) io.out("topology apply: the cluster matches the topology");
    return 0;
  });
}
async function runTopologyPlan(flags, io = processIo) {
  return withSession(flags, async (session) => {
    printPlan(io, session, await currentPlan(session), flags.json === true);
    return 0;
  });
}
function createTopologyCommand(io = processIo) {
  const topology = new Command("topology").description(
    "Compare topology.yaml with the Kafka cluster, and bring the cluster in line."
  );
  topology.command("plan").description("Show missing topics, partition counts and configs that differ from topology.yaml.").option(...TOPOLOGY_FLAG).option("--json", "print the plan as JSON").action(async (flags) => {
    process.exitCode = await runTopologyPlan(flags, io);
  });
  topology.command("apply").description(
    "Create missing topics, add partitions and set configs; never deletes a topic or removes partitions."
  ).option(...TOPOLOGY_FLAG).option("--yes", "apply without asking (required without a terminal)").option("--json", "print the plan as JSON").action(async (flags) => {
    process.exitCode = await runTopologyApply(flags, io);
  });
  return topology;
}
export {
  createTopologyCommand,
  runTopologyApply,
  runTopologyPlan
};
//# sourceMappingURL=topology.js.map
