// consumers/grouping/trim-function.ts
import { behaviorFamily } from "./platform.js";
var WINDECL_HASH = /^@?(.*?)@[0-9]+$/;
var RUST_HASH = /::h[a-z0-9]{16}$/;
var CPP_TRAILER = /(?:\bconst\b|&)$/;
var RUST_BLANKET = /^(?:[A-Z] as )/;
var LAMBDA = /\{lambda\(.*?\)#\d+\}|\blambda_[a-f0-9]{32}\b|\$_\d+\b/g;
var LAMBDA_AT_START = /^(?:\{lambda\(.*?\)#\d+\}|\blambda_[a-f0-9]{32}\b|\$_\d+\b)/;
var ANON_NAMESPACE = /\?A0x[a-f0-9]{8}::/g;
var PAIRS = { "(": ")", "{": "}", "[": "]", "<": ">" };
function replaceEnclosedString(s, start, end, replacement) {
  if (!s.includes(start)) return s;
  let depth = 0;
  let pairStart = 0;
  let out = "";
  for (let idx = 0; idx < s.length; idx++) {
    const char = s[idx];
    if (char === start) {
      if (depth === 0) pairStart = idx;
      depth += 1;
    } else if (char === end) {
      depth -= 1;
      if (depth === 0) out += replacement(s.slice(pairStart + 1, idx), pairStart);
    } else if (depth === 0) {
      out += char;
    }
  }
  return out;
}
function splitFuncTokens(s) {
  const tokens = [];
  const stack = [];
  let start = -1;
  for (let idx = 0; idx < s.length; idx++) {
    const char = s[idx];
    const closer = PAIRS[char];
    if (closer !== void 0) {
      stack.push(closer);
      if (start === -1) start = idx;
    } else if (stack.length > 0) {
      if (char === stack[stack.length - 1]) stack.pop();
    } else if (WHITESPACE.test(char)) {
      if (start !== -1) tokens.push(s.slice(start, idx));
      start = -1;
    } else if (start === -1) {
      start = idx;
    }
  }
  if (start !== -1) {
    if (stack.length === 0) tokens.push(s.slice(start));
    else {
      const closedAt = lastBalancedEnd(s, start);
      if (closedAt > start) tokens.push(s.slice(start, closedAt));
    }
  }
  return tokens;
}
function lastBalancedEnd(s, start) {
  const stack = [];
  let end = start;
  for (let idx = start; idx < s.length; idx++) {
    const char = s[idx];
    const closer = PAIRS[char];
    if (closer !== void 0) stack.push(closer);
    else if (stack.length > 0 && char === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) end = idx + 1;
    } else if (stack.length === 0) end = idx + 1;
  }
  return end;
}
var WHITESPACE = /\s/;
function processArgs(value) {
  const trimmed = value.trim();
  if (trimmed === "anonymous namespace" || trimmed === "operator") return `(${trimmed})`;
  return "";
}
function processGenerics(value, start) {
  if (value === "lambda" || LAMBDA_AT_START.test(value)) return `<${value}>`;
  if (start > 0) return "<T>";
  const unblanketed = value.replace(RUST_BLANKET, "");
  const inner = replaceEnclosedString(unblanketed, "<", ">", processGenerics);
  const asAt = inner.indexOf(" as ");
  return asAt === -1 ? inner : inner.slice(0, asAt);
}
function trimNativeFunctionName(original) {
  if (original === "<redacted>" || original === "<unknown>") return original;
  let fn = original.trim();
  if (fn.startsWith("[") || fn.startsWith("+[") || fn.startsWith("-[")) return fn;
  for (; ; ) {
    const match = CPP_TRAILER.exec(fn);
    if (match === null) break;
    fn = fn.slice(0, match.index).trimEnd();
  }
  fn = fn.replaceAll("operator<<", "operator\u27E8\u27E8").replaceAll("operator<", "operator\u27E8").replaceAll("operator()", "operator\u25EF").replaceAll(" -> ", " \u27FF ").replaceAll("`anonymous namespace'", "\u3014anonymousnamespace\u3015");
  fn = fn.replace(LAMBDA, "lambda");
  fn = fn.replace(ANON_NAMESPACE, "\u3014anonymousnamespace\u3015::");
  fn = replaceEnclosedString(fn, "(", ")", processArgs);
  fn = replaceEnclosedString(fn, "<", ">", processGenerics);
  const tokens = splitFuncTokens(fn);
  if (tokens.length > 1 && tokens[tokens.length - 1] === "<T>") {
    tokens.pop();
    tokens[tokens.length - 1] += " <T>";
  }
  const arrow = tokens.indexOf("\u27FF");
  const funcToken = arrow !== -1 ? tokens.at(arrow - 1) : tokens.at(-1);
  if (funcToken) {
    fn = funcToken.replaceAll("\u27E8", "<").replaceAll("\u25EF", "()").replaceAll(" \u27FF ", " -> ").replaceAll("\u3014anonymousnamespace\u3015", "`anonymous namespace'");
  } else {
    fn = original;
  }
  fn = fn.replace(RUST_HASH, "");
  const decl = WINDECL_HASH.exec(fn);
  return decl ? decl[1] : fn;
}
var NATIVE_CACHE_LIMIT = 5e4;
var nativeCache = /* @__PURE__ */ new Map();
function trimFunctionName(fn, platform) {
  if (platform === "csharp") {
    const cut = fn.indexOf(" (");
    return cut === -1 ? fn : fn.slice(0, cut);
  }
  if (behaviorFamily(platform) !== "native") return fn;
  let trimmed = nativeCache.get(fn);
  if (trimmed === void 0) {
    trimmed = trimNativeFunctionName(fn);
    if (nativeCache.size >= NATIVE_CACHE_LIMIT) nativeCache.clear();
    nativeCache.set(fn, trimmed);
  }
  return trimmed;
}
export {
  trimFunctionName,
  trimNativeFunctionName
};
//# sourceMappingURL=trim-function.js.map
