import { GroupingComponent, hashValues } from "./component.ts";
import {
  type CompiledGroupingConfig,
  compileGroupingConfig,
  DEFAULT_PROJECT_GROUPING_CONFIG,
  type ProjectGroupingConfig,
} from "./config.ts";
import {
  type ContributesHit,
  type ExceptionData,
  type MatchFrame,
  NO_EXCEPTION,
  type StacktraceRules,
  toMatchFrames,
} from "./enhancements/engine.ts";
import type { StackFacts } from "./enhancements/match-frame.ts";
import {
  type GroupingEvent,
  type GroupingStacktrace,
  readGroupingEvent,
  stacktracesOf,
} from "./event-view.ts";
import {
  DEFAULT_FINGERPRINT_VARIABLE,
  findFingerprintRule,
  fingerprintType,
  isDefaultFingerprintEntry,
  type MatchedRuleInfo,
  matchedRuleInfo,
  resolveFingerprint,
} from "./fingerprinting.ts";
import type { StrategyContext } from "./strategies/context.ts";
import { exceptionData } from "./strategies/exception.ts";
import { type HashMemo, strategyRoots } from "./strategies/run.ts";

// Sentry's `get_grouping_variants_for_event` and the steps before it (`normalize_stacktraces_
// for_grouping`, `apply_server_fingerprinting`) as one pure function of an event and a
// project's grouping settings.

export type VariantType =
  | "component"
  | "salted_component"
  | "custom_fingerprint"
  | "built_in_fingerprint"
  | "checksum"
  | "hashed_checksum"
  | "fallback";

export interface FingerprintInfo {
  readonly client_fingerprint?: ReadonlyArray<string>;
  readonly matched_rule?: MatchedRuleInfo;
}

export interface GroupingVariant {
  readonly type: VariantType;
  readonly hash: string | null;
  readonly contributes: boolean;
  readonly hint: string | null;
  readonly description: string;
  /** The exact strings fed to MD5, in order. */
  readonly contributingValues: ReadonlyArray<string>;
  /** The component tree (component and salted variants). */
  readonly component?: GroupingComponent;
  /** The fingerprint values (fingerprint and salted variants). */
  readonly values?: ReadonlyArray<string>;
  readonly fingerprintInfo?: FingerprintInfo;
}

export interface GroupingResult {
  readonly config: string;
  /** Non-null variant hashes, `system` last: the order Sentry stores them. */
  readonly hashes: ReadonlyArray<string>;
  /** Variants by name, in Sentry's order. */
  readonly variants: Readonly<Record<string, GroupingVariant>>;
  readonly fingerprintInfo: FingerprintInfo | undefined;
}

const CHECKSUM = /^[0-9a-f]{32}$/;

export interface ClassifiedStack {
  readonly frames: ReadonlyArray<MatchFrame>;
  readonly facts: StackFacts | undefined;
}

/**
 * Sentry's normalization of one stack trace before grouping: the classifier rules set `inApp`
 * and `category`, then every frame still without `inApp` gets `false`.
 */
export function normalizeStacktrace(
  stacktrace: GroupingStacktrace,
  platform: string | undefined,
  rules: StacktraceRules,
  exception: ExceptionData,
): ClassifiedStack {
  const frames = toMatchFrames(stacktrace.frames, platform);
  const facts = rules.classify(frames, exception);
  for (const frame of stacktrace.frames) if (frame.inApp === undefined) frame.inApp = false;
  return { frames, facts };
}

function normalizeStacktraces(
  event: GroupingEvent,
  compiled: CompiledGroupingConfig,
): Map<GroupingStacktrace, ClassifiedStack> {
  const classified = new Map<GroupingStacktrace, ClassifiedStack>();
  for (const { stacktrace, exception } of stacktracesOf(event)) {
    if (stacktrace.frames.length === 0) continue;
    const data = exception ? exceptionData(exception) : NO_EXCEPTION;
    classified.set(
      stacktrace,
      normalizeStacktrace(stacktrace, event.platform, compiled.stacktraceRules, data),
    );
  }
  return classified;
}

/**
 * A variant backed by a component tree. Its description is computed on demand (only the debug
 * command and UIs need it); a prototype getter keeps one object shape for every variant.
 */
class TreeVariant implements GroupingVariant {
  constructor(
    readonly type: "component" | "salted_component",
    readonly hash: string | null,
    readonly contributes: boolean,
    readonly hint: string | null,
    readonly contributingValues: ReadonlyArray<string>,
    readonly component: GroupingComponent,
    readonly values: ReadonlyArray<string> | undefined,
    readonly fingerprintInfo: FingerprintInfo | undefined,
  ) {}

  get description(): string {
    const description = this.component.description;
    return this.type === "salted_component" ? `modified ${description}` : description;
  }
}

