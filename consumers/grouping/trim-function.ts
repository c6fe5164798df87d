import { behaviorFamily } from "./platform.ts";

// Sentry's `trim_function_name` (`stacktraces/functions.py`): C# signatures and native
// (C, C++, ObjC, Swift, Rust) demangled names are reduced to the bare function name before
// grouping, so argument lists, generics, return types and compiler hashes do not split issues.

const WINDECL_HASH = /^@?(.*?)@[0-9]+$/;
const RUST_HASH = /::h[a-z0-9]{16}$/;
const CPP_TRAILER = /(?:\bconst\b|&)$/;
const RUST_BLANKET = /^(?:[A-Z] as )/;
const LAMBDA = /\{lambda\(.*?\)#\d+\}|\blambda_[a-f0-9]{32}\b|\$_\d+\b/g;
const LAMBDA_AT_START = /^(?:\{lambda\(.*?\)#\d+\}|\blambda_[a-f0-9]{32}\b|\$_\d+\b)/;
const ANON_NAMESPACE = /\?A0x[a-f0-9]{8}::/g;

const PAIRS: Readonly<Record<string, string>> = { "(": ")", "{": "}", "[": "]", "<": ">" };

type Replacement = (inner: string, start: number) => string;

/** Removes each top-level `start...end` span, or replaces it with what `replacement` returns. */
function replaceEnclosedString(s: string, start: string, end: string, replacement: Replacement): string {
  if (!s.includes(start)) return s;
  let depth = 0;
  let pairStart = 0;
  let out = "";
  // Python iterates code points; `start`/`end` are ASCII so UTF-16 units behave the same.
  for (let idx = 0; idx < s.length; idx++) {
    const char = s[idx]!;
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

/** Splits on whitespace outside of any bracket pair. */
function splitFuncTokens(s: string): string[] {
  const tokens: string[] = [];
  const stack: string[] = [];
  // A token is every character between whitespace at bracket depth 0, including the
  // bracketed parts it contains.
  let start = -1;
  for (let idx = 0; idx < s.length; idx++) {
    const char = s[idx]!;
    const closer = PAIRS[char];
    if (closer !== undefined) {
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
  // An unbalanced bracket swallows the rest of the text into the last token.
  if (start !== -1) {
    if (stack.length === 0) tokens.push(s.slice(start));
    else {
      const closedAt = lastBalancedEnd(s, start);
      if (closedAt > start) tokens.push(s.slice(start, closedAt));
    }
  }
  return tokens;
}

/** Where Sentry's tokenizer stops adding text when brackets never close. */
function lastBalancedEnd(s: string, start: number): number {
  const stack: string[] = [];
  let end = start;
  for (let idx = start; idx < s.length; idx++) {
    const char = s[idx]!;
    const closer = PAIRS[char];
    if (closer !== undefined) stack.push(closer);
    else if (stack.length > 0 && char === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) end = idx + 1;
    } else if (stack.length === 0) end = idx + 1;
  }
  return end;
}

const WHITESPACE = /\s/;

function processArgs(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "anonymous namespace" || trimmed === "operator") return `(${trimmed})`;
  return "";
}

function processGenerics(value: string, start: number): string {
  if (value === "lambda" || LAMBDA_AT_START.test(value)) return `<${value}>`;
  if (start > 0) return "<T>";
  // Rust `<Foo as Bar>::baz`: keep the type, preferring the trait for blanket impls.
  const unblanketed = value.replace(RUST_BLANKET, "");
  const inner = replaceEnclosedString(unblanketed, "<", ">", processGenerics);
  const asAt = inner.indexOf(" as ");
  return asAt === -1 ? inner : inner.slice(0, asAt);
}

export function trimNativeFunctionName(original: string): string {
  if (original === "<redacted>" || original === "<unknown>") return original;
  let fn = original.trim();
  if (fn.startsWith("[") || fn.startsWith("+[") || fn.startsWith("-[")) return fn;

  for (;;) {
    const match = CPP_TRAILER.exec(fn);
    if (match === null) break;
    fn = fn.slice(0, match.index).trimEnd();
  }

  // operator<< and friends would confuse the bracket balancing below; park them in
  // characters that never occur in demangled names and restore them at the end.
  fn = fn
    .replaceAll("operator<<", "operator⟨⟨")
    .replaceAll("operator<", "operator⟨")
    .replaceAll("operator()", "operator◯")
    .replaceAll(" -> ", " ⟿ ")
    .replaceAll("`anonymous namespace'", "〔anonymousnamespace〕");
  fn = fn.replace(LAMBDA, "lambda");
  fn = fn.replace(ANON_NAMESPACE, "〔anonymousnamespace〕::");
  fn = replaceEnclosedString(fn, "(", ")", processArgs);
  fn = replaceEnclosedString(fn, "<", ">", processGenerics);

  const tokens = splitFuncTokens(fn);
  // MSVC writes generic operators as `operator< <T>`: keep both parts.
  if (tokens.length > 1 && tokens[tokens.length - 1] === "<T>") {
    tokens.pop();
    tokens[tokens.length - 1] += " <T>";
  }
  const arrow = tokens.indexOf("⟿");
  // Python's tokens[index - 1] wraps around to the last token when the arrow comes first.
  const funcToken = arrow !== -1 ? tokens.at(arrow - 1) : tokens.at(-1);
  if (funcToken) {
    fn = funcToken
      .replaceAll("⟨", "<")
      .replaceAll("◯", "()")
      .replaceAll(" ⟿ ", " -> ")
      .replaceAll("〔anonymousnamespace〕", "`anonymous namespace'");
  } else {
    fn = original;
  }
  fn = fn.replace(RUST_HASH, "");
  const decl = WINDECL_HASH.exec(fn);
  return decl ? decl[1]! : fn;
}

// Native function names repeat across events; trimming them is the costly part.
const NATIVE_CACHE_LIMIT = 50_000;
const nativeCache = new Map<string, string>();

/** The function name Sentry groups on for `platform` (the frame's or the event's). */
export function trimFunctionName(fn: string, platform: string | undefined): string {
  if (platform === "csharp") {
    const cut = fn.indexOf(" (");
    return cut === -1 ? fn : fn.slice(0, cut);
  }
  if (behaviorFamily(platform) !== "native") return fn;
  let trimmed = nativeCache.get(fn);
  if (trimmed === undefined) {
    trimmed = trimNativeFunctionName(fn);
    if (nativeCache.size >= NATIVE_CACHE_LIMIT) nativeCache.clear();
    nativeCache.set(fn, trimmed);
  }
  return trimmed;
}
