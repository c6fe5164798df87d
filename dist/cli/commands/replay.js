// cli/commands/replay.ts
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Command, Option } from "commander";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.js";
import { createKafkaProducerFactory } from "../../producers/kafka-producer-factory.js";
import { DevReplay } from "../../replay/dev-replay.js";
import { DumpFormatError, openDump } from "../../replay/dump-format.js";
import { ReplayFeeder } from "../../replay/feeder.js";
import { lowerBound, parsePartitions, parseRate, parseTimestamp, upperBound } from "../../replay/flags.js";
import {
  comparisonLines,
  readGroupingOverride
} from "../../replay/grouping-compare.js";
import { readRanges, resolveRanges } from "../../replay/kafka-source.js";
import { createProgress, summaryLine } from "../../replay/progress.js";
import { RateLimiter } from "../../replay/rate-limiter.js";
import { nonNegativeInt, positiveInt, UsageError } from "../usage.js";
import { commandLogger, LOG_LEVELS, resolveOptions } from "./context.js";
var REPLAY_TARGETS = ["kafka", "dev"];
var processOutput = { out: (line) => process.stdout.write(`${line}
`) };
function checkFlags(flags) {
  if (flags.fromFile === void 0 === (flags.topic === void 0)) {
    throw new UsageError("give exactly one source: --from-file FILE or --topic TOPIC");
  }
  const topicOnly = [
    ["--partitions", flags.partitions],
    ["--from-offset", flags.fromOffset],
    ["--from-timestamp", flags.fromTimestamp],
    ["--to-offset", flags.toOffset],
    ["--to-timestamp", flags.toTimestamp]
  ];
  if (flags.fromFile !== void 0) {
    const given = topicOnly.filter(([, value]) => value !== void 0).map(([name]) => name);
    if (given.length > 0)
      throw new UsageError(`${given.join(", ")} select a slice of --topic, not of a file`);
  }
  if (flags.compareGrouping !== void 0 && flags.into !== "dev") {
    throw new UsageError(
      "--compare-grouping needs --into dev (it looks at the events the dev pipeline normalized)"
    );
  }
  if (flags.sqlite !== void 0 && flags.into !== "dev")
    throw new UsageError("--sqlite applies to --into dev");
  if (flags.into === "kafka" && flags.topic !== void 0 && flags.toTopic === void 0) {
    throw new UsageError(
      "replaying --topic into Kafka needs --to-topic (into itself it would duplicate the slice)"
    );
  }
}
async function openSource(flags, options, logger) {
  const cap = flags.maxMessages ?? Number.POSITIVE_INFINITY;
  if (flags.fromFile !== void 0) {
    const reader = await openDump(flags.fromFile);
    return {
      topic: reader.header.topic,
      expected: Math.min(reader.header.expectedMessages, cap),
      feed: async (offer, signal) => {
        let taken = 0;
        try {
          for await (const message of reader.messages()) {
            if (signal.aborted || taken >= cap) break;
            await offer(message);
            taken += 1;
          }
        } finally {
          reader.close();
        }
      }
    };
  }
  const topic = flags.topic;
  const kafka = createKafkaClient(kafkaClientConfig(options), logger);
  const admin = kafka.admin();
  await admin.connect();
  let ranges;
  try {
    ranges = await resolveRanges(admin, {
      topic,
      ...flags.partitions ? { partitions: flags.partitions } : {},
      ...lowerBound(flags) ? { from: lowerBound(flags) } : {},
      ...upperBound(flags) ? { to: upperBound(flags) } : {}
    });
  } finally {
    await admin.disconnect();
  }
  return {
    topic,
    expected: Math.min(
      ranges.reduce((sum, r) => sum + r.end - r.start, 0),
      cap
    ),
    feed: async (offer, signal) => {
      await readRanges(kafka, topic, ranges, offer, {
        fetchMaxWaitMs: options.kafkaFetchMaxWaitMs,
        logger,
        signal,
        ...flags.maxMessages !== void 0 ? { maxMessages: flags.maxMessages } : {}
      });
    }
  };
}
async function kafkaTarget(topic, options, logger) {
  const kafka = createKafkaClient(kafkaClientConfig(options), logger);
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic))
      throw new UsageError(`--to-topic: topic ${topic} does not exist`);
  } finally {
    await admin.disconnect();
  }
  const factory = createKafkaProducerFactory(options, { logger, kafka });
  const producer = factory("replay");
  return {
    target: {
      description: `kafka topic ${topic}`,
      send: async (payload) => {
        await producer.produce(topic, payload);
      }
    },
    close: async () => {
      await producer.close();
      await factory.close();
    }
  };
}
function issueLine(issue) {
  return [
    issue.id.padEnd(8),
    issue.level.padEnd(8),
    issue.count.padStart(7),
    issue.lastSeen.padEnd(21),
    `${issue.title}${issue.culprit ? `  (${issue.culprit})` : ""}`
  ].join(" ");
}
function devOutcomeLines(outcome) {
  const lines = [];
  const stored = outcome.projects.reduce((sum, p) => sum + p.events, 0);
  const issues = outcome.projects.reduce((sum, p) => sum + p.issues, 0);
  const extra = [
    ...Object.entries(outcome.deadLettered).map(([topic, n]) => `dead-lettered ${n} to ${topic}`),
    ...Object.entries(outcome.filtered).map(([what, n]) => `dropped ${n} (${what})`)
  ];
  lines.push(
    `dev pipeline: ${stored} stored events in ${issues} issues${extra.length ? `; ${extra.join("; ")}` : ""}`
  );
  for (const project of outcome.projects) {
    lines.push("");
    lines.push(
      `project ${project.projectId} (${project.slug}): ${project.events} events in ${project.issues} issues`
    );
    lines.push(
      `${"ID".padEnd(8)} ${"LEVEL".padEnd(8)} ${"COUNT".padStart(7)} ${"LAST SEEN".padEnd(21)} TITLE  (CULPRIT)`
    );
    for (const issue of project.top) lines.push(issueLine(issue));
    if (project.issues > project.top.length)
      lines.push(`... and ${project.issues - project.top.length} more`);
  }
  return lines;
}
async function runReplay(flags, options, logger, signal = new AbortController().signal, output = processOutput) {
  checkFlags(flags);
  const override = flags.compareGrouping === void 0 ? void 0 : readGroupingOverride(flags.compareGrouping);
  const started = performance.now();
  const source = await openSource(flags, options, logger);
  const toTopic = flags.toTopic ?? source.topic;
  let target = null;
  let closeTarget = async () => {
  };
  let dev;
  if (flags.into === "kafka") {
    const opened = await kafkaTarget(toTopic, options, logger);
    if (!flags.dryRun) {
      target = opened.target;
      closeTarget = () => opened.close();
    } else {
      await opened.close();
    }
  } else if (!flags.dryRun) {
    const sqlitePath = flags.sqlite ?? join(mkdtempSync(join(tmpdir(), "ingest-replay-")), "ingest.sqlite");
    const opened = await DevReplay.start(Object.freeze({ ...options, sqlitePath }), logger);
    try {
      target = opened.target(toTopic);
    } catch (error) {
      await opened.close();
      throw error;
    }
    dev = opened;
    closeTarget = () => opened.close();
    output.out(`replaying into the dev pipeline; stored events go to ${sqlitePath}`);
  }
  const description = target?.description ?? `${flags.into} topic ${toTopic} (dry run)`;
  const progress = createProgress(`replay -> ${toTopic}`, source.expected);
  const feeder = new ReplayFeeder(target, {
    ...flags.rate !== void 0 ? { rate: new RateLimiter(flags.rate) } : {},
    // Two producer batches' worth: one fills while the other is in flight.
    maxInFlight: flags.into === "kafka" ? 2 * options.kafkaProducerMaxBatchSize : 1,
    progress,
    logger
  });
  let result;
  try {
    await source.feed((message) => feeder.offer(message), signal);
    const counts = await feeder.finish();
    progress.stop();
    output.out(
      `${summaryLine(
        "ingest replay",
        flags.dryRun ? { read: counts.read, "would produce": counts.produced, skipped: counts.skipped } : { ...counts },
        performance.now() - started,
        counts.read
      )} -> ${description}${signal.aborted ? " (interrupted)" : ""}`
    );
    result = { counts };
    if (dev !== void 0) {
      await dev.drain();
      const outcome = await dev.outcome();
      for (const line of devOutcomeLines(outcome)) output.out(line);
      if (override !== void 0 && flags.compareGrouping !== void 0) {
        output.out("");
        for (const line of comparisonLines(await dev.compareGrouping(override))) output.out(line);
      }
      result = { counts, dev: outcome };
    }
  } finally {
    progress.stop();
    await closeTarget();
  }
  return result;
}
function createReplayCommand() {
  return new Command("replay").description(
    "Feed a dump file or a slice of a topic back into a Kafka topic, or into the whole pipeline in this process (--into dev), with a rate limit, progress and a summary."
  ).option("--from-file <file>", "dump file written by `ingest dump` (- = stdin)").option("--topic <topic>", "read this topic instead of a file").option("--partitions <list>", "with --topic: partitions to read, e.g. 0,2,4-6", parsePartitions).addOption(
    new Option("--from-offset <offset>", "with --topic: first offset per partition").argParser(nonNegativeInt("--from-offset")).conflicts("fromTimestamp")
  ).addOption(
    new Option("--from-timestamp <time>", "with --topic: first message at/after this time").argParser(
      (v) => parseTimestamp("--from-timestamp", v)
    )
  ).addOption(
    new Option("--to-offset <offset>", "with --topic: stop before this offset (exclusive)").argParser(nonNegativeInt("--to-offset")).conflicts("toTimestamp")
  ).addOption(
    new Option(
      "--to-timestamp <time>",
      "with --topic: stop before the first message at/after this time"
    ).argParser((v) => parseTimestamp("--to-timestamp", v))
  ).option("--max-messages <n>", "stop after this many messages", positiveInt("--max-messages")).addOption(new Option("--into <target>", "where to produce").choices(REPLAY_TARGETS).default("kafka")).option("--to-topic <topic>", "destination topic (default: the source topic)").option("--rate <n>", "at most N messages per second, e.g. 200 or 200/s", parseRate).option("--dry-run", "read and count, produce nothing").option(
    "--compare-grouping <file>",
    "with --into dev: also group every event with these settings (YAML/JSON: groupingConfig, stackTraceRules, fingerprintRules) and report which events would change group"
  ).option(
    "--sqlite <path>",
    "with --into dev: SQLite file for stored events (default: a new temporary file)"
  ).addOption(
    new Option(
      "--log-level <level>",
      "pino log level for stderr (default: INGEST_REPLAY_LOG_LEVEL, warn)"
    ).choices(LOG_LEVELS)
  ).action(async (flags) => {
    const resolved = resolveOptions({});
    const options = resolveOptions({ logLevel: flags.logLevel ?? resolved.replayLogLevel });
    const logger = commandLogger(options, "ingest-replay");
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      const { counts } = await runReplay(flags, options, logger, controller.signal);
      if (counts.failed > 0) process.exitCode = 1;
      else if (controller.signal.aborted) process.exitCode = 130;
    } catch (error) {
      if (!(error instanceof DumpFormatError)) throw error;
      if (error.reason === "not-a-dump" || error.reason === "unsupported-version") {
        throw new UsageError(`--from-file: ${error.message}`);
      }
      process.stderr.write(`ingest: --from-file: ${error.message}
`);
      process.exitCode = 1;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}
export {
  REPLAY_TARGETS,
  createReplayCommand,
  devOutcomeLines,
  runReplay
};
//# sourceMappingURL=replay.js.map
