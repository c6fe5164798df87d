// cli/program.ts
import { Command } from "commander";
import { describeOptions, optionsMarkdownTable } from "../config/options.js";
import { createConsumerCommand } from "./commands/consumer.js";
import { createDebugDecodeCommand } from "./commands/debug-decode.js";
import { createDebugGroupCommand } from "./commands/debug-group.js";
import { createDebugNormalizeCommand } from "./commands/debug-normalize.js";
import { createDevCommand } from "./commands/dev.js";
import { createDumpCommand } from "./commands/dump.js";
import { createGroupsCommand } from "./commands/groups.js";
import { createLagCommand } from "./commands/lag.js";
import { createReplayCommand } from "./commands/replay.js";
import { schemasCommand } from "./commands/schemas.js";
import { createEventsCommand, createIssuesCommand, createStorageCommand } from "./commands/storage.js";
import { createTopologyCommand } from "./commands/topology.js";
function buildProgram() {
  const program = new Command("ingest").description("Relay's Kafka topics to grouped, queryable error events in ClickHouse.").exitOverride().configureOutput({
    writeErr: (text) => process.stderr.write(text),
    // A usage error is one line, like main's UsageError lines (commander puts its "Did
    // you mean" hint on a second line); `--help` shows the rest.
    outputError: (text, write) => write(
      `ingest: ${text.trim().replace(/^error: /, "").replace(/\s*\n\s*/g, " ")}
`
    )
  });
  program.command("options").description("List every option with its environment variable and default.").option("--json", "print JSON instead of a table").option("--markdown", "print the README's Markdown table").action((flags) => {
    const rows = describeOptions();
    if (flags.markdown) {
      process.stdout.write(optionsMarkdownTable());
      return;
    }
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}
`);
      return;
    }
    for (const row of rows) {
      process.stdout.write(`${row.env.padEnd(38)} ${row.default.padEnd(28)} ${row.help}
`);
    }
  });
  program.addCommand(createConsumerCommand());
  program.addCommand(createTopologyCommand());
  program.addCommand(createLagCommand());
  program.addCommand(schemasCommand());
  program.addCommand(createStorageCommand());
  program.addCommand(createIssuesCommand());
  program.addCommand(createGroupsCommand());
  program.addCommand(createEventsCommand());
  program.addCommand(createDevCommand());
  program.addCommand(createDumpCommand());
  program.addCommand(createReplayCommand());
  program.addCommand(
    new Command("debug").description("Run one message or event through a consumer's logic and print what it makes of it.").addCommand(createDebugDecodeCommand()).addCommand(createDebugNormalizeCommand()).addCommand(createDebugGroupCommand())
  );
  inheritSettings(program);
  return program;
}
function inheritSettings(parent) {
  for (const child of parent.commands) {
    child.copyInheritedSettings(parent);
    inheritSettings(child);
  }
}
export {
  buildProgram
};
//# sourceMappingURL=program.js.map
