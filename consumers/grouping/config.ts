import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileRules, type StacktraceRules } from "./enhancements/engine.ts";
import { parseRules, type RuleSyntaxError } from "./enhancements/parse.ts";
import { type FingerprintSyntaxError, parseFingerprintRules } from "./fingerprint-rules-parse.ts";
import type { FingerprintRule } from "./fingerprinting.ts";
import type { GroupingConfigDefinition } from "./strategies/context.ts";

// Grouping configs and per-project grouping settings. A project picks a config id and may
// add stack-trace rules (appended after the config's base rules, so they win where the
// last match wins) and fingerprint rules (checked before the built-in ones). Compiling rule
// text is the expensive part, so compiled settings are cached by their texts.

export const DEFAULT_GROUPING_CONFIG_ID = "newstyle:2023-01-11";

/** A project's grouping settings (Sentry project options `sentry:grouping_*`). */
export interface ProjectGroupingConfig {
  /** Grouping config id, e.g. `newstyle:2023-01-11`. */
  readonly groupingConfig: string;
  /** Project stack-trace rules (enhancements), Sentry's rule syntax. */
  readonly stackTraceRules: string;
  /** Project server-side fingerprint rules, Sentry's rule syntax. */
  readonly fingerprintRules: string;
}

export const DEFAULT_PROJECT_GROUPING_CONFIG: ProjectGroupingConfig = {
  groupingConfig: DEFAULT_GROUPING_CONFIG_ID,
  stackTraceRules: "",
  fingerprintRules: "",
};

const CONFIGS: ReadonlyMap<string, GroupingConfigDefinition> = new Map([
  [
    DEFAULT_GROUPING_CONFIG_ID,
    {
      id: DEFAULT_GROUPING_CONFIG_ID,
      contextLinePlatforms: new Set(["javascript", "node", "python", "php", "ruby"]),
      legacyExceptionSubcomponentOrder: true,
      jsSingleFrameUrlOriginBackwards: true,
      legacyUnknownVariableHandling: true,
      enhancementsBase: "all-platforms:2023-01-11",
      fingerprintingBases: ["javascript@2024-02-02"],
    },
  ],
]);

export function knownGroupingConfigs(): ReadonlyArray<string> {
  return [...CONFIGS.keys()];
}

/** A problem found while compiling a project's settings; grouping continues without the bad part. */
export type GroupingConfigProblem =
  | { readonly kind: "unknown_grouping_config"; readonly configId: string }
  | { readonly kind: "stack_trace_rules"; readonly errors: ReadonlyArray<RuleSyntaxError> }
  | { readonly kind: "fingerprint_rules"; readonly errors: ReadonlyArray<FingerprintSyntaxError> };

export interface CompiledGroupingConfig {
  readonly definition: GroupingConfigDefinition;
  /** Base rules followed by the project's rules. */
  readonly stacktraceRules: StacktraceRules;
  /** Project fingerprint rules followed by the config's built-in ones. */
  readonly fingerprintRules: ReadonlyArray<FingerprintRule>;
  readonly problems: ReadonlyArray<GroupingConfigProblem>;
}

const RULES_DIR = fileURLToPath(new URL("./rules/", import.meta.url));

/** Thrown when a shipped rule file does not parse: a packaging bug, not a project problem. */
export class ShippedRulesError extends Error {
  constructor(file: string, detail: string) {
    super(`shipped grouping rules ${file} do not parse: ${detail}`);
    this.name = "ShippedRulesError";
  }
}

const baseRulesCache = new Map<string, StacktraceRules>();

/** The stack-trace rules of an enhancements base, e.g. `all-platforms:2023-01-11`. */
export function enhancementsBase(id: string): StacktraceRules {
  let rules = baseRulesCache.get(id);
  if (rules === undefined) {
    const file = `enhancements/${id.replace(":", "@")}.txt`;
    const parsed = parseRules(readFileSync(`${RULES_DIR}${file}`, "utf8"));
    if (!parsed.ok) throw new ShippedRulesError(file, parsed.errors.map((e) => e.message).join("; "));
    rules = compileRules(parsed.value, true);
    baseRulesCache.set(id, rules);
  }
  return rules;
}