function componentVariant(root: GroupingComponent, memo: HashMemo): GroupingVariant {
  const values = root.contributingValues();
  let hash: string | null = null;
  if (root.contributes) {
    const contributing = root.values.filter(
      (v): v is GroupingComponent => v instanceof GroupingComponent && v.contributes,
    );
    hash = (contributing.length === 1 ? memo.get(contributing[0]!) : undefined) ?? hashValues(values);
  }
  return new TreeVariant("component", hash, root.contributes, root.hint, values, root, undefined, undefined);
}

function sortHashes(variants: Readonly<Record<string, GroupingVariant>>): string[] {
  const names = Object.keys(variants);
  const ordered = [...names.filter((n) => n !== "system"), ...names.filter((n) => n === "system")];
  return ordered.map((n) => variants[n]!.hash).filter((h): h is string => h !== null);
}

/**
 * Groups an already-read event with compiled settings. The event's frames are left as Sentry's
 * stack-trace normalization leaves them (final `inApp`, `category`, trimmed function), which is
 * what `storedEventData` (frame-writeback.ts) writes back into the event.
 */
export function computeGroupingForEvent(
  event: GroupingEvent,
  compiled: CompiledGroupingConfig,
): GroupingResult {
  const configId = compiled.definition.id;
  // Sentry normalizes the stack traces before it looks at a checksum: the frames' stored
  // `in_app` (see frame-writeback.ts) does not depend on how the event is hashed.
  const matchFrames = normalizeStacktraces(event, compiled);
  if (event.checksum !== undefined) {
    const variants: Record<string, GroupingVariant> = CHECKSUM.test(event.checksum)
      ? {
          checksum: {
            type: "checksum",
            hash: event.checksum,
            contributes: true,
            hint: null,
            description: "legacy checksum",
            contributingValues: [],
          },
        }
      : {
          hashed_checksum: {
            type: "hashed_checksum",
            hash: hashValues([event.checksum]),
            contributes: true,
            hint: null,
            description: "hashed legacy checksum",
            contributingValues: [event.checksum],
          },
        };
    return { config: configId, hashes: sortHashes(variants), variants, fingerprintInfo: undefined };
  }

  // Server-side fingerprint rules replace the client's fingerprint.
  const clientFingerprint = event.fingerprint ?? [DEFAULT_FINGERPRINT_VARIABLE];
  let fingerprintInfo: FingerprintInfo | undefined;
  let fingerprint = clientFingerprint;
  if (event.fingerprint !== undefined && fingerprintType(event.fingerprint) !== "default") {
    fingerprintInfo = { client_fingerprint: event.fingerprint };
  }
  const rule = findFingerprintRule(compiled.fingerprintRules, event);
  if (rule !== undefined) {
    fingerprint = rule.fingerprint;
    fingerprintInfo = { ...fingerprintInfo, matched_rule: matchedRuleInfo(rule) };
  }
  const type = fingerprintType(fingerprint);
  const resolved = type === "default" ? fingerprint : resolveFingerprint(fingerprint, event);

  const hitsCache = new Map<GroupingStacktrace, ReadonlyArray<ContributesHit>>();
  const context: StrategyContext = {
    event,
    config: compiled.definition,
    rules: compiled.stacktraceRules,
    contributesHitsOf: (stacktrace, exception) => {
      let hits = hitsCache.get(stacktrace);
      if (hits === undefined) {
        const known = matchFrames.get(stacktrace);
        const frames = known?.frames ?? toMatchFrames(stacktrace.frames, event.platform);
        hits = compiled.stacktraceRules.contributesHits(frames, exception, known?.facts);
        hitsCache.set(stacktrace, hits);
      }
      return hits;
    },
  };
  const memo: HashMemo = new Map();
  const roots = strategyRoots(event, context, memo);
  const variants: Record<string, GroupingVariant> = {};

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
      ...(fingerprintInfo ? { fingerprintInfo } : {}),
    };
  } else if (type === "hybrid") {
    for (const [name, root] of roots) {
      const values = root.contributes
        ? resolved.flatMap((entry) =>
            isDefaultFingerprintEntry(entry) ? root.contributingValues() : [entry],
          )
        : [];
      variants[name] = new TreeVariant(
        "salted_component",
        root.contributes ? hashValues(values) : null,
        root.contributes,
        root.hint,
        values,
        root,
        resolved,
        fingerprintInfo,
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
      contributingValues: [],
    };
  }
  return { config: configId, hashes: sortHashes(variants), variants, fingerprintInfo };
}

/**
 * Sentry-compatible grouping of one event: its variants (custom/built-in fingerprint,
 * checksum, app, system, default, fallback) and the hashes to look its group up by.
 * The event may be Relay-normalized or raw SDK JSON; it is not modified.
 */
export function computeGrouping(
  event: Readonly<Record<string, unknown>>,
  projectConfig: ProjectGroupingConfig = DEFAULT_PROJECT_GROUPING_CONFIG,
): GroupingResult {
  return computeGroupingForEvent(readGroupingEvent(event), compileGroupingConfig(projectConfig));
}
