import { readFileSync } from "node:fs";
import { Command } from "commander";
import { loadOptions, type Options } from "../../config/options.ts";
import {
  type MessageFacts,
  type NormalizeConfig,
  normalizeConfigFromOptions,
} from "../../consumers/normalize/config.ts";
import { repairLegacyPythonJson } from "../../consumers/normalize/legacy-json.ts";
import {
  isRejected,
  normalizeEvent,
  toRelayJson,
  toStoredEvent,
} from "../../consumers/normalize/normalize.ts";
import { parseTimestampText } from "../../consumers/normalize/values.ts";
import { nonNegativeInt, positiveInt, UsageError } from "../usage.ts";

// `ingest debug normalize EVENT.json`: runs one event (or one per line with --jsonl) through
// the pure normalizer and prints it in Relay's wire form (`errors`, `_meta`). A rejected event
// prints its reason on stderr and exits 1. The received time defaults to now; everything else
// defaults to the options registry.

export interface DebugNormalizeIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readInput: (file: string) => string;
  /** Float Unix seconds. */
  readonly now: () => number;
  readonly options: () => Options;
}

const processIo: DebugNormalizeIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readInput: (file) => readFileSync(file === "-" ? 0 : file, "utf8"),
  now: () => Date.now() / 1000,
  options: () => loadOptions(),
};

interface Flags {
  readonly receivedAt?: string;
  readonly clientIp?: string;
  readonly client?: string;
  readonly projectId?: number;
  readonly maxSecsInPast?: number;
  readonly maxSecsInFuture?: number;
  readonly trimming: boolean;
  readonly derived?: boolean;
  readonly jsonl?: boolean;
  readonly pretty?: boolean;
  readonly eventId?: string;
}

function parseReceivedAt(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const seconds = parseTimestampText(text);
  if (seconds === undefined)
    throw new UsageError(`--received-at: expected RFC 3339 or Unix seconds, got ${text}`);
  return seconds;
}

function configFor(flags: Flags, io: DebugNormalizeIo): NormalizeConfig {
  const options = io.options();
  const facts: MessageFacts = {
    receivedAt: flags.receivedAt === undefined ? io.now() : parseReceivedAt(flags.receivedAt),
    clientIp: flags.clientIp,
    client: flags.client,
    projectId: flags.projectId,
    fallbackEventId: flags.eventId,
  };
  const config = normalizeConfigFromOptions(
    {
      maxSecsInPast: flags.maxSecsInPast ?? options.maxSecsInPast,
      maxSecsInFuture: flags.maxSecsInFuture ?? options.maxSecsInFuture,
      enableTrimming: flags.trimming && options.enableTrimming,
      normalizeUserAgent: options.normalizeUserAgent,
    },
    facts,
  );
  return config;
}

/** Event text as Relay's Python binding accepts it: JSON, or Python-legacy JSON with NaN. */
function parseEventText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    try {
      return JSON.parse(repairLegacyPythonJson(text)) as unknown;
    } catch (error) {
      throw new UsageError(`input is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Normalizes one event; returns the output JSON text, or the rejection message. */
function normalizeOne(
  input: unknown,
  config: NormalizeConfig,
  flags: Flags,
): { text: string } | { rejected: string } {
  const result = normalizeEvent(input, config);
  if (isRejected(result)) return { rejected: `${result.rejected.reason}: ${result.rejected.message}` };
  const output = flags.derived ? toStoredEvent(result) : toRelayJson(result);
  return { text: flags.pretty ? JSON.stringify(output, null, 2) : JSON.stringify(output) };
}

/** Returns the exit code: 0, or 1 when an event was rejected. */
export function runDebugNormalize(file: string, flags: Flags, io: DebugNormalizeIo = processIo): number {
  const config = configFor(flags, io);
  const text = io.readInput(file);
  if (!flags.jsonl) {
    const outcome = normalizeOne(parseEventText(text), config, flags);
    if ("rejected" in outcome) {
      io.err(`ingest debug normalize: rejected: ${outcome.rejected}\n`);
      return 1;
    }
    io.out(`${outcome.text}\n`);
    return 0;
  }
  let exitCode = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const outcome = normalizeOne(parseEventText(line), config, flags);
    if ("rejected" in outcome) {
      io.err(`ingest debug normalize: rejected: ${outcome.rejected}\n`);
      io.out(`${JSON.stringify({ __rejected__: outcome.rejected })}\n`);
      exitCode = 1;
    } else {
      io.out(`${outcome.text}\n`);
    }
  }
  return exitCode;
}

export function createDebugNormalizeCommand(io: DebugNormalizeIo = processIo): Command {
  return new Command("normalize")
    .description("Run an event through Relay's store normalization and print it with errors and _meta.")
    .argument("<file>", "event JSON file, or - for stdin")
    .option("--received-at <time>", "reception time (RFC 3339 or Unix seconds); default now")
    .option("--client-ip <ip>", "IP of the client that sent the event (resolves {{auto}})")
    .option("--client <sdk>", "sentry_client value, e.g. sentry.python/1.2.3 (fills a missing sdk)")
    .option("--project-id <n>", "project id written to the event", positiveInt("--project-id"))
    .option("--max-secs-in-past <n>", "override maxSecsInPast", nonNegativeInt("--max-secs-in-past"))
    .option("--max-secs-in-future <n>", "override maxSecsInFuture", nonNegativeInt("--max-secs-in-future"))
    .option("--no-trimming", "do not trim strings and databags")
    .option("--derived", "also print Sentry's derived title, culprit, location and metadata")
    .option("--event-id <id>", "event id for events that arrive without one (default: random)")
    .option("--jsonl", "one event per input line, one result per output line")
    .option("--pretty", "indent the output")
    .action((file: string, flags: Flags) => {
      const code = runDebugNormalize(file, flags, io);
      if (code !== 0) process.exitCode = code;
    });
}
