import { Command } from "commander";
import { schemasCommand } from "./cli/commands/schemas.ts";
const p = new Command("ingest"); p.addCommand(schemasCommand());
await p.parseAsync(process.argv);
