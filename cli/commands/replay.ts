import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Command, Option } from "commander";
import type { Options } from "../../config/options.ts";
import type { IssueSummary } from "../../consumers/storage/queries.ts";
import type { Logger } from "../../observability/logger.ts";
import { createKafkaClient, kafkaClientConfig } from "../../producers/kafka-client.ts";
import { createKafkaProducerFactory } from "../../producers/kafka-producer-factory.ts";
import { type DevOutcome, DevReplay } from "../../replay/dev-replay.ts";
import { type DumpedMessage, DumpFormatError, openDump } from "../../replay/dump-format.ts";
import { type ReplayCounts, ReplayFeeder, type ReplayTarget } from "../../replay/feeder.ts";
import { lowerBound, parsePartitions, parseRate, parseTimestamp, upperBound } from "../../replay/flags.ts";
import {
  comparisonLines,
  type GroupingOverride,
  readGroupingOverride,
} from "../../replay/grouping-compare.ts";
import { readRanges, resolveRanges } from "../../replay/kafka-source.ts";
import { createProgress, type Progress, summaryLine } from "../../replay/progress.ts";
import { RateLimiter } from "../../replay/rate-limiter.ts";
import { nonNegativeInt, positiveInt, UsageError } from "../usage.ts";
import { commandLogger, LOG_LEVELS, resolveOptions } from "./context.ts";

// `ingest replay (--from-file FILE | --topic T [--from-timestamp T] [--to-timestamp T])
// [--into kafka|dev] [--to-topic T] [--rate N/s] [--dry-run] [--compare-grouping FILE]`:
// feeds recorded messages (a dump file) or a slice of a live topic back into a Kafka topic
// or into the whole pipeline running in this process (docs/replay.md).

export const REPLAY_TARGETS = ["kafka", "dev"] as const;
export type ReplayInto = (typeof REPLAY_TARGETS)[number];

export interface ReplayFlags {
  readonly fromFile?: string;
  readonly topic?: string;
  readonly partitions?: number[];
  readonly fromOffset?: number;
  readonly fromTimestamp?: number;
  readonly toOffset?: number;
  readonly toTimestamp?: number;
  readonly maxMessages?: number;
  readonly into: ReplayInto;
  readonly toTopic?: string;
  readonly rate?: number;
  readonly dryRun?: boolean;
  readonly compareGrouping?: string;
  readonly sqlite?: string;
  readonly logLevel?: string;
}

export interface ReplayOutput {
  readonly out: (line: string) => void;
}

const processOutput: ReplayOutput = { out: (line) => process.stdout.write(`${line}\n`) };

/** A source of recorded messages: the topic they came from and how to read them once. */
interface ReplaySource {
  readonly topic: string;
  readonly expected: number;
  /** Hands each message to `offer` in order; resolves when done or stopped by `signal`. */
  feed(offer: (message: DumpedMessage) => Promise<void>, signal: AbortSignal): Promise<void>;
}

function checkFlags(flags: ReplayFlags): void {
  if ((flags.fromFile === undefined) === (flags.topic === undefined)) {
    throw new UsageError("give exactly one source: --from-file FILE or --topic TOPIC");
  }
  const topicOnly = [
    ["--partitions", flags.partitions],
    ["--from-offset", flags.fromOffset],
    ["--from-timestamp", flags.fromTimestamp],
    ["--to-offset", flags.toOffset],
    ["--to-timestamp", flags.toTimestamp],
  ] as const;
  if (flags.fromFile !== undefined) {
    const given = topicOnly.filter(([, value]) => value !== undefined).map(([name]) => name);
    if (given.length > 0)
      throw new UsageError(`${given.join(", ")} select a slice of --topic, not of a file`);
  }
  if (flags.compareGrouping !== undefined && flags.into !== "dev") {
    throw new UsageError(
      "--compare-grouping needs --into dev (it looks at the events the dev pipeline normalized)",
    );
  }
  if (flags.sqlite !== undefined && flags.into !== "dev")
    throw new UsageError("--sqlite applies to --into dev");
  if (flags.into === "kafka" && flags.topic !== undefined && flags.toTopic === undefined) {
    throw new UsageError(
      "replaying --topic into Kafka needs --to-topic (into itself it would duplicate the slice)",
    );
  }
}

