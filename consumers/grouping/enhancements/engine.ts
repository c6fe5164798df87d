import type { GroupingComponent } from "../component.ts";
import type { GroupingFrame } from "../event-view.ts";
import { compileGlob } from "../glob.ts";
import { behaviorFamily } from "../platform.ts";
import { type ActionAst, isPathLike, type MatcherAst, type RuleAst, ruleText } from "./parse.ts";

// Evaluation of stack-trace rules with the semantics of Sentry's Rust engine (sentry-ophio):
//  * classifier pass (at normalization): for each rule in order, first find every matching
//    frame, then apply `+app`/`-app` (with `^` = towards the crash, `v` = towards the
//    callers) and `category=`; later rules see earlier changes, so the last match wins;
//  * contributes pass (per variant): `+group`/`-group` flip frame components, `max-frames`
//    keeps the innermost N contributing frames, `min-frames` discards short stack traces.
// Frames are ordered oldest first, the crashing frame last (Sentry's order).

const FAMILY_OTHER = 0b001;
const FAMILY_NATIVE = 0b010;
const FAMILY_JAVASCRIPT = 0b100;
const FAMILY_ALL = 0xff;

function familyBitsOfRule(list: string): number {
  let bits = 0;
  for (const family of list.split(",")) {
    if (family === "other") bits |= FAMILY_OTHER;
    else if (family === "native") bits |= FAMILY_NATIVE;
    else if (family === "javascript") bits |= FAMILY_JAVASCRIPT;
    else if (family === "all") bits |= FAMILY_ALL;
  }
  return bits;
}

function familyBitsOfPlatform(platform: string | undefined): number {
  switch (behaviorFamily(platform)) {
    case "native":
      return FAMILY_NATIVE;
    case "javascript":
      return FAMILY_JAVASCRIPT;
    case "other":
      return FAMILY_OTHER;
    default:
      // The engine only knows three families; "java" matches no family rule.
      return 0;
  }
}

/** A frame as rules see it: lower-cased paths, the trimmed function or `<unknown>`. */
export interface MatchFrame {
  readonly frame: GroupingFrame;
  readonly family: number;
  readonly function: string;
  readonly module: string | undefined;
  readonly package: string | undefined;
  readonly path: string | undefined;
  readonly filename: string | undefined;
}

function normalizePath(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.replaceAll("\\", "/").toLowerCase();
}

export function toMatchFrames(frames: ReadonlyArray<GroupingFrame>, eventPlatform: string | undefined): MatchFrame[] {
  return frames.map((frame) => ({
    frame,
    family: familyBitsOfPlatform(frame.platform ?? eventPlatform),
    function: frame.function || "<unknown>",
    module: frame.module,
    package: normalizePath(frame.package),
    path: normalizePath(frame.absPath || frame.filename),
    filename: normalizePath(frame.filename),
  }));
}

export interface ExceptionData {
  readonly type: string | undefined;
  readonly value: string | undefined;
  readonly mechanism: string | undefined;
}

export const NO_EXCEPTION: ExceptionData = { type: undefined, value: undefined, mechanism: undefined };

type FramePredicate = (frame: MatchFrame) => boolean;

