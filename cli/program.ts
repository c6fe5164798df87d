import { Command } from "commander";
import { describeOptions } from "../config/options.ts";

/**
 * The `ingest` command tree. Each area's subcommands live in cli/commands/<area>.ts and
 * are attached here, so `ingest --help` lists everything.
 */
export function buildProgram(): Command {
  const program = new Command("ingest")
    .description("Relay's Kafka topics to grouped, queryable error events in ClickHouse.")
    .showHelpAfterError()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
    });

  program
    .command("options")
    .description("List every option with its environment variable and default.")
    .option("--json", "print JSON instead of a table")
    .action((flags: { json?: boolean }) => {
      const rows = describeOptions();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const row of rows) {
        process.stdout.write(`${row.env.padEnd(38)} ${row.default.padEnd(28)} ${row.help}\n`);
      }
    });

  return program;
}
