import { compileGlob, requiredLiteral } from "../glob.ts";
import {
  FAMILY_ALL,
  familyBitsOfRule,
  type MatchFrame,
  type NeedleField,
  normalizeMatchPath,
} from "./match-frame.ts";
import { type ActionAst, isPathLike, type MatcherAst, type RuleAst, ruleText } from "./parse.ts";

// A compiled stack-trace rule: its matchers as predicates over match frames, with the
// semantics of Sentry's Rust engine (sentry-ophio): case-insensitive globs, path-like fields
// also tried with a leading slash, caller/callee matchers that fail when the neighbour is
// missing (even when negated), exception matchers that see `<unknown>` for absent fields.

export interface ExceptionData {
  readonly type: string | undefined;
  readonly value: string | undefined;
  readonly mechanism: string | undefined;
}

export const NO_EXCEPTION: ExceptionData = { type: undefined, value: undefined, mechanism: undefined };

type FramePredicate = (frame: MatchFrame) => boolean;

const GLOB_META = /[*?[{\\]/;

/**
 * A case-insensitive glob test over a value and its lower-cased form. Literal patterns skip
 * the regex engine; others first check a literal every match must contain.
 */
function globTest(pattern: string, pathLike: boolean): (value: string, lower: string) => boolean {
  const source = pathLike ? pattern.replaceAll("\\", "/") : pattern;
  if (!GLOB_META.test(source)) {
    const literal = source.toLowerCase();
    return (_value, lower) => lower === literal;
  }
  const options = { literalSeparator: pathLike, caseInsensitive: true };
  const regex = compileGlob(source, options);
  const needle = requiredLiteral(source, options);
  if (needle === "") return (value) => regex.test(value);
  return (value, lower) => lower.includes(needle) && regex.test(value);
}

// Glob results by value, per matcher: frames repeat across events (the same paths, modules
// and functions), and a map lookup is cheaper than a regex run, or two for path-like fields.
// Bounded small: a rule set has hundreds of matchers and each entry keeps its value string
// alive; past the limit the memo starts over rather than growing with every new value.
const MEMO_LIMIT = 256;

function memoized(compute: (value: string) => boolean): (value: string) => boolean {
  const memo = new Map<string, boolean>();
  return (value) => {
    let result = memo.get(value);
    if (result === undefined) {
      result = compute(value);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(value, result);
    }
    return result;
  };
}

function fieldPredicate(matcher: Extract<MatcherAst, { kind: "field" }>): FramePredicate {
  const pathLike = isPathLike(matcher.field);
  const test = globTest(matcher.pattern, pathLike);
  // A literal pattern is one string comparison: nothing to save.
  const literal = !GLOB_META.test(pathLike ? matcher.pattern.replaceAll("\\", "/") : matcher.pattern);
  switch (matcher.field) {
    case "function": {
      if (literal) return (f) => test(f.function, f.functionLower);
      const check = memoized((fn) => test(fn, fn.toLowerCase()));
      return (f) => check(f.function);
    }
    case "module": {
      if (literal) return (f) => f.module !== undefined && test(f.module, f.moduleLower!);
      const check = memoized((module) => test(module, module.toLowerCase()));
      return (f) => f.module !== undefined && check(f.module);
    }
    case "category":
      return (f) => {
        const category = f.frame.category;
        return category !== undefined && test(category, category.toLowerCase());
      };
  }
  // Path-like values are lower-cased with `/` separators, and are also tried with a leading
  // slash so that `**/foo/**` matches `foo/x`.
  const matchesPath = (raw: string): boolean => {
    const value = normalizeMatchPath(raw);
    if (test(value, value)) return true;
    if (value.startsWith("/")) return false;
    const slashed = `/${value}`;
    return test(slashed, slashed);
  };
  const check = literal ? matchesPath : memoized(matchesPath);
  const raw: (frame: MatchFrame) => string | undefined =
    matcher.field === "package"
      ? (f) => f.rawPackage
      : matcher.field === "filename"
        ? (f) => f.rawFilename
        : (f) => f.rawPath;
  return (frame) => {
    const value = raw(frame);
    return value !== undefined && check(value);
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
  readonly test: (value: string, lower: string) => boolean;
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
    return {
      offset,
      negated: matcher.negated,
      test: (f: MatchFrame) => (f.frame.inApp ?? false) === expected,
      cost: 1,
    };
  }
  return {
    offset,
    negated: matcher.negated,
    test: fieldPredicate(matcher),
    cost: matcher.field === "category" ? 2 : 3,
  };
}

export interface StacktraceRule {
  readonly text: string;
  readonly builtin: boolean;
  readonly line: number;
  readonly actions: ReadonlyArray<ActionAst>;
  /** Sets `in_app` or a category (runs at normalization). */
  readonly isClassifier: boolean;
  /** Changes grouping contributions or stack-trace limits (runs per variant). */
  readonly isContributes: boolean;
  /** Families some frame must have; FAMILY_ALL when the rule names none. */
  readonly familyMask: number;
  /** Literals some frame's field must contain for the rule to possibly match. */
  readonly needles: ReadonlyArray<readonly [NeedleField, string]>;
  matchesException(data: ExceptionData): boolean;
  matchesFrame(frames: ReadonlyArray<MatchFrame>, index: number): boolean;
}

export function compileRule(ast: RuleAst, builtin: boolean): StacktraceRule {
  const frameMatchers: FrameMatcher[] = [];
  const exceptionMatchers: ExceptionMatcher[] = [];
  let familyMask = FAMILY_ALL;
  const needles: Array<readonly [NeedleField, string]> = [];
  for (const matcher of ast.matchers) {
    const compiled = compileMatcher(matcher);
    if ("field" in compiled) exceptionMatchers.push(compiled);
    else frameMatchers.push(compiled);
    if (matcher.negated) continue;
    if (matcher.kind === "family") familyMask &= familyBitsOfRule(matcher.families);
    if (matcher.kind === "field") {
      const pathLike = isPathLike(matcher.field);
      const source = pathLike ? matcher.pattern.replaceAll("\\", "/") : matcher.pattern;
      const needle = requiredLiteral(source, { literalSeparator: pathLike, caseInsensitive: true });
      if (needle !== "") needles.push([matcher.field, needle]);
    }
  }
  frameMatchers.sort((a, b) => a.cost - b.cost);
  return {
    text: ruleText(ast),
    builtin,
    line: ast.line,
    actions: ast.actions,
    isClassifier: ast.actions.some((a) => a.kind === "category" || (a.kind === "flag" && a.type === "app")),
    isContributes: ast.actions.some((a) => a.kind !== "category"),
    familyMask,
    needles,
    matchesException(data) {
      for (const m of exceptionMatchers) {
        const value = data[m.field] ?? "<unknown>";
        if (m.negated === m.test(value, value.toLowerCase())) return false;
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
