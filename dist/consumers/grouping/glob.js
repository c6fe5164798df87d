// consumers/grouping/glob.ts
var GlobSyntaxError = class extends Error {
  constructor(message, offset) {
    super(message);
    this.offset = offset;
    this.name = "GlobSyntaxError";
  }
  offset;
};
var GlobParser = class {
  chars;
  pos = 0;
  // A stack of token lists: index 0 is the top level, deeper entries are open `{` groups.
  stack = [[]];
  prev;
  cur;
  constructor(pattern) {
    this.chars = Array.from(pattern);
  }
  parse() {
    for (; ; ) {
      const c = this.bump();
      if (c === void 0) break;
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
    return this.stack[0];
  }
  bump() {
    this.prev = this.cur;
    const c = this.chars[this.pos];
    if (c === void 0) {
      this.cur = void 0;
      return void 0;
    }
    this.pos += 1;
    this.cur = c;
    return c;
  }
  peek() {
    return this.chars[this.pos];
  }
  top() {
    return this.stack[this.stack.length - 1];
  }
  push(token) {
    this.top().push(token);
  }
  popToken() {
    return this.top().pop();
  }
  pushAlternate() {
    if (this.stack.length > 1) throw new GlobSyntaxError("nested alternates '{'", this.pos - 1);
    this.stack.push([]);
  }
  popAlternate() {
    if (this.stack.length <= 1) throw new GlobSyntaxError("unopened alternates '}'", this.pos - 1);
    const branches = this.stack.splice(1);
    this.push({ kind: "alternates", branches });
  }
  parseComma() {
    if (this.stack.length <= 1) this.push({ kind: "literal", char: "," });
    else this.stack.push([]);
  }
  parseBackslash() {
    const c = this.bump();
    if (c === void 0) throw new GlobSyntaxError("dangling '\\'", this.pos);
    this.push({ kind: "literal", char: c });
  }
  parseStar() {
    const prev = this.prev;
    if (this.peek() !== "*") {
      this.push({ kind: "zeroOrMore" });
      return;
    }
    this.bump();
    const isSeparator = (c) => c === "/";
    if (this.top().length === 0) {
      const next2 = this.peek();
      if (next2 !== void 0 && !isSeparator(next2)) {
        this.push({ kind: "zeroOrMore" });
        this.push({ kind: "zeroOrMore" });
      } else {
        this.push({ kind: "recursivePrefix" });
        if (next2 !== void 0) this.bump();
      }
      return;
    }
    if (!isSeparator(prev)) {
      if (this.stack.length <= 1 || prev !== "," && prev !== "{") {
        this.push({ kind: "zeroOrMore" });
        this.push({ kind: "zeroOrMore" });
        return;
      }
    }
    const next = this.peek();
    let isSuffix;
    if (next === void 0) {
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
  parseClass() {
    const start = this.pos - 1;
    const ranges = [];
    let negated = false;
    const first = this.peek();
    if (first === "!" || first === "^") {
      negated = true;
      this.bump();
    }
    let firstChar = true;
    let inRange = false;
    for (; ; ) {
      const c = this.bump();
      if (c === void 0) throw new GlobSyntaxError("unclosed character class '['", start);
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
          const last = ranges[ranges.length - 1];
          last[1] = "-";
          inRange = false;
        } else if (this.peek() === "]") {
          ranges.push(["-", "-"]);
        } else {
          inRange = true;
        }
      } else if (inRange) {
        const last = ranges[ranges.length - 1];
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
};
var REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/;
function escapeChar(c) {
  return REGEX_SPECIAL.test(c) ? `\\${c}` : c;
}
function tokensToRegex(tokens, literalSeparator, out) {
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
function requiredLiteral(pattern, options) {
  let tokens;
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
function compileGlob(pattern, options) {
  const tokens = new GlobParser(pattern).parse();
  let source;
  if (tokens.length === 1 && tokens[0].kind === "recursivePrefix") {
    source = "^[^\\n]*$";
  } else {
    const out = ["^"];
    tokensToRegex(tokens, options.literalSeparator, out);
    out.push("$");
    source = out.join("");
  }
  return new RegExp(source, options.caseInsensitive ? "i" : "");
}
function compileGlobOrNever(pattern, options) {
  try {
    return compileGlob(pattern, options);
  } catch (error) {
    if (error instanceof GlobSyntaxError) return /(?!)/;
    throw error;
  }
}
export {
  GlobSyntaxError,
  compileGlob,
  compileGlobOrNever,
  requiredLiteral
};
//# sourceMappingURL=glob.js.map
