// cli/commands/debug-normalize.ts
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { loadOptions } from "../../config/options.js";
import {
  normalizeConfigFromOptions
} from "../../consumers/normalize/config.js";
import { repairLegacyPythonJson } from "../../consumers/normalize/legacy-json.js";
import {
  isRejected,
  normalizeEvent,
  toRelayJson,
  toStoredEvent
} from "../../consumers/normalize/normalize.js";
import { parseTimestampText } from "../../consumers/normalize/values.js";
import { nonNegativeInt, positiveInt, UsageError } from "../usage.js";
var processIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readInput: (file) => readFileSync(file === "-" ? 0 : file, "utf8"),
  now: () => Date.now() / 1e3,
  options: () => loadOptions()
};
function parseReceivedAt(text) {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const seconds = parseTimestampText(text);
  if (seconds === void 0)
    throw new UsageError(`--received-at: expected RFC 3339 or Unix seconds, got ${text}`);
  return seconds;
}
function configFor(flags, io) {
  const options = io.options();
  const facts = {
    receivedAt: flags.receivedAt === void 0 ? io.now() : parseReceivedAt(flags.receivedAt),
    clientIp: flags.clientIp,
    client: flags.client,
    projectId: flags.projectId,
    fallbackEventId: flags.eventId
  };
  const config = normalizeConfigFromOptions(
    {
      maxSecsInPast: flags.maxSecsInPast ?? options.maxSecsInPast,
      maxSecsInFuture: flags.maxSecsInFuture ?? options.maxSecsInFuture,
      enableTrimming: flags.trimming && options.enableTrimming,
      normalizeUserAgent: options.normalizeUserAgent
    },
    facts
  );
  return config;
}
function parseEventText(text) {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(repairLegacyPythonJson(text));
    } catch (error) {
      throw new UsageError(`input is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
function normalizeOne(input, config, flags) {
  const result = normalizeEvent(input, config);
  if (isRejected(result)) return { rejected: `${result.rejected.reason}: ${result.rejected.message}` };
  const output = flags.derived ? toStoredEvent(result) : toRelayJson(result);
  return { text: flags.pretty ? JSON.stringify(output, null, 2) : JSON.stringify(output) };
}
function runDebugNormalize(file, flags, io = processIo) {
  const config = configFor(flags, io);
  const text = io.readInput(file);
  if (!flags.jsonl) {
    const outcome = normalizeOne(parseEventText(text), config, flags);
    if ("rejected" in outcome) {
      io.err(`ingest debug normalize: rejected: ${outcome.rejected}
`);
      return 1;
    }
    io.out(`${outcome.text}
`);
    return 0;
  }
  let exitCode = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const outcome = normalizeOne(parseEventText(line), config, flags);
    if ("rejected" in outcome) {
      io.err(`ingest debug normalize: rejected: ${outcome.rejected}
`);
      io.out(`${JSON.stringify({ __rejected__: outcome.rejected })}
`);
      exitCode = 1;
    } else {
      io.out(`${outcome.text}
`);
    }
  }
  return exitCode;
}
function createDebugNormalizeCommand(io = processIo) {
  return new Command("normalize").description("Run an event through Relay's store normalization and print it with errors and _meta.").argument("<file>", "event JSON file, or - for stdin").option("--received-at <time>", "reception time (RFC 3339 or Unix seconds); default now").option("--client-ip <ip>", "IP of the client that sent the event (resolves {{auto}})").option("--client <sdk>", "sentry_client value, e.g. sentry.python/1.2.3 (fills a missing sdk)").option("--project-id <n>", "project id written to the event", positiveInt("--project-id")).option("--max-secs-in-past <n>", "override maxSecsInPast", nonNegativeInt("--max-secs-in-past")).option("--max-secs-in-future <n>", "override maxSecsInFuture", nonNegativeInt("--max-secs-in-future")).option("--no-trimming", "do not trim strings and databags").option("--derived", "also print Sentry's derived title, culprit, location and metadata").option("--event-id <id>", "event id for events that arrive without one (default: random)").option("--jsonl", "one event per input line, one result per output line").option("--pretty", "indent the output").action((file, flags) => {
    const code = runDebugNormalize(file, flags, io);
    if (code !== 0) process.exitCode = code;
  });
}
export {
  createDebugNormalizeCommand,
  runDebugNormalize
};
//# sourceMappingURL=debug-normalize.js.map
