import { compileGlob, GlobSyntaxError } from "../glob.ts";

// Parser for Sentry's stack-trace rule language ("grouping enhancements"), one rule per line:
//
//   [ caller-matcher ] | matcher... | [ callee-matcher ] action... # comment
//
// The grammar follows the Rust engine Sentry runs (sentry-ophio `grammar.rs`): matchers are
// `[!]type:argument` with an optional quoted type or argument, actions are `[^|v](+|-)(app|
// group|prefix|sentinel)` or `category=`, `max-frames=`, `min-frames=`, `invert-stacktrace=`.
// Unlike the engine, every problem is reported with its line and column instead of a
// one-line message, and one bad line does not hide the problems on the others.

export type FrameField = "category" | "function" | "module" | "package" | "path" | "filename";
export type ExceptionField = "type" | "value" | "mechanism";
export type FrameOffset = "caller" | "self" | "callee";

export type MatcherAst =
  | {
      readonly kind: "field";
      readonly field: FrameField;
      readonly pattern: string;
      readonly negated: boolean;
      readonly offset: FrameOffset;
    }
  | {
      readonly kind: "family";
      readonly families: string;
      readonly negated: boolean;
      readonly offset: FrameOffset;
    }
  | {
      readonly kind: "app";
      readonly expected: boolean;
      readonly raw: string;
      readonly negated: boolean;
      readonly offset: FrameOffset;
    }
  | {
      readonly kind: "exception";
      readonly field: ExceptionField;
      readonly pattern: string;
      readonly negated: boolean;
    };

export type FlagType = "app" | "group" | "prefix" | "sentinel";

export type ActionAst =
  | {
      readonly kind: "flag";
      readonly flag: boolean;
      readonly type: FlagType;
      readonly range: "up" | "down" | undefined;
    }
  | { readonly kind: "category"; readonly value: string }
  | { readonly kind: "max-frames" | "min-frames"; readonly value: number }
  | { readonly kind: "invert-stacktrace"; readonly value: boolean };

export interface RuleAst {
  readonly matchers: ReadonlyArray<MatcherAst>;
  readonly actions: ReadonlyArray<ActionAst>;
  /** 1-based line in the rules text. */
  readonly line: number;
}

/** Closed list of reasons a rule line is rejected. */
export type RuleSyntaxReason =
  | "expected_matcher"
  | "unknown_matcher"
  | "expected_argument"
  | "unterminated_quote"
  | "invalid_app_value"
  | "invalid_glob"
  | "unclosed_bracket"
  | "expected_action"
  | "unknown_action"
  | "invalid_number"
  | "invalid_bool"
  | "invalid_category";

export class RuleSyntaxError extends Error {
  constructor(
    readonly reason: RuleSyntaxReason,
    readonly line: number,
    /** 1-based column (in code points of the line). */
    readonly column: number,
    detail: string,
  ) {
    super(`line ${line}, column ${column}: ${detail}`);
    this.name = "RuleSyntaxError";
  }
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: ReadonlyArray<RuleSyntaxError> };

const MATCHER_TYPES: Readonly<
  Record<
    string,
    | { kind: "field"; field: FrameField }
    | { kind: "exception"; field: ExceptionField }
    | { kind: "family" | "app" }
  >
> = {
  "stack.module": { kind: "field", field: "module" },
  module: { kind: "field", field: "module" },
  "stack.function": { kind: "field", field: "function" },
  function: { kind: "field", field: "function" },
  category: { kind: "field", field: "category" },
  "stack.abs_path": { kind: "field", field: "path" },
  path: { kind: "field", field: "path" },
  // Newer than the Rust engine Sentry documents; the 2023-01-11 base rules use it for the
  // JavaScript in-app block (filename only, path-like like abs_path).
  "stack.filename": { kind: "field", field: "filename" },
  "stack.package": { kind: "field", field: "package" },
  package: { kind: "field", field: "package" },
  family: { kind: "family" },
  app: { kind: "app" },
  "error.type": { kind: "exception", field: "type" },
  type: { kind: "exception", field: "type" },
  "error.value": { kind: "exception", field: "value" },
  value: { kind: "exception", field: "value" },
  "error.mechanism": { kind: "exception", field: "mechanism" },
  mechanism: { kind: "exception", field: "mechanism" },
};

const BOOL_WORDS: ReadonlyArray<readonly [string, boolean]> = [
  ["1", true],
  ["yes", true],
  ["true", true],
  ["0", false],
  ["no", false],
  ["false", false],
];

const IDENT_CHAR = /[A-Za-z0-9_.-]/;
const QUOTED_IDENT_CHAR = /[A-Za-z0-9_.: -]/;

export function isPathLike(field: FrameField): boolean {
  return field === "path" || field === "package" || field === "filename";
}

class LineParser {
  private pos = 0;
  private readonly chars: string[];

  constructor(
    line: string,
    private readonly lineNo: number,
  ) {
    this.chars = Array.from(line);
  }

