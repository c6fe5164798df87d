import { Command } from "commander";
import type { Topology } from "../../config/topology.ts";
import type { KafkaAdmin, PartitionLag } from "../../producers/kafka-admin.ts";
import { commandLogger, openAdmin, readTopology, resolveOptions, TOPOLOGY_FLAG } from "./context.ts";

// `ingest lag [--group G]`: per partition, the group's committed offset, the end offset
// and the difference. Without --group, every consumer group of topology.yaml on its input
// topics; with a group topology.yaml does not know, the topics it has committed on.

export interface LagCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processIo: LagCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export interface GroupLag {
  readonly group: string;
  /** The topology consumer reading with this group, if any. */
  readonly consumer: string | undefined;
  readonly partitions: ReadonlyArray<PartitionLag>;
  /** Declared input topics that do not exist on the cluster. */
  readonly missingTopics: ReadonlyArray<string>;
}

interface Flags {
  readonly group?: string;
  readonly topology?: string;
  readonly json?: boolean;
}

/** Which topics to report for each group asked about. */
async function groupsToReport(
  topology: Topology,
  admin: KafkaAdmin,
  group: string | undefined,
): Promise<Array<{ group: string; consumer: string | undefined; topics: string[] }>> {
  const consumers = Object.values(topology.consumers);
  if (group === undefined) {
    return consumers.map((c) => ({ group: c.groupId, consumer: c.name, topics: [...c.inputs] }));
  }
  const declared = consumers.find((c) => c.groupId === group);
  if (declared) return [{ group, consumer: declared.name, topics: [...declared.inputs] }];
  return [{ group, consumer: undefined, topics: await admin.groupTopics(group) }];
}

export async function collectLag(topology: Topology, admin: KafkaAdmin, group?: string): Promise<GroupLag[]> {
  const wanted = await groupsToReport(topology, admin, group);
  const existing = new Set(await admin.listTopics());
  const out: GroupLag[] = [];
  for (const entry of wanted) {
    const topics = entry.topics.filter((topic) => existing.has(topic));
    out.push({
      group: entry.group,
      consumer: entry.consumer,
      partitions: await admin.lag(entry.group, topics),
      missingTopics: entry.topics.filter((topic) => !existing.has(topic)),
    });
  }
  return out;
}

const HEADER = ["GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG"];

/** A table for people: one row per partition, then a total per group. */
export function formatLag(groups: ReadonlyArray<GroupLag>): string[] {
  const rows: string[][] = [HEADER];
  for (const group of groups) {
    for (const p of group.partitions) {
      rows.push([
        group.group,
        p.partition.topic,
        String(p.partition.index),
        p.committed === null ? "-" : String(p.committed),
        String(p.end),
        String(p.lag),
      ]);
    }
  }
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) =>
        column >= 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd(),
  );
  for (const group of groups) {
    const total = group.partitions.reduce((sum, p) => sum + p.lag, 0);
    const who = group.consumer ? ` (consumer ${group.consumer})` : "";
    lines.push(`${group.group}${who}: total lag ${total} over ${group.partitions.length} partition(s)`);
    for (const topic of group.missingTopics) lines.push(`${group.group}: topic ${topic} does not exist`);
  }
  return lines;
}

export function lagJson(groups: ReadonlyArray<GroupLag>): unknown {
  return groups.map((group) => ({
    group: group.group,
    consumer: group.consumer ?? null,
    missingTopics: group.missingTopics,
    partitions: group.partitions.map((p) => ({
      topic: p.partition.topic,
      partition: p.partition.index,
      committed: p.committed,
      end: p.end,
      lag: p.lag,
    })),
  }));
}

/** Exit code: 0, or 1 when a named group has nothing to report (never committed anywhere). */
export async function runLag(flags: Flags, io: LagCommandIo = processIo): Promise<number> {
  const options = resolveOptions(flags.topology ? { topologyFile: flags.topology } : {});
  const topology = await readTopology(options.topologyFile);
  const admin = openAdmin(options, commandLogger(options, "ingest-lag"));
  try {
    const groups = await collectLag(topology, admin, flags.group);
    if (flags.json) io.out(JSON.stringify(lagJson(groups), null, 2));
    else for (const line of formatLag(groups)) io.out(line);
    const only = groups[0];
    if (flags.group !== undefined && only?.consumer === undefined && only?.partitions.length === 0) {
      io.err(`lag: group ${flags.group} has no committed offsets and is not in the topology`);
      return 1;
    }
    return 0;
  } finally {
    await admin.close();
  }
}

export function createLagCommand(io: LagCommandIo = processIo): Command {
  return new Command("lag")
    .description("Per partition: the group's committed offset, the end offset and the lag.")
    .option("--group <group>", "only this consumer group (default: every group in the topology)")
    .option(...TOPOLOGY_FLAG)
    .option("--json", "print JSON")
    .action(async (flags: Flags) => {
      process.exitCode = await runLag(flags, io);
    });
}
