// cli/commands/lag.ts
import { Command } from "commander";
import { commandLogger, openAdmin, readTopology, resolveOptions, TOPOLOGY_FLAG } from "./context.js";
var processIo = {
  out: (line) => process.stdout.write(`${line}
`),
  err: (line) => process.stderr.write(`${line}
`)
};
async function groupsToReport(topology, admin, group) {
  const consumers = Object.values(topology.consumers);
  if (group === void 0) {
    return consumers.map((c) => ({ group: c.groupId, consumer: c.name, topics: [...c.inputs] }));
  }
  const declared = consumers.find((c) => c.groupId === group);
  if (declared) return [{ group, consumer: declared.name, topics: [...declared.inputs] }];
  return [{ group, consumer: void 0, topics: await admin.groupTopics(group) }];
}
async function collectLag(topology, admin, group) {
  const wanted = await groupsToReport(topology, admin, group);
  const existing = new Set(await admin.listTopics());
  const out = [];
  for (const entry of wanted) {
    const topics = entry.topics.filter((topic) => existing.has(topic));
    out.push({
      group: entry.group,
      consumer: entry.consumer,
      partitions: await admin.lag(entry.group, topics),
      missingTopics: entry.topics.filter((topic) => !existing.has(topic))
    });
  }
  return out;
}
var HEADER = ["GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG"];
function formatLag(groups) {
  const rows = [HEADER];
  for (const group of groups) {
    for (const p of group.partitions) {
      rows.push([
        group.group,
        p.partition.topic,
        String(p.partition.index),
        p.committed === null ? "-" : String(p.committed),
        String(p.end),
        String(p.lag)
      ]);
    }
  }
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const lines = rows.map(
    (row) => row.map(
      (cell, column) => column >= 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)
    ).join("  ").trimEnd()
  );
  for (const group of groups) {
    const total = group.partitions.reduce((sum, p) => sum + p.lag, 0);
    const who = group.consumer ? ` (consumer ${group.consumer})` : "";
    lines.push(`${group.group}${who}: total lag ${total} over ${group.partitions.length} partition(s)`);
    for (const topic of group.missingTopics) lines.push(`${group.group}: topic ${topic} does not exist`);
  }
  return lines;
}
function lagJson(groups) {
  return groups.map((group) => ({
    group: group.group,
    consumer: group.consumer ?? null,
    missingTopics: group.missingTopics,
    partitions: group.partitions.map((p) => ({
      topic: p.partition.topic,
      partition: p.partition.index,
      committed: p.committed,
      end: p.end,
      lag: p.lag
    }))
  }));
}
async function runLag(flags, io = processIo) {
  const options = resolveOptions(flags.topology ? { topologyFile: flags.topology } : {});
  const topology = await readTopology(options.topologyFile);
  const admin = openAdmin(options, commandLogger(options, "ingest-lag"));
  try {
    const groups = await collectLag(topology, admin, flags.group);
    if (flags.json) io.out(JSON.stringify(lagJson(groups), null, 2));
    else for (const line of formatLag(groups)) io.out(line);
    const only = groups[0];
    if (flags.group !== void 0 && only?.consumer === void 0 && only?.partitions.length === 0) {
      io.err(`lag: group ${flags.group} has no committed offsets and is not in the topology`);
      return 1;
    }
    return 0;
  } finally {
    await admin.close();
  }
}
function createLagCommand(io = processIo) {
  return new Command("lag").description("Per partition: the group's committed offset, the end offset and the lag.").option("--group <group>", "only this consumer group (default: every group in the topology)").option(...TOPOLOGY_FLAG).option("--json", "print JSON").action(async (flags) => {
    process.exitCode = await runLag(flags, io);
  });
}
export {
  collectLag,
  createLagCommand,
  formatLag,
  lagJson,
  runLag
};
//# sourceMappingURL=lag.js.map
