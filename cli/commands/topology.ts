import { createInterface } from "node:readline/promises";
import { Command } from "commander";
import type { Options } from "../../config/options.ts";
import type { Topology } from "../../config/topology.ts";
import type { Logger } from "../../observability/logger.ts";
import type { KafkaAdmin } from "../../producers/kafka-admin.ts";
import { UsageError } from "../usage.ts";
import { commandLogger, openAdmin, readTopology, resolveOptions, TOPOLOGY_FLAG } from "./context.ts";
import { formatPlan, planJson, planTopology, type TopicChange, type TopologyPlan } from "./topology-plan.ts";

// `ingest topology plan` and `ingest topology apply [--yes]`: topology.yaml against the
// cluster. Apply only creates topics, adds partitions and sets configs; what it refuses
// (fewer partitions, another replication factor) it names with the reason, and it never
// deletes a topic, declared or not.

export interface TopologyCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Asks the operator to confirm; undefined when there is no terminal to ask on. */
  readonly confirm: ((question: string) => Promise<boolean>) | undefined;
}

const processIo: TopologyCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  confirm:
    process.stdin.isTTY && process.stdout.isTTY
      ? async (question) => {
          const prompt = createInterface({ input: process.stdin, output: process.stdout });
          try {
            return /^y(es)?$/i.test((await prompt.question(question)).trim());
          } finally {
            prompt.close();
          }
        }
      : undefined,
};

interface Flags {
  readonly topology?: string;
  readonly json?: boolean;
  readonly yes?: boolean;
}

interface Session {
  readonly options: Options;
  readonly topology: Topology;
  readonly admin: KafkaAdmin;
  readonly logger: Logger;
}

async function withSession<T>(flags: Flags, run: (session: Session) => Promise<T>): Promise<T> {
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

async function currentPlan(session: Session): Promise<TopologyPlan> {
  const cluster = await session.admin.describeTopics(Object.keys(session.topology.topics));
  return planTopology(session.topology, cluster);
}

function printPlan(io: TopologyCommandIo, session: Session, plan: TopologyPlan, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(planJson(plan), null, 2));
    return;
  }
  io.out(`topology ${session.options.topologyFile} against ${session.options.kafkaBrokers.join(",")}:`);
  for (const line of formatPlan(plan)) io.out(line);
}

type CreateChange = Extract<TopicChange, { kind: "create" }>;

/** Missing topics in one request: a fresh cluster gets its topology in one round trip. */
async function createTopics(admin: KafkaAdmin, changes: ReadonlyArray<CreateChange>): Promise<Set<string>> {
  if (changes.length === 0) return new Set();
  const created = await admin.createTopics(
    changes.map((change) => ({
      name: change.topic,
      partitions: change.partitions,
      replicationFactor: change.replicationFactor,
      config: change.config,
    })),
  );
  return new Set(created);
}

async function changeExisting(
  admin: KafkaAdmin,
  change: Exclude<TopicChange, CreateChange>,
): Promise<string> {
  switch (change.kind) {
    case "add-partitions":
      await admin.addPartitions(change.topic, change.to);
      return `grew ${change.topic} to ${change.to} partitions`;
    case "alter-config":
      await admin.setTopicConfig(change.topic, change.config);
      return `set ${change.changes.length} config(s) of ${change.topic}`;
  }
}

/** Exit code: 0 when the cluster matches, 1 when refused differences remain. */
export async function runTopologyApply(flags: Flags, io: TopologyCommandIo = processIo): Promise<number> {
  return withSession(flags, async (session) => {
    const plan = await currentPlan(session);
    printPlan(io, session, plan, flags.json === true);
    if (plan.changes.length > 0) {
      if (!flags.yes) {
        if (io.confirm === undefined) {
          throw new UsageError(
            "topology apply changes the cluster: pass --yes (there is no terminal to confirm on)",
          );
        }
        if (!(await io.confirm(`Apply ${plan.changes.length} change(s)? [y/N] `))) {
          io.err("topology apply: nothing changed");
          return 1;
        }
      }
      const report = (change: TopicChange, line: string) => {
        session.logger.info({ topic: change.topic, change: change.kind }, "topology.changed");
        if (!flags.json) io.out(line);
      };
      const creates = plan.changes.filter((change): change is CreateChange => change.kind === "create");
      const created = await createTopics(session.admin, creates);
      for (const change of creates) {
        // Someone else may have created it since the plan was made.
        report(
          change,
          created.has(change.topic) ? `created ${change.topic}` : `${change.topic} exists already`,
        );
      }
      for (const change of plan.changes) {
        if (change.kind !== "create") report(change, await changeExisting(session.admin, change));
      }
    }
    if (plan.refusals.length > 0) {
      io.err(
        `topology apply: ${plan.refusals.length} difference(s) left that ingest does not change; ` +
          "fix topology.yaml or the cluster by hand",
      );
      return 1;
    }
    if (!flags.json) io.out("topology apply: the cluster matches the topology");
    return 0;
  });
}

export async function runTopologyPlan(flags: Flags, io: TopologyCommandIo = processIo): Promise<number> {
  return withSession(flags, async (session) => {
    printPlan(io, session, await currentPlan(session), flags.json === true);
    return 0;
  });
}

export function createTopologyCommand(io: TopologyCommandIo = processIo): Command {
  const topology = new Command("topology").description(
    "Compare topology.yaml with the Kafka cluster, and bring the cluster in line.",
  );
  topology
    .command("plan")
    .description("Show missing topics, partition counts and configs that differ from topology.yaml.")
    .option(...TOPOLOGY_FLAG)
    .option("--json", "print the plan as JSON")
    .action(async (flags: Flags) => {
      process.exitCode = await runTopologyPlan(flags, io);
    });
  topology
    .command("apply")
    .description(
      "Create missing topics, add partitions and set configs; never deletes a topic or removes partitions.",
    )
    .option(...TOPOLOGY_FLAG)
    .option("--yes", "apply without asking (required without a terminal)")
    .option("--json", "print the plan as JSON")
    .action(async (flags: Flags) => {
      process.exitCode = await runTopologyApply(flags, io);
    });
  return topology;
}
