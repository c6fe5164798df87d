// cli/commands/dev.ts
import { Command } from "commander";
import { loadOptions } from "../../config/options.js";
import { createLogger } from "../../observability/logger.js";
import { getProcessMetrics } from "../../observability/metrics.js";
import { startDevPipeline } from "../dev-pipeline.js";
import { nonNegativeInt } from "../usage.js";
function createDevCommand() {
  return new Command("dev").description(
    "Run the whole pipeline in one process (in-memory broker, in-process state, SQLite storage) behind a Relay-compatible endpoint for Sentry SDKs."
  ).option("--host <address>", "address to listen on (default from INGEST_DEV_HOST)").option(
    "--port <port>",
    "port to listen on; 0 picks a free one (default from INGEST_DEV_PORT)",
    nonNegativeInt("--port")
  ).option("--sqlite <path>", "SQLite file for stored events (default from INGEST_SQLITE_PATH)").option("--log-level <level>", "pino log level (default from INGEST_LOG_LEVEL)").action(async (flags) => {
    const options = loadOptions(process.env, {
      devHost: flags.host,
      devPort: flags.port,
      sqlitePath: flags.sqlite,
      logLevel: flags.logLevel
    });
    const logger = createLogger({ level: options.logLevel, name: "ingest-dev", destination: "stderr" });
    const pipeline = await startDevPipeline(options, { logger, metrics: getProcessMetrics() });
    const { url } = pipeline.server;
    process.stdout.write(
      [
        `ingest dev is running at ${url}`,
        `  DSN for project 1:  ${pipeline.server.dsn(1)}`,
        `  issues:             ${url}/api/0/projects/1/issues/`,
        `  metrics:            ${url}/metrics`,
        `  stored events:      ${options.sqlitePath} (SQLite)`,
        "Press Ctrl+C to stop.",
        ""
      ].join("\n")
    );
    await new Promise((resolve) => {
      let stopping = false;
      const stop = () => {
        if (stopping) process.exit(1);
        stopping = true;
        logger.info("dev.stopping");
        pipeline.close().then(resolve, (error) => {
          logger.error({ err: error }, "dev.stop_failed");
          process.exitCode = 1;
          resolve();
        });
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  });
}
export {
  createDevCommand
};
//# sourceMappingURL=dev.js.map
