// consumers/grouping/enhancements/rule.ts
import { compileGlob, requiredLiteral } from "../glob.js";
import {
  FAMILY_ALL,
  familyBitsOfRule,
  normalizeMatchPath
} from "./match-frame.js";
import { isPathLike, ruleText } from "./parse.js";
var NO_EXCEPTION = { type: void 0, value: void 0, mechanism: void 0 };
var GLOB_META = /[*?[{\\]/;
function globTest(pattern, pathLike) {
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
var MEMO_LIMIT = 256;
function memoized(compute) {
  const memo = /* @__PURE__ */ new Map();
  return (value) => {
    let result = memo.get(value);
    if (result === void 0) {
      result = compute(value);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(value, result);
    }
    return result;
  };
}
function fieldPredicate(matcher) {
  const pathLike = isPathLike(matcher.field);
  const test = globTest(matcher.pattern, pathLike);
  const literal = !GLOB_META.test(pathLike ? matcher.pattern.replaceAll("\\", "/") : matcher.pattern);
  switch (matcher.field) {
    case "function": {
      if (literal) return (f) => test(f.function, f.functionLower);
      const check2 = memoized((fn) => test(fn, fn.toLowerCase()));
      return (f) => check2(f.function);
    }
    case "module": {
      if (literal) return (f) => f.module !== void 0 && test(f.module, f.moduleLower);
      const check2 = memoized((module) => test(module, module.toLowerCase()));
      return (f) => f.module !== void 0 && check2(f.module);
    }
    case "category":
      return (f) => {
        const category = f.frame.category;
        return category !== void 0 && test(category, category.toLowerCase());
      };
  }
  const matchesPath = (raw2) => {
    const value = normalizeMatchPath(raw2);
    if (test(value, value)) return true;
    if (value.startsWith("/")) return false;
    const slashed = `/${value}`;
    return test(slashed, slashed);
  };
  const check = literal ? matchesPath : memoized(matchesPath);
  const raw = matcher.field === "package" ? (f) => f.rawPackage : matcher.field === "filename" ? (f) => f.rawFilename : (f) => f.rawPath;
  return (frame) => {
    const value = raw(frame);
    return value !== void 0 && check(value);
  };
}
function compileMatcher(matcher) {
  if (matcher.kind === "exception") {
    return { field: matcher.field, negated: matcher.negated, test: globTest(matcher.pattern, false) };
  }
  const offset = matcher.offset === "caller" ? -1 : matcher.offset === "callee" ? 1 : 0;
  if (matcher.kind === "family") {
    const bits = familyBitsOfRule(matcher.families);
    return { offset, negated: matcher.negated, test: (f) => (f.family & bits) !== 0, cost: 0 };
  }
  if (matcher.kind === "app") {
    const expected = matcher.expected;
    return {
      offset,
      negated: matcher.negated,
      test: (f) => (f.frame.inApp ?? false) === expected,
      cost: 1
    };
  }
  return {
    offset,
    negated: matcher.negated,
    test: fieldPredicate(matcher),
    cost: matcher.field === "category" ? 2 : 3
  };
}
function compileRule(ast, builtin) {
  const frameMatchers = [];
  const exceptionMatchers = [];
  let familyMask = FAMILY_ALL;
  const needles = [];
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
    isClassifier: ast.actions.some((a) => a.kind === "category" || a.kind === "flag" && a.type === "app"),
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
        const frame = frames[index + m.offset];
        if (frame === void 0 || m.negated === m.test(frame)) return false;
      }
      return true;
    }
  };
}
export {
  NO_EXCEPTION,
  compileRule
};
//# sourceMappingURL=rule.js.map
