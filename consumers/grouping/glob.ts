// Glob patterns as Sentry evaluates them. Both the stack-trace rule engine (sentry-ophio) and
// Sentry's `glob_match` translate globs with Rust's `globset` crate, so this reproduces
// globset's parser: `**` is recursive only as a whole path component (`**/x`, `x/**`,
// `x/**/y`), anywhere else it is two `*`; `?`/`*` stop at `/` only when separators are
// literal; `[...]` classes, `{a,b}` alternates and backslash escapes are supported.

export interface GlobOptions {
  /** `*` and `?` do not cross `/` (globset `literal_separator`). */
  readonly literalSeparator: boolean;
  readonly caseInsensitive: boolean;
}

type Token =
  | { readonly kind: "literal"; readonly char: string }
  | { readonly kind: "any" }
  | { readonly kind: "zeroOrMore" }
  | { readonly kind: "recursivePrefix" }
  | { readonly kind: "recursiveSuffix" }
  | { readonly kind: "recursiveZeroOrMore" }
  | {
      readonly kind: "class";
      readonly negated: boolean;
      readonly ranges: ReadonlyArray<readonly [string, string]>;
    }
  | { readonly kind: "alternates"; readonly branches: Token[][] };

/** Why a glob could not be compiled (the same cases globset rejects). */
export class GlobSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based offset in the pattern. */
    readonly offset: number,
  ) {
    super(message);
    this.name = "GlobSyntaxError";
  }
}

class GlobParser {
  private readonly chars: string[];
  private pos = 0;
  // A stack of token lists: index 0 is the top level, deeper entries are open `{` groups.
  private readonly stack: Token[][] = [[]];
  private prev: string | undefined;
  private cur: string | undefined;

  constructor(pattern: string) {
    this.chars = Array.from(pattern);
  }

  parse(): Token[] {
    for (;;) {
      const c = this.bump();
      if (c === undefined) break;
      switch (c) {
        case "?":
          this.push({ kind: "any" });
          break;
        case "*":
          this.parseStar();
          break;
        case "[":
          this.parseClass();
          break;
        case "{":
          this.pushAlternate();
          break;
        case "}":
          this.popAlternate();
          break;
        case ",":
          this.parseComma();
          break;
        case "\\":
          this.parseBackslash();
          break;
        default:
          this.push({ kind: "literal", char: c });
      }
    }
    if (this.stack.length > 1) throw new GlobSyntaxError("unclosed alternates '{'", this.chars.length);
    return this.stack[0]!;
  }

