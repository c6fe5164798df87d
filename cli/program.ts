import { Command } from "commander";
import { describeOptions, optionsMarkdownTable } from "../config/options.ts";
import { createConsumerCommand } from "./commands/consumer.ts";
import { createDebugDecodeCommand } from "./commands/debug-decode.ts";
import { createDebugGroupCommand } from "./commands/debug-group.ts";
import { createDebugNormalizeCommand } from "./commands/debug-normalize.ts";
import { createDevCommand } from "./commands/dev.ts";
import { createDumpCommand } from "./commands/dump.ts";
import { createGroupsCommand } from "./commands/groups.ts";
import { createLagCommand } from "./commands/lag.ts";
import { createReplayCommand } from "./commands/replay.ts";
import { schemasCommand } from "./commands/schemas.ts";
import { createEventsCommand, createIssuesCommand, createStorageCommand } from "./commands/storage.ts";
import { createTopologyCommand } from "./commands/topology.ts";

/**
 * The `ingest` command tree. Each area's subcommands live in cli/commands/<area>.ts and
 * are attached here, so `ingest --help` lists everything.
 */
export function buildProgram(): Command {
  const program = new Command("ingest")
    .description("Relay's Kafka topics to grouped, queryable error events in ClickHouse.")
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      // A usage error is one line, like main's UsageError lines (commander puts its "Did
      // you mean" hint on a second line); `--help` shows the rest.
      outputError: (text, write) =>
        write(
          `ingest: ${text
            .trim()
            .replace(/^error: /, "")
            .replace(/\s*\n\s*/g, " ")}\n`,
        ),
    });

  program
    .command("options")
    .description("List every option with its environment variable and default.")
    .option("--json", "print JSON instead of a table")
    .option("--markdown", "print the README's Markdown table")
    .action((flags: { json?: boolean; markdown?: boolean }) => {
      const rows = describeOptions();
      if (flags.markdown) {
        process.stdout.write(optionsMarkdownTable());
        return;
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const row of rows) {
        process.stdout.write(`${row.env.padEnd(38)} ${row.default.padEnd(28)} ${row.help}\n`);
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
    new Command("debug")
      .description("Run one message or event through a consumer's logic and print what it makes of it.")
      .addCommand(createDebugDecodeCommand())
      .addCommand(createDebugNormalizeCommand())
      .addCommand(createDebugGroupCommand()),
  );

  inheritSettings(program);
  return program;
}

/**
 * Commands built with `new Command()` and attached with `addCommand` do not inherit the
 * root's settings (commander copies them only for `.command()`), so without this a usage
 * error in `ingest consumer run` would exit 1 through commander's own process.exit
 * instead of reaching main's exit-code mapping (2).
 */
function inheritSettings(parent: Command): void {
  for (const child of parent.commands) {
    child.copyInheritedSettings(parent);
    inheritSettings(child);
  }
}