  private fail(reason: RuleSyntaxReason, detail: string, at = this.pos): never {
    throw new RuleSyntaxError(reason, this.lineNo, at + 1, detail);
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.pos + offset];
  }

  private skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  private atEnd(): boolean {
    return this.pos >= this.chars.length;
  }

  private startsWith(text: string): boolean {
    for (let i = 0; i < text.length; i++) if (this.chars[this.pos + i] !== text[i]) return false;
    return true;
  }

  parse(): RuleAst {
    const matchers: MatcherAst[] = [];
    this.skipSpaces();
    // Sentry's engine keeps a caller matcher after the frame's own matchers.
    const caller = this.peek() === "[" ? this.parseBracketed("caller") : undefined;
    let plain = 0;
    for (;;) {
      this.skipSpaces();
      if (!this.looksLikeMatcher()) break;
      matchers.push(this.parseMatcher("self"));
      plain++;
    }
    if (plain === 0) {
      this.fail("expected_matcher", "expected a matcher such as function:name or path:**/file.js");
    }
    if (caller !== undefined) matchers.push(caller);
    this.skipSpaces();
    if (this.peek() === "|") {
      this.pos++;
      this.skipSpaces();
      if (this.peek() !== "[") this.fail("expected_matcher", "expected '[' after '|' for a callee matcher");
      matchers.push(this.parseBracketed("callee"));
    }
    const actions: ActionAst[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.atEnd() || this.peek() === "#") break;
      actions.push(this.parseAction());
    }
    if (actions.length === 0) {
      this.fail("expected_action", "expected an action such as +app, -group or category=name");
    }
    return { matchers, actions, line: this.lineNo };
  }

  /** A matcher starts with `[!]ident:` or `[!]"quoted ident":`. */
  private looksLikeMatcher(): boolean {
    let i = this.pos;
    if (this.chars[i] === "!") i++;
    if (this.chars[i] === '"') {
      i++;
      while (i < this.chars.length && QUOTED_IDENT_CHAR.test(this.chars[i]!)) i++;
      return this.chars[i] === '"' && this.chars[i + 1] === ":";
    }
    const start = i;
    while (i < this.chars.length && IDENT_CHAR.test(this.chars[i]!)) i++;
    return i > start && this.chars[i] === ":";
  }

  private parseBracketed(offset: "caller" | "callee"): MatcherAst {
    const open = this.pos;
    this.pos++; // '['
    this.skipSpaces();
    if (!this.looksLikeMatcher()) this.fail("expected_matcher", `expected a matcher inside '[ ]'`);
    const matcher = this.parseMatcher(offset);
    this.skipSpaces();
    if (this.peek() !== "]")
      this.fail("unclosed_bracket", `expected ']' to close the '[' at column ${open + 1}`);
    this.pos++;
    if (offset === "caller") {
      this.skipSpaces();
      if (this.peek() !== "|") this.fail("expected_matcher", "expected '|' after a caller matcher '[ ... ]'");
      this.pos++;
    }
    return matcher;
  }

  private parseMatcher(offset: FrameOffset): MatcherAst {
    const start = this.pos;
    let negated = false;
    if (this.peek() === "!") {
      negated = true;
      this.pos++;
    }
    let type = "";
    if (this.peek() === '"') {
      this.pos++;
      while (this.peek() !== '"') type += this.chars[this.pos++];
      this.pos++;
    } else {
      while (!this.atEnd() && IDENT_CHAR.test(this.peek()!)) type += this.chars[this.pos++];
    }
    // Rule text is project input: `constructor:` must be an unknown matcher, not Object's.
    const spec = Object.hasOwn(MATCHER_TYPES, type) ? MATCHER_TYPES[type] : undefined;
    if (spec === undefined)
      this.fail("unknown_matcher", `unknown matcher '${type}'`, negated ? start + 1 : start);
    this.pos++; // ':'
    const argumentAt = this.pos;
    const argument = this.parseArgument();
    switch (spec.kind) {
      case "field":
        this.checkGlob(argument, isPathLike(spec.field), argumentAt);
        return { kind: "field", field: spec.field, pattern: argument, negated, offset };
      case "exception":
        this.checkGlob(argument, false, argumentAt);
        return { kind: "exception", field: spec.field, pattern: argument, negated };
      case "family":
        return { kind: "family", families: argument, negated, offset };
      case "app": {
        const word = BOOL_WORDS.find(([w]) => w === argument);
        if (word === undefined) {
          this.fail(
            "invalid_app_value",
            `app: expects yes, no, true, false, 1 or 0, got '${argument}'`,
            argumentAt,
          );
        }
        return { kind: "app", expected: word[1], raw: argument, negated, offset };
      }
    }
  }

  private parseArgument(): string {
    const at = this.pos;
    let raw = "";
    if (this.peek() === '"') {
      this.pos++;
      while (!this.atEnd() && this.peek() !== '"') raw += this.chars[this.pos++];
      if (this.atEnd()) this.fail("unterminated_quote", "unterminated quoted argument", at);
      this.pos++;
      if (raw === "") this.fail("expected_argument", "empty quoted argument", at);
    } else {
      while (!this.atEnd() && !/\s/.test(this.peek()!)) raw += this.chars[this.pos++];
      if (raw === "") this.fail("expected_argument", "expected an argument after ':'", at);
    }
    // The only escape Sentry's engine understands: a doubled backslash.
    return raw.replaceAll("\\\\", "\\");
  }

  private checkGlob(pattern: string, pathLike: boolean, at: number): void {
    try {
      compileGlob(pathLike ? pattern.replaceAll("\\", "/") : pattern, {
        literalSeparator: pathLike,
        caseInsensitive: true,
      });
    } catch (error) {
      if (error instanceof GlobSyntaxError) {
        // Quoted arguments start one column later than their opening quote.
        const quoteShift = this.chars[at] === '"' ? 1 : 0;
        this.fail("invalid_glob", `invalid pattern: ${error.message}`, at + quoteShift + error.offset);
      }
      throw error;
    }
  }

  private parseAction(): ActionAst {
    const start = this.pos;
    let range: "up" | "down" | undefined;
    if (this.peek() === "^") {
      range = "up";
      this.pos++;
    } else if (this.peek() === "v" && (this.peek(1) === "+" || this.peek(1) === "-")) {
      range = "down";
      this.pos++;
    }
    if (this.peek() === "+" || this.peek() === "-") {
      const flag = this.peek() === "+";
      this.pos++;
      for (const type of ["group", "app", "prefix", "sentinel"] as const) {
        if (this.startsWith(type)) {
          this.pos += type.length;
          return { kind: "flag", flag, type, range };
        }
      }
      this.fail("unknown_action", "expected app, group, prefix or sentinel after '+' or '-'");
    }
    if (range !== undefined)
      this.fail("unknown_action", "expected '+' or '-' after a range marker", start + 1);
    for (const name of ["max-frames", "min-frames", "invert-stacktrace", "category"] as const) {
      if (!this.startsWith(name)) continue;
      this.pos += name.length;
      this.skipSpaces();
      if (this.peek() !== "=") this.fail("unknown_action", `expected '=' after ${name}`);
      this.pos++;
      this.skipSpaces();
      const valueAt = this.pos;
      if (name === "category") {
        let value = "";
        while (!this.atEnd() && IDENT_CHAR.test(this.peek()!)) value += this.chars[this.pos++];
        if (value === "")
          this.fail("invalid_category", "category= expects a name (letters, digits, _ . -)", valueAt);
        return { kind: "category", value };
      }
      if (name === "invert-stacktrace") {
        for (const [word, value] of BOOL_WORDS) {
          if (this.startsWith(word)) {
            this.pos += word.length;
            return { kind: name, value };
          }
        }
        this.fail("invalid_bool", "invert-stacktrace= expects yes, no, true, false, 1 or 0", valueAt);
      }
      let digits = "";
      while (!this.atEnd() && /[0-9]/.test(this.peek()!)) digits += this.chars[this.pos++];
      const value = Number(digits);
      if (digits === "" || !Number.isSafeInteger(value)) {
        this.fail("invalid_number", `${name}= expects a non-negative integer`, valueAt);
      }
      return { kind: name, value };
    }
    return this.fail("unknown_action", "expected an action such as +app, -group or category=name");
  }
}

