// cli/main.ts
import { CommanderError } from "commander";
import { buildProgram } from "./program.js";
import { UsageError } from "./usage.js";
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
var program = buildProgram();
program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`ingest: ${error.message}
`);
    process.exitCode = 2;
  } else {
    const message = error instanceof Error ? error.stack ?? error.message : String(error);
    process.stderr.write(`ingest: ${message}
`);
    process.exitCode = 1;
  }
}
//# sourceMappingURL=main.js.map
