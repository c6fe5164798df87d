// consumers/grouping/fingerprinting.ts
import { compileGlobOrNever } from "./glob.js";
import { behaviorFamily } from "./platform.js";
var DEFAULT_FINGERPRINT_VARIABLE = "{{ default }}";
var VARIABLE = /^\{\{\s*(\S+)\s*\}\}$/;
function fingerprintVariable(entry) {
  return VARIABLE.exec(entry)?.[1];
}
function isDefaultFingerprintEntry(entry) {
  return fingerprintVariable(entry) === "default";
}
function fingerprintType(fingerprint) {
  if (fingerprint.length === 1 && isDefaultFingerprintEntry(fingerprint[0])) return "default";
  return fingerprint.some(isDefaultFingerprintEntry) ? "hybrid" : "custom";
}
var MATCHER_KEYS = {
  "error.type": "type",
  "error.value": "value",
  "stack.module": "module",
  "stack.abs_path": "path",
  "stack.package": "package",
  "stack.function": "function",
  message: "message",
  logger: "logger",
  level: "level",
  type: "type",
  value: "value",
  module: "module",
  path: "path",
  package: "package",
  function: "function",
  family: "family",
  app: "app",
  sdk: "sdk",
  release: "release"
};
function matchTypeOf(key) {
  if (key === "message") return "toplevel";
  if (key === "logger" || key === "level") return "log_info";
  if (key === "type" || key === "value") return "exceptions";
  if (key.startsWith("tags.")) return "tags";
  if (key === "sdk" || key === "family" || key === "release") return key;
  return "frames";
}
function boolFromString(value) {
  const lower = value.toLowerCase();
  if (lower === "1" || lower === "yes" || lower === "true") return true;
  if (lower === "0" || lower === "no" || lower === "false") return false;
  return void 0;
}
var UnknownFingerprintMatcher = class extends Error {
  constructor(key) {
    super(`unknown matcher '${key}'`);
    this.key = key;
    this.name = "UnknownFingerprintMatcher";
  }
  key;
};
function createFingerprintMatcher(rawKey, pattern, negated) {
  const known = Object.hasOwn(MATCHER_KEYS, rawKey) ? MATCHER_KEYS[rawKey] : void 0;
  const key = rawKey.startsWith("tags.") ? rawKey : known;
  if (key === void 0) throw new UnknownFingerprintMatcher(rawKey);
  const matchType = matchTypeOf(key);
  const pathPattern = pattern.replaceAll("\\", "/");
  const path = compileGlobOrNever(pathPattern, { literalSeparator: true, caseInsensitive: true });
  const pathMatch = (value) => {
    if (typeof value !== "string") return false;
    const normalized = value.replaceAll("\\", "/");
    return path.test(normalized) || !normalized.startsWith("/") && path.test(`/${normalized}`);
  };
  const insensitive = compileGlobOrNever(pattern, { literalSeparator: false, caseInsensitive: true });
  const sensitive = compileGlobOrNever(pattern, { literalSeparator: false, caseInsensitive: false });
  const flags = pattern.split(",");
  const expectedApp = boolFromString(pattern);
  const positive = (values) => {
    if (key === "path") return pathMatch(values.abs_path) || pathMatch(values.filename);
    if (key === "message") {
      const { message, value: value2 } = values;
      return typeof message === "string" && insensitive.test(message) || typeof value2 === "string" && insensitive.test(value2);
    }
    const value = values[key];
    if (value === void 0) return false;
    if (key === "package" || key === "release") return pathMatch(value);
    if (key === "family" || key === "sdk") return flags.includes("all") || flags.includes(String(value));
    if (key === "app") return value === expectedApp;
    if (typeof value !== "string") return false;
    if (key === "level" || key === "value") return insensitive.test(value);
    return sensitive.test(value);
  };
  return {
    key,
    pattern,
    negated,
    matchType,
    matches: (values) => positive(values) !== negated
  };
}
function fingerprintRuleText(rule) {
  const matchers = rule.matchers.map((m) => `${m.negated ? "!" : ""}${m.key}:"${m.pattern}"`).join(" ");
  const attributes = Object.keys(rule.attributes).sort().map((k) => `${k}="${rule.attributes[k]}"`).join(" ");
  return `${matchers} -> "${rule.fingerprint.join("")}" ${attributes}`.trimEnd();
}
function matchedRuleInfo(rule) {
  return {
    text: fingerprintRuleText(rule),
    matchers: rule.matchers.map((m) => [`${m.negated ? "!" : ""}${m.key}`, m.pattern]),
    fingerprint: rule.fingerprint,
    attributes: rule.attributes,
    ...rule.builtin ? { is_builtin: true } : {}
  };
}
var EventValues = class {
  constructor(event) {
    this.event = event;
  }
  event;
  cache = /* @__PURE__ */ new Map();
  get(type) {
    let values = this.cache.get(type);
    if (values === void 0) {
      values = this.compute(type);
      this.cache.set(type, values);
    }
    return values;
  }
  compute(type) {
    const event = this.event;
    switch (type) {
      case "toplevel": {
        const message = event.logentry?.formatted;
        return [...message ? [{ message: message.trim() }] : [], ...this.get("exceptions")];
      }
      case "exceptions":
        return (event.exceptions ?? []).map((e) => ({
          type: e.type,
          value: e.value ? e.value.trim() : void 0
        }));
      case "log_info": {
        const info = {};
        if (event.logger) info.logger = event.logger;
        if (event.level) info.level = event.level;
        return Object.keys(info).length > 0 ? [info] : [];
      }
      case "tags":
        return [Object.fromEntries(event.tags.map(([k, v]) => [`tags.${k}`, v]))];
      case "sdk":
        return [{ sdk: normalizedSdkTag(event.sdkName) }];
      case "family":
        return [{ family: behaviorFamily(event.platform) }];
      case "release":
        return [{ release: event.release }];
      case "frames":
        return allFrames(event).map((frame) => ({
          function: frame.function || "<unknown>",
          abs_path: frame.absPath || frame.filename,
          filename: frame.filename,
          module: frame.module,
          package: frame.package,
          app: frame.inApp
        }));
    }
  }
};
function allFrames(event) {
  const frames = [...event.stacktrace?.frames ?? []];
  for (const exception of event.exceptions ?? []) frames.push(...exception.stacktrace?.frames ?? []);
  for (const thread of event.threads ?? []) frames.push(...thread.stacktrace?.frames ?? []);
  return frames;
}
function normalizedSdkTag(name) {
  if (!name) return "other";
  const bare = name.toLowerCase().split("@")[0];
  return bare.startsWith("sentry.") ? bare : "other";
}
var MATCH_TYPE_COST = {
  family: 0,
  sdk: 1,
  release: 2,
  log_info: 3,
  exceptions: 4,
  toplevel: 5,
  tags: 6,
  frames: 7
};
function groupMatchers(matchers) {
  const byType = /* @__PURE__ */ new Map();
  const ordered = [...matchers].sort((a, b) => MATCH_TYPE_COST[a.matchType] - MATCH_TYPE_COST[b.matchType]);
  for (const matcher of ordered) {
    const list = byType.get(matcher.matchType);
    if (list) list.push(matcher);
    else byType.set(matcher.matchType, [matcher]);
  }
  return byType;
}
function ruleMatches(rule, values) {
  for (const [type, matchers] of rule.matchersByType) {
    if (!values.get(type).some((entry) => matchers.every((m) => m.matches(entry)))) return false;
  }
  return true;
}
function findFingerprintRule(rules, event) {
  const values = new EventValues(event);
  for (const rule of rules) if (ruleMatches(rule, values)) return rule;
  return void 0;
}
function crashFrame(event) {
  let frames = event.exceptions?.at(-1)?.stacktrace?.frames;
  if (!frames || frames.length === 0) frames = event.stacktrace?.frames;
  if ((!frames || frames.length === 0) && event.threads?.length === 1)
    frames = event.threads[0].stacktrace?.frames;
  if (!frames || frames.length === 0) return void 0;
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i].inApp) return frames[i];
  return frames[frames.length - 1];
}
function resolveVariable(key, event) {
  switch (key) {
    case "transaction":
      return event.transaction || "<no-transaction>";
    case "message":
      return event.logentry?.formatted || event.logentry?.message || event.exceptions?.at(-1)?.value || "<no-message>";
    case "type":
    case "error.type":
      return event.exceptions?.at(-1)?.type || "<no-type>";
    case "value":
    case "error.value":
      return event.exceptions?.at(-1)?.value || "<no-value>";
    case "function":
    case "stack.function":
      return crashFrame(event)?.function || "<no-function>";
    case "path":
    case "stack.abs_path": {
      const frame = crashFrame(event);
      return frame?.absPath || frame?.filename || "<no-abs-path>";
    }
    case "stack.filename": {
      const frame = crashFrame(event);
      return frame?.filename || frame?.absPath || "<no-filename>";
    }
    case "module":
    case "stack.module":
      return crashFrame(event)?.module || "<no-module>";
    case "package":
    case "stack.package": {
      const pkg = crashFrame(event)?.package;
      const last = pkg ? pkg.split("/").at(-1).split("\\").at(-1) : void 0;
      return last || "<no-package>";
    }
    case "level":
      return event.level || "<no-level>";
    case "logger":
      return event.logger || "<no-logger>";
    default: {
      if (key.startsWith("tags.")) {
        const tag = key.slice(5);
        for (const [name, value] of event.tags) if (name === tag && value !== void 0) return value;
        return `<no-value-for-tag-${tag}>`;
      }
      return void 0;
    }
  }
}
function resolveFingerprint(fingerprint, event) {
  return fingerprint.map((entry) => {
    const key = fingerprintVariable(entry);
    if (key === void 0) return entry;
    if (key === "default") return DEFAULT_FINGERPRINT_VARIABLE;
    return resolveVariable(key, event) ?? entry;
  });
}
export {
  DEFAULT_FINGERPRINT_VARIABLE,
  UnknownFingerprintMatcher,
  createFingerprintMatcher,
  findFingerprintRule,
  fingerprintRuleText,
  fingerprintType,
  fingerprintVariable,
  groupMatchers,
  isDefaultFingerprintEntry,
  matchedRuleInfo,
  resolveFingerprint
};
//# sourceMappingURL=fingerprinting.js.map