async function openSource(flags: ReplayFlags, options: Options, logger: Logger): Promise<ReplaySource> {
  const cap = flags.maxMessages ?? Number.POSITIVE_INFINITY;
  if (flags.fromFile !== undefined) {
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
      },
    };
  }
  const topic = flags.topic as string;
  const kafka = createKafkaClient(kafkaClientConfig(options), logger);
  const admin = kafka.admin();
  await admin.connect();
  let ranges: Awaited<ReturnType<typeof resolveRanges>>;
  try {
    ranges = await resolveRanges(admin, {
      topic,
      ...(flags.partitions ? { partitions: flags.partitions } : {}),
      ...(lowerBound(flags) ? { from: lowerBound(flags) } : {}),
      ...(upperBound(flags) ? { to: upperBound(flags) } : {}),
    });
  } finally {
    await admin.disconnect();
  }
  return {
    topic,
    expected: Math.min(
      ranges.reduce((sum, r) => sum + r.end - r.start, 0),
      cap,
    ),
    feed: async (offer, signal) => {
      await readRanges(kafka, topic, ranges, offer, {
        fetchMaxWaitMs: options.kafkaFetchMaxWaitMs,
        logger,
        signal,
        ...(flags.maxMessages !== undefined ? { maxMessages: flags.maxMessages } : {}),
      });
    },
  };
}

/** A Kafka target after checking the topic exists; `close` flushes and disconnects. */
async function kafkaTarget(
  topic: string,
  options: Options,
  logger: Logger,
): Promise<{ target: ReplayTarget; close(): Promise<void> }> {
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
      },
    },
    close: async () => {
      await producer.close();
      await factory.close();
    },
  };
}

function issueLine(issue: IssueSummary): string {
  return [
    issue.id.padEnd(8),
    issue.level.padEnd(8),
    issue.count.padStart(7),
    issue.lastSeen.padEnd(21),
    `${issue.title}${issue.culprit ? `  (${issue.culprit})` : ""}`,
  ].join(" ");
}

/** What the dev pipeline made of the replay, `ingest issues`-style. */
export function devOutcomeLines(outcome: DevOutcome): string[] {
  const lines: string[] = [];
  const stored = outcome.projects.reduce((sum, p) => sum + p.events, 0);
  const issues = outcome.projects.reduce((sum, p) => sum + p.issues, 0);
  const extra = [
    ...Object.entries(outcome.deadLettered).map(([topic, n]) => `dead-lettered ${n} to ${topic}`),
    ...Object.entries(outcome.filtered).map(([what, n]) => `dropped ${n} (${what})`),
  ];
  lines.push(
    `dev pipeline: ${stored} stored events in ${issues} issues${extra.length ? `; ${extra.join("; ")}` : ""}`,
  );
  for (const project of outcome.projects) {
    lines.push("");
    lines.push(
      `project ${project.projectId} (${project.slug}): ${project.events} events in ${project.issues} issues`,
    );
    lines.push(
      `${"ID".padEnd(8)} ${"LEVEL".padEnd(8)} ${"COUNT".padStart(7)} ${"LAST SEEN".padEnd(21)} TITLE  (CULPRIT)`,
    );
    for (const issue of project.top) lines.push(issueLine(issue));
    if (project.issues > project.top.length)
      lines.push(`... and ${project.issues - project.top.length} more`);
  }
  return lines;
}

export interface ReplayResult {
  readonly counts: ReplayCounts;
  readonly dev?: DevOutcome;
}

