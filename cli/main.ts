import { type Command, CommanderError } from "commander";
import { buildProgram } from "./program.ts";
import { UsageError } from "./usage.ts";

// Exit codes operators and scripts rely on: 0 ok, 1 runtime failure, 2 usage error
// (with a one-line reason on stderr).
// `ingest ... | head` closes the pipe early; that is a normal way to stop reading.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const program: Command = buildProgram();
program.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`ingest: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`ingest: ${message}\n`);
    process.exitCode = 1;
  }
}
