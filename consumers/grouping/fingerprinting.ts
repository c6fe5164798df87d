import type { GroupingEvent, GroupingFrame } from "./event-view.ts";
import { compileGlobOrNever } from "./glob.ts";
import { behaviorFamily } from "./platform.ts";

// Server-side fingerprint rules (`grouping/fingerprinting/`): `matchers -> fingerprint`,
// first match wins, a project's rules before the config's built-in ones. A match replaces
// the client's fingerprint. Also the fingerprint variables (`{{ default }}`, `{{ type }}`,
// ...) and their resolution for newstyle:2023-01-11 (unknown variables stay verbatim).

export const DEFAULT_FINGERPRINT_VARIABLE = "{{ default }}";
const VARIABLE = /^\{\{\s*(\S+)\s*\}\}$/;

/** The variable name of an entry such as `{{ type }}`, or undefined for plain text. */
export function fingerprintVariable(entry: string): string | undefined {
  return VARIABLE.exec(entry)?.[1];
}

export function isDefaultFingerprintEntry(entry: string): boolean {
  return fingerprintVariable(entry) === "default";
}

export type FingerprintType = "default" | "hybrid" | "custom";

export function fingerprintType(fingerprint: ReadonlyArray<string>): FingerprintType {
  if (fingerprint.length === 1 && isDefaultFingerprintEntry(fingerprint[0]!)) return "default";
  return fingerprint.some(isDefaultFingerprintEntry) ? "hybrid" : "custom";
}

// Matcher keys and their canonical names (`fingerprinting/matchers.py`).
const MATCHER_KEYS: Readonly<Record<string, string>> = {
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
  release: "release",
};

export type MatchType =
  | "toplevel"
  | "log_info"
  | "exceptions"
  | "tags"
  | "sdk"
  | "family"
  | "release"
  | "frames";

function matchTypeOf(key: string): MatchType {
  if (key === "message") return "toplevel";
  if (key === "logger" || key === "level") return "log_info";
  if (key === "type" || key === "value") return "exceptions";
  if (key.startsWith("tags.")) return "tags";
  if (key === "sdk" || key === "family" || key === "release") return key;
  return "frames";
}

type Values = Readonly<Record<string, string | boolean | undefined>>;

export interface FingerprintMatcher {
  readonly key: string;
  readonly pattern: string;
  readonly negated: boolean;
  readonly matchType: MatchType;
  matches(values: Values): boolean;
}

function boolFromString(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (lower === "1" || lower === "yes" || lower === "true") return true;
  if (lower === "0" || lower === "no" || lower === "false") return false;
  return undefined;
}

/** Thrown for a fingerprint matcher key Sentry does not know. */
export class UnknownFingerprintMatcher extends Error {
  constructor(readonly key: string) {
    super(`unknown matcher '${key}'`);
    this.name = "UnknownFingerprintMatcher";
  }
}

export function createFingerprintMatcher(
  rawKey: string,
  pattern: string,
  negated: boolean,
): FingerprintMatcher {
  const known = Object.hasOwn(MATCHER_KEYS, rawKey) ? MATCHER_KEYS[rawKey] : undefined;
  const key = rawKey.startsWith("tags.") ? rawKey : known;
  if (key === undefined) throw new UnknownFingerprintMatcher(rawKey);
  const matchType = matchTypeOf(key);
  const pathPattern = pattern.replaceAll("\\", "/");
  const path = compileGlobOrNever(pathPattern, { literalSeparator: true, caseInsensitive: true });
  const pathMatch = (value: unknown): boolean => {
    if (typeof value !== "string") return false;
    const normalized = value.replaceAll("\\", "/");
    return path.test(normalized) || (!normalized.startsWith("/") && path.test(`/${normalized}`));
  };
  const insensitive = compileGlobOrNever(pattern, { literalSeparator: false, caseInsensitive: true });
  const sensitive = compileGlobOrNever(pattern, { literalSeparator: false, caseInsensitive: false });
  const flags = pattern.split(",");
  const expectedApp = boolFromString(pattern);

  const positive = (values: Values): boolean => {
    if (key === "path") return pathMatch(values.abs_path) || pathMatch(values.filename);
    if (key === "message") {
      const { message, value } = values;
      return (
        (typeof message === "string" && insensitive.test(message)) ||
        (typeof value === "string" && insensitive.test(value))
      );
    }
    const value = values[key];
    if (value === undefined) return false;
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
    matches: (values) => positive(values) !== negated,
  };
}

export interface FingerprintRule {
  readonly matchers: ReadonlyArray<FingerprintMatcher>;
  /** The matchers by the kind of event values they test (all must hit the same entry). */
  readonly matchersByType: ReadonlyMap<MatchType, ReadonlyArray<FingerprintMatcher>>;
  readonly fingerprint: ReadonlyArray<string>;
  readonly attributes: Readonly<Record<string, string>>;
  readonly builtin: boolean;
}

/** Sentry's display form, stored with the event as `_fingerprint_info.matched_rule.text`. */
export function fingerprintRuleText(rule: FingerprintRule): string {
  const matchers = rule.matchers.map((m) => `${m.negated ? "!" : ""}${m.key}:"${m.pattern}"`).join(" ");
  const attributes = Object.keys(rule.attributes)
    .sort()
    .map((k) => `${k}="${rule.attributes[k]}"`)
    .join(" ");
  return `${matchers} -> "${rule.fingerprint.join("")}" ${attributes}`.trimEnd();
}

export interface MatchedRuleInfo {
  readonly text: string;
  readonly matchers: ReadonlyArray<readonly [string, string]>;
  readonly fingerprint: ReadonlyArray<string>;
  readonly attributes: Readonly<Record<string, string>>;
  readonly is_builtin?: true;
}

