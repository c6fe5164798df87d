import { readFileSync } from "node:fs";
import { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { loadOptions, type Options } from "../../config/options.ts";
import { computeGroupingForEvent, type GroupingResult } from "../../consumers/grouping/compute.ts";
import {
  compileGroupingConfig,
  DEFAULT_GROUPING_CONFIG_ID,
  type GroupingConfigProblem,
  type ProjectGroupingConfig,
} from "../../consumers/grouping/config.ts";
import { readGroupingEvent } from "../../consumers/grouping/event-view.ts";
import { explainGrouping } from "../../consumers/grouping/explain.ts";
import { projectConfigFromTestKeys } from "../../consumers/grouping/fixture-keys.ts";
import { storedEventData } from "../../consumers/grouping/frame-writeback.ts";
import { normalizeConfigFromOptions } from "../../consumers/normalize/config.ts";
import { isRejected, normalizeEvent, toStoredEvent } from "../../consumers/normalize/normalize.ts";
import { UsageError } from "../usage.ts";

// `ingest debug group [--project-config FILE] [--explain] FILE|-`: normalizes one event as the
// normalize consumer does, groups it as the grouping consumer does and prints the config, the
// hashes and every variant (or, with --explain, the component trees and why each part does or
// does not contribute; with --event, the event with its frames as the grouping consumer
// stores them: in_app, orig_in_app, trimmed functions). The test-only keys of Sentry's grouping fixtures (`_grouping.
// enhancements`, `_fingerprinting_rules`) are honoured, after the project config's own rules.

export interface DebugGroupIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Reads the event (`-` = stdin) or the project config file. */
  readonly readInput: (file: string) => string;
  /** Float Unix seconds, the received time given to the normalizer. */
  readonly now: () => number;
  readonly options: () => Options;
}

const processIo: DebugGroupIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readInput: (file) => readFileSync(file === "-" ? 0 : file, "utf8"),
  now: () => Date.now() / 1000,
  options: () => loadOptions(),
};

interface Flags {
  readonly projectConfig?: string;
  readonly explain?: boolean;
  readonly event?: boolean;
  readonly normalize: boolean;
}

const projectConfigSchema = z.strictObject({
  groupingConfig: z.string().default(DEFAULT_GROUPING_CONFIG_ID),
  stackTraceRules: z.string().default(""),
  fingerprintRules: z.string().default(""),
});

function readProjectConfig(file: string | undefined, io: DebugGroupIo): ProjectGroupingConfig {
  if (file === undefined) return projectConfigSchema.parse({});
  let raw: unknown;
  try {
    raw = parseYaml(io.readInput(file));
  } catch (error) {
    throw new UsageError(
      `--project-config ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = projectConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--project-config ${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

function joinRules(first: string, second: string): string {
  return [first, second].filter((text) => text.trim() !== "").join("\n");
}

function describeProblem(problem: GroupingConfigProblem): string[] {
  switch (problem.kind) {
    case "unknown_grouping_config":
      return [`unknown grouping config ${problem.configId}, using ${DEFAULT_GROUPING_CONFIG_ID}`];
    case "stack_trace_rules":
      return problem.errors.map((e) => `stack-trace rules ignored: ${e.message}`);
    case "fingerprint_rules":
      return problem.errors.map((e) => `fingerprint rules ignored: ${e.message}`);
  }
}

/** The JSON the command prints: variants in Sentry's order, with what feeds their hash. */
export function groupingJson(result: GroupingResult): Record<string, unknown> {
  const variants: Record<string, unknown> = {};
  for (const [name, variant] of Object.entries(result.variants)) {
    variants[name] = {
      hash: variant.hash,
      contributes: variant.contributes,
      hint: variant.hint,
      description: variant.description,
      contributingValues: variant.contributingValues,
    };
  }
  return { config: result.config, hashes: result.hashes, variants };
}

/** Returns the exit code: 0, or 1 when the normalizer rejects the event. */
export function runDebugGroup(file: string, flags: Flags, io: DebugGroupIo = processIo): number {
  let input: unknown;
  try {
    input = JSON.parse(io.readInput(file)) as unknown;
  } catch (error) {
    throw new UsageError(`${file}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new UsageError(`${file}: expected a JSON object (one event)`);
  }
  const event = input as Record<string, unknown>;
  const fromFile = readProjectConfig(flags.projectConfig, io);
  const fromEvent = projectConfigFromTestKeys(event, fromFile.groupingConfig);
  const settings: ProjectGroupingConfig = {
    groupingConfig: fromFile.groupingConfig,
    stackTraceRules: joinRules(fromFile.stackTraceRules, fromEvent.stackTraceRules),
    fingerprintRules: joinRules(fromFile.fingerprintRules, fromEvent.fingerprintRules),
  };
  const compiled = compileGroupingConfig(settings);
  for (const problem of compiled.problems) {
    for (const line of describeProblem(problem)) io.err(`ingest debug group: ${line}\n`);
  }

  let grouped: Record<string, unknown> = event;
  if (flags.normalize) {
    const options = io.options();
    const config = normalizeConfigFromOptions(
      {
        maxSecsInPast: options.maxSecsInPast,
        maxSecsInFuture: options.maxSecsInFuture,
        enableTrimming: options.enableTrimming,
        normalizeUserAgent: options.normalizeUserAgent,
      },
      { receivedAt: io.now() },
    );
    const normalized = normalizeEvent(event, config);
    if (isRejected(normalized)) {
      io.err(
        `ingest debug group: rejected by normalization: ${normalized.rejected.reason}: ${normalized.rejected.message}\n`,
      );
      return 1;
    }
    grouped = toStoredEvent(normalized);
  }

  const view = readGroupingEvent(grouped);
  const result = computeGroupingForEvent(view, compiled);
  if (flags.event) {
    const stored = storedEventData(grouped, view, compiled.stacktraceRules);
    io.out(`${JSON.stringify(stored, null, 2)}\n`);
  } else {
    io.out(flags.explain ? explainGrouping(result) : `${JSON.stringify(groupingJson(result), null, 2)}\n`);
  }
  return 0;
}

export function createDebugGroupCommand(io: DebugGroupIo = processIo): Command {
  return new Command("group")
    .description("Normalize an event and show its Sentry-compatible grouping: config, hashes and variants.")
    .argument("<file>", "event JSON file, or - for stdin")
    .option(
      "--project-config <file>",
      "YAML/JSON with groupingConfig, stackTraceRules and fingerprintRules (the project's grouping settings)",
    )
    .option("--explain", "print the component trees and why each part does or does not contribute")
    .option(
      "--event",
      "print the event with its frames as the grouping consumer stores them (in_app, data.orig_in_app, trimmed functions)",
    )
    .option("--no-normalize", "group the event as given, without Relay normalization first")
    .action((file: string, flags: Flags) => {
      const code = runDebugGroup(file, flags, io);
      if (code !== 0) process.exitCode = code;
    });
}
