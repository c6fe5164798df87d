// consumers/grouping/compute.ts
import { GroupingComponent, hashValues } from "./component.js";
import {
  compileGroupingConfig,
  DEFAULT_PROJECT_GROUPING_CONFIG
} from "./config.js";
import {
  NO_EXCEPTION,
  toMatchFrames
} from "./enhancements/engine.js";
import {
  readGroupingEvent,
  stacktracesOf
} from "./event-view.js";
import {
  DEFAULT_FINGERPRINT_VARIABLE,
  findFingerprintRule,
  fingerprintType,
  isDefaultFingerprintEntry,
  matchedRuleInfo,
  resolveFingerprint
} from "./fingerprinting.js";
import { exceptionData } from "./strategies/exception.js";
import { strategyRoots } from "./strategies/run.js";
var CHECKSUM = /^[0-9a-f]{32}$/;
function normalizeStacktrace(stacktrace, platform, rules, exception) {
  const frames = toMatchFrames(stacktrace.frames, platform);
  const facts = rules.classify(frames, exception);
  for (const frame of stacktrace.frames) if (frame.inApp === void 0) frame.inApp = false;
  return { frames, facts };
}
function normalizeStacktraces(event, compiled) {
  const classified = /* @__PURE__ */ new Map();
  for (const { stacktrace, exception } of stacktracesOf(event)) {
    if (stacktrace.frames.length === 0) continue;
    const data = exception ? exceptionData(exception) : NO_EXCEPTION;
    classified.set(
      stacktrace,
      normalizeStacktrace(stacktrace, event.platform, compiled.stacktraceRules, data)
    );
  }
  return classified;
}
var TreeVariant = class {
  constructor(type, hash, contributes, hint, contributingValues, component, values, fingerprintInfo) {
    this.type = type;
    this.hash = hash;
    this.contributes = contributes;
    this.hint = hint;
    this.contributingValues = contributingValues;
    this.component = component;
    this.values = values;
    this.fingerprintInfo = fingerprintInfo;
  }
  type;
  hash;
  contributes;
  hint;
  contributingValues;
  component;
  values;
  fingerprintInfo;
  get description() {
    const description = this.component.description;
    return this.type === "salted_component" ? `modified ${description}` : description;
  }
};
function componentVariant(root, memo) {
  const values = root.contributingValues();
  let hash = null;
  if (root.contributes) {
    const contributing = root.values.filter(
      (v) => v instanceof GroupingComponent && v.contributes
    );
    hash = (contributing.length === 1 ? memo.get(contributing[0]) : void 0) ?? hashValues(values);
  }
  return new TreeVariant("component", hash, root.contributes, root.hint, values, root, void 0, void 0);
}
function sortHashes(variants) {
  const names = Object.keys(variants);
  const ordered = [...names.filter((n) => n !== "system"), ...names.filter((n) => n === "system")];
  return ordered.map((n) => variants[n].hash).filter((h) => h !== null);
}
function computeGroupingForEvent(event, compiled) {
  const configId = compiled.definition.id;
  const matchFrames = normalizeStacktraces(event, compiled);
  if (event.checksum !== void 0) {
    const variants2 = CHECKSUM.test(event.checksum) ? {
      checksum: {
        type: "checksum",
        hash: event.checksum,
        contributes: true,
        hint: null,
        description: "legacy checksum",
        contributingValues: []
      }
    } : {
      hashed_checksum: {
        type: "hashed_checksum",
        hash: hashValues([event.checksum]),
        contributes: true,
        hint: null,
        description: "hashed legacy checksum",
        contributingValues: [event.checksum]
      }
    };
    return { config: configId, hashes: sortHashes(variants2), variants: variants2, fingerprintInfo: void 0 };
  }
  const clientFingerprint = event.fingerprint ?? [DEFAULT_FINGERPRINT_VARIABLE];
  let fingerprintInfo;
  let fingerprint = clientFingerprint;
  if (event.fingerprint !== void 0 && fingerprintType(event.fingerprint) !== "default") {
    fingerprintInfo = { client_fingerprint: event.fingerprint };
  }
  const rule = findFingerprintRule(compiled.fingerprintRules, event);
  if (rule !== void 0) {
    fingerprint = rule.fingerprint;
    fingerprintInfo = { ...fingerprintInfo, matched_rule: matchedRuleInfo(rule) };
  }
  const type = fingerprintType(fingerprint);
  const resolved = type === "default" ? fingerprint : resolveFingerprint(fingerprint, event);
  const hitsCache = /* @__PURE__ */ new Map();
  const context = {
    event,
    config: compiled.definition,
    rules: compiled.stacktraceRules,
    contributesHitsOf: (stacktrace, exception) => {
      let hits = hitsCache.get(stacktrace);
      if (hits === void 0) {
        const known = matchFrames.get(stacktrace);
        const frames = known?.frames ?? toMatchFrames(stacktrace.frames, event.platform);
        hits = compiled.stacktraceRules.contributesHits(frames, exception, known?.facts);
        hitsCache.set(stacktrace, hits);
      }
      return hits;
    }
  };
  const memo = /* @__PURE__ */ new Map();
  const roots = strategyRoots(event, context, memo);
  const variants = {};
  if (type === "custom") {
    const builtin = fingerprintInfo?.matched_rule?.is_builtin === true;
    const source = builtin ? "built-in" : fingerprintInfo?.matched_rule ? "custom server" : "custom client";
    for (const [name, root] of roots) {
      root.update({ contributes: false, hint: `ignored because ${source} fingerprint takes precedence` });
      variants[name] = componentVariant(root, memo);
    }
    variants[builtin ? "built_in_fingerprint" : "custom_fingerprint"] = {
      type: builtin ? "built_in_fingerprint" : "custom_fingerprint",
      hash: hashValues(resolved),
      contributes: true,
      hint: null,
      description: builtin ? "Sentry defined fingerprint" : "custom fingerprint",
      contributingValues: resolved,
      values: resolved,
      ...fingerprintInfo ? { fingerprintInfo } : {}
    };
  } else if (type === "hybrid") {
    for (const [name, root] of roots) {
      const values = root.contributes ? resolved.flatMap(
        (entry) => isDefaultFingerprintEntry(entry) ? root.contributingValues() : [entry]
      ) : [];
      variants[name] = new TreeVariant(
        "salted_component",
        root.contributes ? hashValues(values) : null,
        root.contributes,
        root.hint,
        values,
        root,
        resolved,
        fingerprintInfo
      );
    }
  } else {
    for (const [name, root] of roots) variants[name] = componentVariant(root, memo);
  }
  if (!Object.values(variants).some((v) => v.contributes)) {
    variants.fallback = {
      type: "fallback",
      hash: hashValues([]),
      contributes: true,
      hint: null,
      description: "fallback",
      contributingValues: []
    };
  }
  return { config: configId, hashes: sortHashes(variants), variants, fingerprintInfo };
}
function computeGrouping(event, projectConfig = DEFAULT_PROJECT_GROUPING_CONFIG) {
  return computeGroupingForEvent(readGroupingEvent(event), compileGroupingConfig(projectConfig));
}
export {
  computeGrouping,
  computeGroupingForEvent,
  normalizeStacktrace
};
//# sourceMappingURL=compute.js.map