const GLOB_META = /[*?[{\\]/;

/** A case-insensitive glob test; literal patterns skip the regex engine. */
function globTest(pattern: string, pathLike: boolean): (value: string) => boolean {
  const source = pathLike ? pattern.replaceAll("\\", "/") : pattern;
  if (!GLOB_META.test(source)) {
    const literal = source.toLowerCase();
    return (value) => value.length === literal.length && value.toLowerCase() === literal;
  }
  const regex = compileGlob(source, { literalSeparator: pathLike, caseInsensitive: true });
  return (value) => regex.test(value);
}

function fieldPredicate(matcher: Extract<MatcherAst, { kind: "field" }>): FramePredicate {
  const pathLike = isPathLike(matcher.field);
  const test = globTest(matcher.pattern, pathLike);
  const read: (frame: MatchFrame) => string | undefined =
    matcher.field === "category"
      ? (f) => f.frame.category
      : matcher.field === "function"
        ? (f) => f.function
        : matcher.field === "module"
          ? (f) => f.module
          : matcher.field === "package"
            ? (f) => f.package
            : matcher.field === "filename"
              ? (f) => f.filename
              : (f) => f.path;
  if (!pathLike) {
    return (frame) => {
      const value = read(frame);
      return value !== undefined && test(value);
    };
  }
  // Path-like values are also tried with a leading slash, so `**/foo/**` matches `foo/x`.
  return (frame) => {
    const value = read(frame);
    if (value === undefined) return false;
    return test(value) || (!value.startsWith("/") && test(`/${value}`));
  };
}

interface FrameMatcher {
  readonly offset: -1 | 0 | 1;
  readonly negated: boolean;
  readonly test: FramePredicate;
  /** Evaluation order: cheap checks first. */
  readonly cost: number;
}

interface ExceptionMatcher {
  readonly field: keyof ExceptionData;
  readonly negated: boolean;
  readonly test: (value: string) => boolean;
}

function compileMatcher(matcher: MatcherAst): FrameMatcher | ExceptionMatcher {
  if (matcher.kind === "exception") {
    return { field: matcher.field, negated: matcher.negated, test: globTest(matcher.pattern, false) };
  }
  const offset = matcher.offset === "caller" ? -1 : matcher.offset === "callee" ? 1 : 0;
  if (matcher.kind === "family") {
    const bits = familyBitsOfRule(matcher.families);
    return { offset, negated: matcher.negated, test: (f: MatchFrame) => (f.family & bits) !== 0, cost: 0 };
  }
  if (matcher.kind === "app") {
    const expected = matcher.expected;
    return { offset, negated: matcher.negated, test: (f: MatchFrame) => (f.frame.inApp ?? false) === expected, cost: 1 };
  }
  return { offset, negated: matcher.negated, test: fieldPredicate(matcher), cost: matcher.field === "category" ? 2 : 3 };
}

export interface StacktraceRule {
  readonly text: string;
  readonly builtin: boolean;
  readonly line: number;
  readonly actions: ReadonlyArray<ActionAst>;
  readonly isClassifier: boolean;
  readonly isContributes: boolean;
  /** Families a frame of the stack trace must have for the rule to possibly match. */
  readonly familyMask: number;
  /** Lower-cased literal functions/categories some frame must have (cheap pre-filter). */
  readonly requiredFunctions: ReadonlyArray<string>;
  readonly requiredCategories: ReadonlyArray<string>;
  matchesException(data: ExceptionData): boolean;
  matchesFrame(frames: ReadonlyArray<MatchFrame>, index: number): boolean;
}

export function compileRule(ast: RuleAst, builtin: boolean): StacktraceRule {
  const frameMatchers: FrameMatcher[] = [];
  const exceptionMatchers: ExceptionMatcher[] = [];
  for (const matcher of ast.matchers) {
    const compiled = compileMatcher(matcher);
    if ("field" in compiled) exceptionMatchers.push(compiled);
    else frameMatchers.push(compiled);
  }
  frameMatchers.sort((a, b) => a.cost - b.cost);
  let familyMask = FAMILY_ALL;
  const requiredFunctions: string[] = [];
  const requiredCategories: string[] = [];
  for (const m of ast.matchers) {
    if (m.negated) continue;
    if (m.kind === "family") familyMask &= familyBitsOfRule(m.families);
    else if (m.kind === "field" && !GLOB_META.test(m.pattern)) {
      if (m.field === "function") requiredFunctions.push(m.pattern.toLowerCase());
      else if (m.field === "category") requiredCategories.push(m.pattern.toLowerCase());
    }
  }
  return {
    text: ruleText(ast),
    builtin,
    line: ast.line,
    actions: ast.actions,
    isClassifier: ast.actions.some((a) => a.kind === "category" || (a.kind === "flag" && a.type === "app")),
    isContributes: ast.actions.some((a) => a.kind !== "category"),
    familyMask,
    requiredFunctions,
    requiredCategories,
    matchesException(data) {
      for (const m of exceptionMatchers) {
        if (m.negated === m.test(data[m.field] ?? "<unknown>")) return false;
      }
      return true;
    },
    matchesFrame(frames, index) {
      for (const m of frameMatchers) {
        // A missing neighbour fails the matcher even when it is negated.
        const frame = frames[index + m.offset];
        if (frame === undefined || m.negated === m.test(frame)) return false;
      }
      return true;
    },
  };
}

function rangeOf(range: "up" | "down" | undefined, index: number, length: number): [number, number] {
  if (range === "up") return [index + 1, length];
  if (range === "down") return [0, index];
  return [index, index + 1];
}

function describeRule(rule: StacktraceRule): string {
  return `${rule.builtin ? "built-in stack trace rule" : "stack trace rule"} (${rule.text})`;
}

/** What a stack trace offers, for skipping rules that cannot match any of its frames. */
interface StackFacts {
  readonly familyMask: number;
  readonly functions: ReadonlySet<string>;
  readonly categories: Set<string>;
}

function factsOf(frames: ReadonlyArray<MatchFrame>): StackFacts {
  let familyMask = 0;
  const functions = new Set<string>();
  const categories = new Set<string>();
  for (const f of frames) {
    familyMask |= f.family;
    functions.add(f.function.toLowerCase());
    if (f.frame.category !== undefined) categories.add(f.frame.category.toLowerCase());
  }
  return { familyMask, functions, categories };
}

function mayMatch(rule: StacktraceRule, facts: StackFacts): boolean {
  for (const fn of rule.requiredFunctions) if (!facts.functions.has(fn)) return false;
  for (const category of rule.requiredCategories) if (!facts.categories.has(category)) return false;
  return true;
}

/** A rule that matched a frame during the contributes pass; replayed per variant. */
export interface ContributesHit {
  readonly rule: StacktraceRule;
  readonly index: number;
}

/** An ordered, compiled rule set: a config's base rules followed by a project's own. */
export class StacktraceRules {
  private readonly classifiers: ReadonlyArray<StacktraceRule>;
  private readonly contributors: ReadonlyArray<StacktraceRule>;
  // Most stack traces come from one family; their applicable rules are computed once.
  private readonly byFamily = new Map<number, { classifiers: StacktraceRule[]; contributors: StacktraceRule[] }>();

  constructor(readonly rules: ReadonlyArray<StacktraceRule>) {
    this.classifiers = rules.filter((r) => r.isClassifier);
    this.contributors = rules.filter((r) => r.isContributes);
  }

  concat(other: StacktraceRules): StacktraceRules {
    return new StacktraceRules([...this.rules, ...other.rules]);
  }

  private forFamilies(mask: number): { classifiers: StacktraceRule[]; contributors: StacktraceRule[] } {
    let entry = this.byFamily.get(mask);
    if (entry === undefined) {
      entry = {
        classifiers: this.classifiers.filter((r) => (r.familyMask & mask) !== 0),
        contributors: this.contributors.filter((r) => (r.familyMask & mask) !== 0),
      };
      this.byFamily.set(mask, entry);
    }
    return entry;
  }

  /** The classifier pass: updates `inApp` and `category` of the frames in place. */
  classify(frames: ReadonlyArray<MatchFrame>, exception: ExceptionData): void {
    if (frames.length === 0) return;
    const facts = factsOf(frames);
    const matching: number[] = [];
    for (const rule of this.forFamilies(facts.familyMask).classifiers) {
      if (!mayMatch(rule, facts) || !rule.matchesException(exception)) continue;
      matching.length = 0;
      for (let i = 0; i < frames.length; i++) if (rule.matchesFrame(frames, i)) matching.push(i);
      for (const index of matching) {
        for (const action of rule.actions) {
          if (action.kind === "category") {
            frames[index]!.frame.category = action.value;
            facts.categories.add(action.value.toLowerCase());
          } else if (action.kind === "flag" && action.type === "app") {
            const [from, to] = rangeOf(action.range, index, frames.length);
            for (let i = from; i < to; i++) {
              const frame = frames[i]!.frame;
              if (frame.inApp !== action.flag) {
                frame.inApp = action.flag;
                frame.inAppRule = describeRule(rule);
              }
            }
          }
        }
      }
    }
  }

  /**
   * Which contributes rules match which frames. Frames no longer change after the
   * classifier pass, so this runs once per stack trace and is replayed for each variant.
   */
  contributesHits(frames: ReadonlyArray<MatchFrame>, exception: ExceptionData): ContributesHit[] {
    const hits: ContributesHit[] = [];
    if (frames.length === 0) return hits;
    const facts = factsOf(frames);
    for (const rule of this.forFamilies(facts.familyMask).contributors) {
      if (!mayMatch(rule, facts) || !rule.matchesException(exception)) continue;
      for (let index = 0; index < frames.length; index++) {
        if (rule.matchesFrame(frames, index)) hits.push({ rule, index });
      }
    }
    return hits;
  }

  /**
   * The contributes pass over one variant's frame components. Returns whether a
   * `min-frames` rule discards the whole stack trace, with its hint.
   */
  static applyContributes(
    hits: ReadonlyArray<ContributesHit>,
    components: ReadonlyArray<GroupingComponent>,
  ): { readonly discard: boolean; readonly hint: string | undefined } {
    let maxFrames = 0;
    let maxFramesRule: StacktraceRule | undefined;
    let minFrames = 0;
    for (const { rule, index } of hits) {
      for (const action of rule.actions) {
        if (action.kind === "flag" && action.type === "group") {
          const [from, to] = rangeOf(action.range, index, components.length);
          for (let i = from; i < to; i++) {
            const component = components[i]!;
            if (component.contributes !== action.flag) {
              component.contributes = action.flag;
              component.hint = `${action.flag ? "un-ignored" : "ignored"} by ${describeRule(rule)}`;
            }
          }
        } else if (action.kind === "max-frames") {
          maxFrames = action.value;
          maxFramesRule = rule;
        } else if (action.kind === "min-frames") {
          minFrames = action.value;
        }
      }
    }
    if (maxFrames > 0) {
      let kept = 0;
      for (let i = components.length - 1; i >= 0; i--) {
        const component = components[i]!;
        if (!component.contributes) continue;
        kept++;
        if (kept <= maxFrames) continue;
        component.contributes = false;
        component.hint = `ignored because only ${maxFrames} ${maxFrames === 1 ? "frame is" : "frames are"} considered by ${describeRule(maxFramesRule!)}`;
      }
    }
    if (minFrames > 0) {
      const contributing = components.filter((c) => c.contributes).length;
      if (contributing < minFrames) {
        return {
          discard: true,
          hint: `discarded because stack trace only contains ${contributing} frame${contributing === 1 ? "" : "s"} which is under the configured threshold`,
        };
      }
    }
    return { discard: false, hint: undefined };
  }
}

/** Compiles parsed rules; glob errors were already rejected by the parser. */
export function compileRules(asts: ReadonlyArray<RuleAst>, builtin: boolean): StacktraceRules {
  return new StacktraceRules(asts.map((ast) => compileRule(ast, builtin)));
}
