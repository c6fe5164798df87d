// consumers/grouping/config.ts
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileRules } from "./enhancements/engine.js";
import { parseRules } from "./enhancements/parse.js";
import { parseFingerprintRules } from "./fingerprint-rules-parse.js";
var DEFAULT_GROUPING_CONFIG_ID = "newstyle:2023-01-11";
var DEFAULT_PROJECT_GROUPING_CONFIG = {
  groupingConfig: DEFAULT_GROUPING_CONFIG_ID,
  stackTraceRules: "",
  fingerprintRules: ""
};
var CONFIGS = /* @__PURE__ */ new Map([
  [
    DEFAULT_GROUPING_CONFIG_ID,
    {
      id: DEFAULT_GROUPING_CONFIG_ID,
      contextLinePlatforms: /* @__PURE__ */ new Set(["javascript", "node", "python", "php", "ruby"]),
      legacyExceptionSubcomponentOrder: true,
      jsSingleFrameUrlOriginBackwards: true,
      legacyUnknownVariableHandling: true,
      enhancementsBase: "all-platforms:2023-01-11",
      fingerprintingBases: ["javascript@2024-02-02"]
    }
  ]
]);
function knownGroupingConfigs() {
  return [...CONFIGS.keys()];
}
var RULES_DIR = fileURLToPath(new URL("./rules/", import.meta.url));
var ShippedRulesError = class extends Error {
  constructor(file, detail) {
    super(`shipped grouping rules ${file} do not parse: ${detail}`);
    this.name = "ShippedRulesError";
  }
};
var baseRulesCache = /* @__PURE__ */ new Map();
function enhancementsBase(id) {
  let rules = baseRulesCache.get(id);
  if (rules === void 0) {
    const file = `enhancements/${id.replace(":", "@")}.txt`;
    const parsed = parseRules(readFileSync(`${RULES_DIR}${file}`, "utf8"));
    if (!parsed.ok) throw new ShippedRulesError(file, parsed.errors.map((e) => e.message).join("; "));
    rules = compileRules(parsed.value, true);
    baseRulesCache.set(id, rules);
  }
  return rules;
}
var fingerprintBaseCache = /* @__PURE__ */ new Map();
function fingerprintingBase(id) {
  let rules = fingerprintBaseCache.get(id);
  if (rules === void 0) {
    const dir = `${RULES_DIR}fingerprinting/${id}/`;
    const loaded = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".txt")).sort()) {
      const parsed = parseFingerprintRules(readFileSync(`${dir}${name}`, "utf8"), true);
      if (!parsed.ok) throw new ShippedRulesError(name, parsed.errors.map((e) => e.message).join("; "));
      loaded.push(...parsed.value);
    }
    rules = loaded;
    fingerprintBaseCache.set(id, rules);
  }
  return rules;
}
function compile(settings) {
  const problems = [];
  let definition = CONFIGS.get(settings.groupingConfig);
  if (definition === void 0) {
    problems.push({ kind: "unknown_grouping_config", configId: settings.groupingConfig });
    definition = CONFIGS.get(DEFAULT_GROUPING_CONFIG_ID);
  }
  let stacktraceRules = enhancementsBase(definition.enhancementsBase);
  if (settings.stackTraceRules.trim() !== "") {
    const parsed = parseRules(settings.stackTraceRules);
    if (parsed.ok) stacktraceRules = stacktraceRules.concat(compileRules(parsed.value, false));
    else problems.push({ kind: "stack_trace_rules", errors: parsed.errors });
  }
  const fingerprintRules = [];
  if (settings.fingerprintRules.trim() !== "") {
    const parsed = parseFingerprintRules(settings.fingerprintRules);
    if (parsed.ok) fingerprintRules.push(...parsed.value);
    else problems.push({ kind: "fingerprint_rules", errors: parsed.errors });
  }
  for (const base of definition.fingerprintingBases) fingerprintRules.push(...fingerprintingBase(base));
  return { definition, stacktraceRules, fingerprintRules, problems };
}
var COMPILED_CACHE_LIMIT = 1024;
var compiledCache = /* @__PURE__ */ new Map();
var compiledCount = 0;
function compileGroupingConfig(settings) {
  let byStackRules = compiledCache.get(settings.groupingConfig);
  let byFingerprintRules = byStackRules?.get(settings.stackTraceRules);
  const cached = byFingerprintRules?.get(settings.fingerprintRules);
  if (cached !== void 0) return cached;
  const compiled = compile(settings);
  if (compiledCount >= COMPILED_CACHE_LIMIT) {
    compiledCache.clear();
    compiledCount = 0;
    byStackRules = void 0;
    byFingerprintRules = void 0;
  }
  if (byStackRules === void 0) {
    byStackRules = /* @__PURE__ */ new Map();
    compiledCache.set(settings.groupingConfig, byStackRules);
  }
  if (byFingerprintRules === void 0) {
    byFingerprintRules = /* @__PURE__ */ new Map();
    byStackRules.set(settings.stackTraceRules, byFingerprintRules);
  }
  byFingerprintRules.set(settings.fingerprintRules, compiled);
  compiledCount++;
  return compiled;
}
export {
  DEFAULT_GROUPING_CONFIG_ID,
  DEFAULT_PROJECT_GROUPING_CONFIG,
  ShippedRulesError,
  compileGroupingConfig,
  enhancementsBase,
  fingerprintingBase,
  knownGroupingConfigs
};
//# sourceMappingURL=config.js.map