/** Runs one replay and prints its summary; `signal` stops feeding early (what was fed is still processed). */
export async function runReplay(
  flags: ReplayFlags,
  options: Options,
  logger: Logger,
  signal: AbortSignal = new AbortController().signal,
  output: ReplayOutput = processOutput,
): Promise<ReplayResult> {
  checkFlags(flags);
  const override: GroupingOverride | undefined =
    flags.compareGrouping === undefined ? undefined : readGroupingOverride(flags.compareGrouping);
  const started = performance.now();
  const source = await openSource(flags, options, logger);
  const toTopic = flags.toTopic ?? source.topic;

  let target: ReplayTarget | null = null;
  let closeTarget = async () => {};
  let dev: DevReplay | undefined;
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
      // A destination the pipeline lacks: stop what was just started before reporting it.
      await opened.close();
      throw error;
    }
    dev = opened;
    closeTarget = () => opened.close();
    output.out(`replaying into the dev pipeline; stored events go to ${sqlitePath}`);
  }

  const description = target?.description ?? `${flags.into} topic ${toTopic} (dry run)`;
  const progress: Progress = createProgress(`replay -> ${toTopic}`, source.expected);
  const feeder = new ReplayFeeder(target, {
    ...(flags.rate !== undefined ? { rate: new RateLimiter(flags.rate) } : {}),
    // Two producer batches' worth: one fills while the other is in flight.
    maxInFlight: flags.into === "kafka" ? 2 * options.kafkaProducerMaxBatchSize : 1,
    progress,
    logger,
  });
  let result: ReplayResult;
  try {
    await source.feed((message) => feeder.offer(message), signal);
    const counts = await feeder.finish();
    progress.stop();
    output.out(
      `${summaryLine(
        "ingest replay",
        flags.dryRun
          ? { read: counts.read, "would produce": counts.produced, skipped: counts.skipped }
          : { ...counts },
        performance.now() - started,
        counts.read,
      )} -> ${description}${signal.aborted ? " (interrupted)" : ""}`,
    );
    result = { counts };
    if (dev !== undefined) {
      await dev.drain();
      const outcome = await dev.outcome();
      for (const line of devOutcomeLines(outcome)) output.out(line);
      if (override !== undefined && flags.compareGrouping !== undefined) {
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

export function createReplayCommand(): Command {
  return new Command("replay")
    .description(
      "Feed a dump file or a slice of a topic back into a Kafka topic, or into the whole pipeline " +
        "in this process (--into dev), with a rate limit, progress and a summary.",
    )
    .option("--from-file <file>", "dump file written by `ingest dump` (- = stdin)")
    .option("--topic <topic>", "read this topic instead of a file")
    .option("--partitions <list>", "with --topic: partitions to read, e.g. 0,2,4-6", parsePartitions)
    .addOption(
      new Option("--from-offset <offset>", "with --topic: first offset per partition")
        .argParser(nonNegativeInt("--from-offset"))
        .conflicts("fromTimestamp"),
    )
    .addOption(
      new Option("--from-timestamp <time>", "with --topic: first message at/after this time").argParser((v) =>
        parseTimestamp("--from-timestamp", v),
      ),
    )
    .addOption(
      new Option("--to-offset <offset>", "with --topic: stop before this offset (exclusive)")
        .argParser(nonNegativeInt("--to-offset"))
        .conflicts("toTimestamp"),
    )
    .addOption(
      new Option(
        "--to-timestamp <time>",
        "with --topic: stop before the first message at/after this time",
      ).argParser((v) => parseTimestamp("--to-timestamp", v)),
    )
    .option("--max-messages <n>", "stop after this many messages", positiveInt("--max-messages"))
    .addOption(new Option("--into <target>", "where to produce").choices(REPLAY_TARGETS).default("kafka"))
    .option("--to-topic <topic>", "destination topic (default: the source topic)")
    .option("--rate <n>", "at most N messages per second, e.g. 200 or 200/s", parseRate)
    .option("--dry-run", "read and count, produce nothing")
    .option(
      "--compare-grouping <file>",
      "with --into dev: also group every event with these settings (YAML/JSON: groupingConfig, " +
        "stackTraceRules, fingerprintRules) and report which events would change group",
    )
    .option(
      "--sqlite <path>",
      "with --into dev: SQLite file for stored events (default: a new temporary file)",
    )
    .addOption(
      new Option(
        "--log-level <level>",
        "pino log level for stderr (default: INGEST_REPLAY_LOG_LEVEL, warn)",
      ).choices(LOG_LEVELS),
    )
    .action(async (flags: ReplayFlags) => {
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
        // Not a dump at all is a wrong argument; a dump that breaks off later is a failed run
        // (what came before it was replayed). Either way one line, not a stack.
        if (error.reason === "not-a-dump" || error.reason === "unsupported-version") {
          throw new UsageError(`--from-file: ${error.message}`);
        }
        process.stderr.write(`ingest: --from-file: ${error.message}\n`);
        process.exitCode = 1;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
