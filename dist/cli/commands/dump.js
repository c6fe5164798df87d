// cli/commands/dump.ts
import { performance } from "node:perf_hooks";
import { Command, Option } from "commander";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.js";
import { DUMP_FORMAT, DUMP_VERSION, DumpWriter } from "../../replay/dump-format.js";
import { lowerBound, parsePartitions, parseTimestamp, upperBound } from "../../replay/flags.js";
import { readRanges, resolveRanges } from "../../replay/kafka-source.js";
import { createProgress, summaryLine } from "../../replay/progress.js";
import { nonNegativeInt, positiveInt, UsageError } from "../usage.js";
import { commandLogger, LOG_LEVELS, resolveOptions } from "./context.js";
async function runDump(flags, options, logger, signal, out = (line) => (flags.out === "-" ? process.stderr : process.stdout).write(`${line}
`)) {
  const started = performance.now();
  const selection = {
    topic: flags.topic,
    ...flags.partitions ? { partitions: flags.partitions } : {},
    ...lowerBound(flags) ? { from: lowerBound(flags) } : {},
    ...upperBound(flags) ? { to: upperBound(flags) } : {}
  };
  const kafka = createKafkaClient(kafkaClientConfig(options), logger);
  const admin = kafka.admin();
  await admin.connect();
  let ranges;
  try {
    ranges = await resolveRanges(admin, selection);
  } finally {
    await admin.disconnect();
  }
  const inRanges = ranges.reduce((sum, r) => sum + (r.end - r.start), 0);
  const header = {
    format: DUMP_FORMAT,
    version: DUMP_VERSION,
    topic: flags.topic,
    createdAt: (/* @__PURE__ */ new Date()).toISOString(),
    ranges,
    expectedMessages: Math.min(inRanges, flags.maxMessages ?? inRanges)
  };
  logger.info({ topic: flags.topic, ranges, out: flags.out }, "dump.started");
  const writer = await DumpWriter.open(flags.out, header);
  const progress = createProgress(`dump ${flags.topic}`, header.expectedMessages);
  let result;
  try {
    const read = await readRanges(
      kafka,
      flags.topic,
      ranges,
      async (message) => {
        await writer.write(message);
        progress.advance();
      },
      {
        fetchMaxWaitMs: options.kafkaFetchMaxWaitMs,
        logger,
        ...flags.maxMessages !== void 0 ? { maxMessages: flags.maxMessages } : {},
        ...signal ? { signal } : {}
      }
    );
    result = { messages: read.read, interrupted: read.interrupted };
  } catch (error) {
    progress.stop();
    await writer.abort();
    throw error;
  }
  progress.stop();
  if (result.interrupted) await writer.abort();
  else await writer.close();
  const line = summaryLine(
    `ingest dump ${flags.topic}`,
    { messages: result.messages, partitions: ranges.length },
    performance.now() - started,
    result.messages
  );
  const summary = result.interrupted ? `${line}; interrupted: ${flags.out} has no end line and reads as truncated` : `${line} -> ${flags.out}`;
  out(summary);
  logger.info(
    { topic: flags.topic, messages: result.messages, interrupted: result.interrupted },
    "dump.finished"
  );
  return result;
}
function createDumpCommand() {
  return new Command("dump").description(
    "Copy messages of a topic (key, value, headers, timestamp, partition, offset) into a dump file (JSON lines, base64 bodies; gzip when FILE ends in .gz). Nothing is committed."
  ).requiredOption("--topic <topic>", "topic to read").requiredOption("--out <file>", "dump file to write (.gz = gzip; - = stdout)").option("--partitions <list>", "partitions to read, e.g. 0,2,4-6 (default: all)", parsePartitions).addOption(
    new Option("--from-offset <offset>", "first offset to read in each partition").argParser(nonNegativeInt("--from-offset")).conflicts("fromTimestamp")
  ).addOption(
    new Option(
      "--from-timestamp <time>",
      "start at the first message at or after this time (epoch ms, ISO date, or a span back like 2h)"
    ).argParser((v) => parseTimestamp("--from-timestamp", v))
  ).addOption(
    new Option("--to-offset <offset>", "stop before this offset in each partition (exclusive)").argParser(nonNegativeInt("--to-offset")).conflicts("toTimestamp")
  ).addOption(
    new Option("--to-timestamp <time>", "stop before the first message at or after this time").argParser(
      (v) => parseTimestamp("--to-timestamp", v)
    )
  ).option("--max-messages <n>", "stop after this many messages in total", positiveInt("--max-messages")).addOption(
    new Option(
      "--log-level <level>",
      "pino log level for stderr (default: INGEST_REPLAY_LOG_LEVEL, warn)"
    ).choices(LOG_LEVELS)
  ).action(async (flags) => {
    if (flags.topic.trim() === "") throw new UsageError("--topic: empty topic name");
    const resolved = resolveOptions({});
    const options = resolveOptions({ logLevel: flags.logLevel ?? resolved.replayLogLevel });
    const logger = commandLogger(options, "ingest-dump");
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      const result = await runDump(flags, options, logger, controller.signal);
      if (result.interrupted) process.exitCode = 130;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}
export {
  createDumpCommand,
  runDump
};
//# sourceMappingURL=dump.js.map