/** Parses one rule line (`line` is only used for error positions). */
export function parseRuleLine(text: string, line = 1): RuleAst {
  return new LineParser(text, line).parse();
}

/**
 * Parses a rules text. Blank lines and `#` comments are skipped; every bad line is
 * reported (the result carries either all rules or all errors, never a partial set).
 */
export function parseRules(text: string): ParseResult<RuleAst[]> {
  const rules: RuleAst[] = [];
  const errors: RuleSyntaxError[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const content = raw.trim();
    if (content === "" || content.startsWith("#")) return;
    // Columns count from the start of the raw line, so keep the leading whitespace.
    const leading = raw.length - raw.trimStart().length;
    try {
      rules.push(new LineParser(raw.slice(0, leading) + content, index + 1).parse());
    } catch (error) {
      if (error instanceof RuleSyntaxError) errors.push(error);
      else throw error;
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: rules };
}

/** Sentry's display form of a rule (what hints quote). */
export function ruleText(rule: RuleAst): string {
  const parts: string[] = [];
  for (const m of rule.matchers)
    if (m.kind === "exception") parts.push(`${m.negated ? "!" : ""}${m.field}:${m.pattern}`);
  for (const m of rule.matchers) {
    if (m.kind === "exception") continue;
    const body = `${m.negated ? "!" : ""}${m.kind === "field" ? m.field : m.kind}:${m.kind === "field" ? m.pattern : m.kind === "family" ? m.families : m.raw}`;
    parts.push(m.offset === "caller" ? `[${body}] |` : m.offset === "callee" ? `| [${body}]` : body);
  }
  for (const a of rule.actions) {
    if (a.kind === "flag")
      parts.push(`${a.range === "up" ? "^" : a.range === "down" ? "v" : ""}${a.flag ? "+" : "-"}${a.type}`);
    else parts.push(`${a.kind}=${a.value}`);
  }
  return parts.join(" ");
}