  private bump(): string | undefined {
    this.prev = this.cur;
    const c = this.chars[this.pos];
    if (c === undefined) {
      this.cur = undefined;
      return undefined;
    }
    this.pos += 1;
    this.cur = c;
    return c;
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private top(): Token[] {
    return this.stack[this.stack.length - 1]!;
  }

  private push(token: Token): void {
    this.top().push(token);
  }

  private popToken(): Token | undefined {
    return this.top().pop();
  }

  private pushAlternate(): void {
    if (this.stack.length > 1) throw new GlobSyntaxError("nested alternates '{'", this.pos - 1);
    this.stack.push([]);
  }

  private popAlternate(): void {
    if (this.stack.length <= 1) throw new GlobSyntaxError("unopened alternates '}'", this.pos - 1);
    // Every comma opened a new branch on the stack; the closing brace gathers them all.
    const branches = this.stack.splice(1);
    this.push({ kind: "alternates", branches });
  }

  private parseComma(): void {
    if (this.stack.length <= 1) this.push({ kind: "literal", char: "," });
    else this.stack.push([]);
  }

  private parseBackslash(): void {
    const c = this.bump();
    if (c === undefined) throw new GlobSyntaxError("dangling '\\'", this.pos);
    this.push({ kind: "literal", char: c });
  }

  private parseStar(): void {
    const prev = this.prev;
    if (this.peek() !== "*") {
      this.push({ kind: "zeroOrMore" });
      return;
    }
    this.bump();
    const isSeparator = (c: string | undefined): boolean => c === "/";
    if (this.top().length === 0) {
      const next = this.peek();
      if (next !== undefined && !isSeparator(next)) {
        this.push({ kind: "zeroOrMore" });
        this.push({ kind: "zeroOrMore" });
      } else {
        this.push({ kind: "recursivePrefix" });
        if (next !== undefined) this.bump();
      }
      return;
    }
    if (!isSeparator(prev)) {
      if (this.stack.length <= 1 || (prev !== "," && prev !== "{")) {
        this.push({ kind: "zeroOrMore" });
        this.push({ kind: "zeroOrMore" });
        return;
      }
    }
    const next = this.peek();
    let isSuffix: boolean;
    if (next === undefined) {
      isSuffix = true;
    } else if ((next === "," || next === "}") && this.stack.length >= 2) {
      isSuffix = true;
    } else if (isSeparator(next)) {
      this.bump();
      isSuffix = false;
    } else {
      this.push({ kind: "zeroOrMore" });
      this.push({ kind: "zeroOrMore" });
      return;
    }
    const popped = this.popToken();
    if (popped?.kind === "recursivePrefix") this.push(popped);
    else if (popped?.kind === "recursiveSuffix") this.push(popped);
    else this.push({ kind: isSuffix ? "recursiveSuffix" : "recursiveZeroOrMore" });
  }

  private parseClass(): void {
    const start = this.pos - 1;
    const ranges: Array<[string, string]> = [];
    let negated = false;
    const first = this.peek();
    if (first === "!" || first === "^") {
      negated = true;
      this.bump();
    }
    let firstChar = true;
    let inRange = false;
    for (;;) {
      const c = this.bump();
      if (c === undefined) throw new GlobSyntaxError("unclosed character class '['", start);
      if (c === "]") {
        if (firstChar) {
          ranges.push(["]", "]"]);
        } else {
          break;
        }
      } else if (c === "-") {
        if (firstChar) {
          ranges.push(["-", "-"]);
        } else if (inRange) {
          // `a--`: the dash closes the range.
          const last = ranges[ranges.length - 1]!;
          last[1] = "-";
          inRange = false;
        } else if (this.peek() === "]") {
          ranges.push(["-", "-"]);
        } else {
          inRange = true;
        }
      } else if (inRange) {
        const last = ranges[ranges.length - 1]!;
        if (c < last[0]) throw new GlobSyntaxError(`invalid range ${last[0]}-${c}`, this.pos - 1);
        last[1] = c;
        inRange = false;
      } else {
        ranges.push([c, c]);
      }
      firstChar = false;
    }
    if (inRange) ranges.push(["-", "-"]);
    this.push({ kind: "class", negated, ranges });
  }
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/;

function escapeChar(c: string): string {
  return REGEX_SPECIAL.test(c) ? `\\${c}` : c;
}

function tokensToRegex(tokens: ReadonlyArray<Token>, literalSeparator: boolean, out: string[]): void {
  // Rust's `.` stops at `\n` only; JavaScript's also stops at `\r` and U+2028/9.
  const any = literalSeparator ? "[^/\\n]" : "[^\\n]";
  for (const token of tokens) {
    switch (token.kind) {
      case "literal":
        out.push(escapeChar(token.char));
        break;
      case "any":
        out.push(any);
        break;
      case "zeroOrMore":
        out.push(`${any}*`);
        break;
      case "recursivePrefix":
        out.push("(?:/?|[^\\n]*/)");
        break;
      case "recursiveSuffix":
        out.push("/[^\\n]*");
        break;
      case "recursiveZeroOrMore":
        out.push("(?:/|/[^\\n]*/)");
        break;
      case "class": {
        out.push(token.negated ? "[^" : "[");
        for (const [from, to] of token.ranges) {
          out.push(escapeChar(from));
          if (from !== to) out.push("-", escapeChar(to));
        }
        out.push("]");
        break;
      }
      case "alternates": {
        out.push("(?:");
        token.branches.forEach((branch, index) => {
          if (index > 0) out.push("|");
          tokensToRegex(branch, literalSeparator, out);
        });
        out.push(")");
        break;
      }
    }
  }
}

/**
 * The longest run of plain characters every match must contain (lower-cased when the glob is
 * case-insensitive): a cheap `includes` check that rejects most values before the regex.
 */
export function requiredLiteral(pattern: string, options: GlobOptions): string {
  let tokens: Token[];
  try {
    tokens = new GlobParser(pattern).parse();
  } catch (error) {
    if (error instanceof GlobSyntaxError) return "";
    throw error;
  }
  let best = "";
  let run = "";
  for (const token of tokens) {
    if (token.kind === "literal") {
      run += token.char;
      if (run.length > best.length) best = run;
    } else {
      run = "";
    }
  }
  return options.caseInsensitive ? best.toLowerCase() : best;
}

/** Compiles a glob to an anchored RegExp; throws GlobSyntaxError where globset would. */
export function compileGlob(pattern: string, options: GlobOptions): RegExp {
  const tokens = new GlobParser(pattern).parse();
  let source: string;
  if (tokens.length === 1 && tokens[0]!.kind === "recursivePrefix") {
    // globset special-cases a lone `**` to match everything.
    source = "^[^\\n]*$";
  } else {
    const out: string[] = ["^"];
    tokensToRegex(tokens, options.literalSeparator, out);
    out.push("$");
    source = out.join("");
  }
  return new RegExp(source, options.caseInsensitive ? "i" : "");
}

/** Like compileGlob, but an invalid pattern matches nothing (Sentry's `glob_match`). */
export function compileGlobOrNever(pattern: string, options: GlobOptions): RegExp {
  try {
    return compileGlob(pattern, options);
  } catch (error) {
    if (error instanceof GlobSyntaxError) return /(?!)/;
    throw error;
  }
}