export function matchedRuleInfo(rule: FingerprintRule): MatchedRuleInfo {
  return {
    text: fingerprintRuleText(rule),
    matchers: rule.matchers.map((m) => [`${m.negated ? "!" : ""}${m.key}`, m.pattern] as const),
    fingerprint: rule.fingerprint,
    attributes: rule.attributes,
    ...(rule.builtin ? { is_builtin: true as const } : {}),
  };
}

// --- matching against an event -------------------------------------------------------

class EventValues {
  private readonly cache = new Map<MatchType, ReadonlyArray<Values>>();

  constructor(private readonly event: GroupingEvent) {}

  get(type: MatchType): ReadonlyArray<Values> {
    let values = this.cache.get(type);
    if (values === undefined) {
      values = this.compute(type);
      this.cache.set(type, values);
    }
    return values;
  }

  private compute(type: MatchType): ReadonlyArray<Values> {
    const event = this.event;
    switch (type) {
      case "toplevel": {
        const message = event.logentry?.formatted;
        return [...(message ? [{ message: message.trim() }] : []), ...this.get("exceptions")];
      }
      case "exceptions":
        return (event.exceptions ?? []).map((e) => ({
          type: e.type,
          value: e.value ? e.value.trim() : undefined,
        }));
      case "log_info": {
        const info: Record<string, string> = {};
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
          app: frame.inApp,
        }));
    }
  }
}

function allFrames(event: GroupingEvent): GroupingFrame[] {
  const frames: GroupingFrame[] = [...(event.stacktrace?.frames ?? [])];
  for (const exception of event.exceptions ?? []) frames.push(...(exception.stacktrace?.frames ?? []));
  for (const thread of event.threads ?? []) frames.push(...(thread.stacktrace?.frames ?? []));
  return frames;
}

// Sentry reduces SDK names to a short list of tags; anything outside Sentry's own SDKs is
// "other". (A simplification of `normalized_sdk_tag_from_event`, see KNOWN_DIFFERENCES.md.)
function normalizedSdkTag(name: string | undefined): string {
  if (!name) return "other";
  const bare = name.toLowerCase().split("@")[0]!;
  return bare.startsWith("sentry.") ? bare : "other";
}

// The order a rule's matcher groups are checked in: every group must match, so the cheap and
// selective ones (one value per event) go first and the per-frame ones last.
const MATCH_TYPE_COST: Readonly<Record<MatchType, number>> = {
  family: 0,
  sdk: 1,
  release: 2,
  log_info: 3,
  exceptions: 4,
  toplevel: 5,
  tags: 6,
  frames: 7,
};

export function groupMatchers(
  matchers: ReadonlyArray<FingerprintMatcher>,
): ReadonlyMap<MatchType, ReadonlyArray<FingerprintMatcher>> {
  const byType = new Map<MatchType, FingerprintMatcher[]>();
  const ordered = [...matchers].sort((a, b) => MATCH_TYPE_COST[a.matchType] - MATCH_TYPE_COST[b.matchType]);
  for (const matcher of ordered) {
    const list = byType.get(matcher.matchType);
    if (list) list.push(matcher);
    else byType.set(matcher.matchType, [matcher]);
  }
  return byType;
}

function ruleMatches(rule: FingerprintRule, values: EventValues): boolean {
  for (const [type, matchers] of rule.matchersByType) {
    if (!values.get(type).some((entry) => matchers.every((m) => m.matches(entry)))) return false;
  }
  return true;
}

/** The first rule (in the given order) that matches the event. */
export function findFingerprintRule(
  rules: Iterable<FingerprintRule>,
  event: GroupingEvent,
): FingerprintRule | undefined {
  const values = new EventValues(event);
  for (const rule of rules) if (ruleMatches(rule, values)) return rule;
  return undefined;
}

// --- variables -------------------------------------------------------------------------

/** The crash frame: the innermost in-app frame of the main stack, else its innermost frame. */
function crashFrame(event: GroupingEvent): GroupingFrame | undefined {
  let frames = event.exceptions?.at(-1)?.stacktrace?.frames;
  if (!frames || frames.length === 0) frames = event.stacktrace?.frames;
  if ((!frames || frames.length === 0) && event.threads?.length === 1)
    frames = event.threads[0]!.stacktrace?.frames;
  if (!frames || frames.length === 0) return undefined;
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.inApp) return frames[i];
  return frames[frames.length - 1];
}

function resolveVariable(key: string, event: GroupingEvent): string | undefined {
  switch (key) {
    case "transaction":
      return event.transaction || "<no-transaction>";
    case "message":
      return (
        event.logentry?.formatted ||
        event.logentry?.message ||
        event.exceptions?.at(-1)?.value ||
        "<no-message>"
      );
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
      const last = pkg ? pkg.split("/").at(-1)!.split("\\").at(-1) : undefined;
      return last || "<no-package>";
    }
    case "level":
      return event.level || "<no-level>";
    case "logger":
      return event.logger || "<no-logger>";
    default: {
      if (key.startsWith("tags.")) {
        const tag = key.slice(5);
        for (const [name, value] of event.tags) if (name === tag && value !== undefined) return value;
        return `<no-value-for-tag-${tag}>`;
      }
      return undefined;
    }
  }
}

/** Resolves variables; `{{ default }}` is kept as a marker and unknown variables verbatim. */
export function resolveFingerprint(fingerprint: ReadonlyArray<string>, event: GroupingEvent): string[] {
  return fingerprint.map((entry) => {
    const key = fingerprintVariable(entry);
    if (key === undefined) return entry;
    if (key === "default") return DEFAULT_FINGERPRINT_VARIABLE;
    return resolveVariable(key, event) ?? entry;
  });
}
