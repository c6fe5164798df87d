// cli/commands/debug-group.ts
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { loadOptions } from "../../config/options.js";
import { computeGroupingForEvent } from "../../consumers/grouping/compute.js";
import {
  compileGroupingConfig,
  DEFAULT_GROUPING_CONFIG_ID
} from "../../consumers/grouping/config.js";
import { readGroupingEvent } from "../../consumers/grouping/event-view.js";
import { explainGrouping } from "../../consumers/grouping/explain.js";
import { projectConfigFromTestKeys } from "../../consumers/grouping/fixture-keys.js";
import { storedEventData } from "../../consumers/grouping/frame-writeback.js";
import { normalizeConfigFromOptions } from "../../consumers/normalize/config.js";
import { isRejected, normalizeEvent, toStoredEvent } from "../../consumers/normalize/normalize.js";
import { UsageError } from "../usage.js";
var processIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readInput: (file) => readFileSync(file === "-" ? 0 : file, "utf8"),
  now: () => Date.now() / 1e3,
  options: () => loadOptions()
};
var projectConfigSchema = z.strictObject({
  groupingConfig: z.string().default(DEFAULT_GROUPING_CONFIG_ID),
  stackTraceRules: z.string().default(""),
  fingerprintRules: z.string().default("")
});
function readProjectConfig(file, io) {
  if (file === void 0) return projectConfigSchema.parse({});
  let raw;
  try {
    raw = parseYaml(io.readInput(file));
  } catch (error) {
    throw new UsageError(
      `--project-config ${file}: ${error instanceof Error ? error.message : String(error)}`
    );
  }
  const parsed = projectConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--project-config ${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}
function joinRules(first, second) {
  return [first, second].filter((text) => text.trim() !== "").join("\n");
}
function describeProblem(problem) {
  switch (problem.kind) {
    case "unknown_grouping_config":
      return [`unknown grouping config ${problem.configId}, using ${DEFAULT_GROUPING_CONFIG_ID}`];
    case "stack_trace_rules":
      return problem.errors.map((e) => `stack-trace rules ignored: ${e.message}`);
    case "fingerprint_rules":
      return problem.errors.map((e) => `fingerprint rules ignored: ${e.message}`);
  }
}
function groupingJson(result) {
  const variants = {};
  for (const [name, variant] of Object.entries(result.variants)) {
    variants[name] = {
      hash: variant.hash,
      contributes: variant.contributes,
      hint: variant.hint,
      description: variant.description,
      contributingValues: variant.contributingValues
    };
  }
  return { config: result.config, hashes: result.hashes, variants };
}
function runDebugGroup(file, flags, io = processIo) {
  let input;
  try {
    input = JSON.parse(io.readInput(file));
  } catch (error) {
    throw new UsageError(`${file}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new UsageError(`${file}: expected a JSON object (one event)`);
  }
  const event = input;
  const fromFile = readProjectConfig(flags.projectConfig, io);
  const fromEvent = projectConfigFromTestKeys(event, fromFile.groupingConfig);
  const settings = {
    groupingConfig: fromFile.groupingConfig,
    stackTraceRules: joinRules(fromFile.stackTraceRules, fromEvent.stackTraceRules),
    fingerprintRules: joinRules(fromFile.fingerprintRules, fromEvent.fingerprintRules)
  };
  const compiled = compileGroupingConfig(settings);
  for (const problem of compiled.problems) {
    for (const line of describeProblem(problem)) io.err(`ingest debug group: ${line}
`);
  }
  let grouped = event;
  if (flags.normalize) {
    const options = io.options();
    const config = normalizeConfigFromOptions(
      {
        maxSecsInPast: options.maxSecsInPast,
        maxSecsInFuture: options.maxSecsInFuture,
        enableTrimming: options.enableTrimming,
        normalizeUserAgent: options.normalizeUserAgent
      },
      { receivedAt: io.now() }
    );
    const normalized = normalizeEvent(event, config);
    if (isRejected(normalized)) {
      io.err(
        `ingest debug group: rejected by normalization: ${normalized.rejected.reason}: ${normalized.rejected.message}
`
      );
      return 1;
    }
    grouped = toStoredEvent(normalized);
  }
  const view = readGroupingEvent(grouped);
  const result = computeGroupingForEvent(view, compiled);
  if (flags.event) {
    const stored = storedEventData(grouped, view, compiled.stacktraceRules);
    io.out(`${JSON.stringify(stored, null, 2)}
`);
  } else {
    io.out(flags.explain ? explainGrouping(result) : `${JSON.stringify(groupingJson(result), null, 2)}
`);
  }
  return 0;
}
function createDebugGroupCommand(io = processIo) {
  return new Command("group").description("Normalize an event and show its Sentry-compatible grouping: config, hashes and variants.").argument("<file>", "event JSON file, or - for stdin").option(
    "--project-config <file>",
    "YAML/JSON with groupingConfig, stackTraceRules and fingerprintRules (the project's grouping settings)"
  ).option("--explain", "print the component trees and why each part does or does not contribute").option(
    "--event",
    "print the event with its frames as the grouping consumer stores them (in_app, data.orig_in_app, trimmed functions)"
  ).option("--no-normalize", "group the event as given, without Relay normalization first").action((file, flags) => {
    const code = runDebugGroup(file, flags, io);
    if (code !== 0) process.exitCode = code;
  });
}
export {
  createDebugGroupCommand,
  groupingJson,
  runDebugGroup
};
//# sourceMappingURL=debug-group.js.map