const fingerprintBaseCache = new Map<string, ReadonlyArray<FingerprintRule>>();

/** Built-in fingerprint rules of a base: every `*.txt` of its folder, in file-name order. */
export function fingerprintingBase(id: string): ReadonlyArray<FingerprintRule> {
  let rules = fingerprintBaseCache.get(id);
  if (rules === undefined) {
    const dir = `${RULES_DIR}fingerprinting/${id}/`;
    const loaded: FingerprintRule[] = [];
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith(".txt"))
      .sort()) {
      const parsed = parseFingerprintRules(readFileSync(`${dir}${name}`, "utf8"), true);
      if (!parsed.ok) throw new ShippedRulesError(name, parsed.errors.map((e) => e.message).join("; "));
      loaded.push(...parsed.value);
    }
    rules = loaded;
    fingerprintBaseCache.set(id, rules);
  }
  return rules;
}

function compile(settings: ProjectGroupingConfig): CompiledGroupingConfig {
  const problems: GroupingConfigProblem[] = [];
  let definition = CONFIGS.get(settings.groupingConfig);
  if (definition === undefined) {
    // Sentry validates the project option and falls back to the default config.
    problems.push({ kind: "unknown_grouping_config", configId: settings.groupingConfig });
    definition = CONFIGS.get(DEFAULT_GROUPING_CONFIG_ID)!;
  }
  let stacktraceRules = enhancementsBase(definition.enhancementsBase);
  if (settings.stackTraceRules.trim() !== "") {
    const parsed = parseRules(settings.stackTraceRules);
    // Sentry drops invalid project rules as a whole and keeps the base rules.
    if (parsed.ok) stacktraceRules = stacktraceRules.concat(compileRules(parsed.value, false));
    else problems.push({ kind: "stack_trace_rules", errors: parsed.errors });
  }
  const fingerprintRules: FingerprintRule[] = [];
  if (settings.fingerprintRules.trim() !== "") {
    const parsed = parseFingerprintRules(settings.fingerprintRules);
    if (parsed.ok) fingerprintRules.push(...parsed.value);
    else problems.push({ kind: "fingerprint_rules", errors: parsed.errors });
  }
  for (const base of definition.fingerprintingBases) fingerprintRules.push(...fingerprintingBase(base));
  return { definition, stacktraceRules, fingerprintRules, problems };
}

const COMPILED_CACHE_LIMIT = 1024;
// Config id -> stack-trace rule text -> fingerprint rule text. Nested rather than one joined
// key: the texts come from the project settings, the same strings event after event, whose
// hashes V8 keeps, while a joined key would be rebuilt and rehashed (kilobytes of rules) for
// every event. A changed rule text is a different key, so edited rules compile afresh.
const compiledCache = new Map<string, Map<string, Map<string, CompiledGroupingConfig>>>();
let compiledCount = 0;

/**
 * Compiles (or returns the cached compilation of) a project's grouping settings. Bad rule
 * text never throws: it is reported in `problems` and left out, as Sentry does.
 */
export function compileGroupingConfig(settings: ProjectGroupingConfig): CompiledGroupingConfig {
  let byStackRules = compiledCache.get(settings.groupingConfig);
  let byFingerprintRules = byStackRules?.get(settings.stackTraceRules);
  const cached = byFingerprintRules?.get(settings.fingerprintRules);
  if (cached !== undefined) return cached;
  const compiled = compile(settings);
  // Past the limit everything is dropped at once: cheaper than tracking use on the hot path,
  // and only reached with more distinct rule sets than projects usually have.
  if (compiledCount >= COMPILED_CACHE_LIMIT) {
    compiledCache.clear();
    compiledCount = 0;
    byStackRules = undefined;
    byFingerprintRules = undefined;
  }
  if (byStackRules === undefined) {
    byStackRules = new Map();
    compiledCache.set(settings.groupingConfig, byStackRules);
  }
  if (byFingerprintRules === undefined) {
    byFingerprintRules = new Map();
    byStackRules.set(settings.stackTraceRules, byFingerprintRules);
  }
  byFingerprintRules.set(settings.fingerprintRules, compiled);
  compiledCount++;
  return compiled;
}
