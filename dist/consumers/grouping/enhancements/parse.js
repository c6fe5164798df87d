// consumers/grouping/enhancements/parse.ts
import { compileGlob, GlobSyntaxError } from "../glob.js";
var RuleSyntaxError = class extends Error {
  constructor(reason, line, column, detail) {
    super(`line ${line}, column ${column}: ${detail}`);
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.name = "RuleSyntaxError";
  }
  reason;
  line;
  column;
};
var MATCHER_TYPES = {
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
  mechanism: { kind: "exception", field: "mechanism" }
};
var BOOL_WORDS = [
  ["1", true],
  ["yes", true],
  ["true", true],
  ["0", false],
  ["no", false],
  ["false", false]
];
var IDENT_CHAR = /[A-Za-z0-9_.-]/;
var QUOTED_IDENT_CHAR = /[A-Za-z0-9_.: -]/;
function isPathLike(field) {
  return field === "path" || field === "package" || field === "filename";
}
var LineParser = class {
  constructor(line, lineNo) {
    this.lineNo = lineNo;
    this.chars = Array.from(line);
  }
  lineNo;
  pos = 0;
  chars;
  fail(reason, detail, at = this.pos) {
    throw new RuleSyntaxError(reason, this.lineNo, at + 1, detail);
  }
  peek(offset = 0) {
    return this.chars[this.pos + offset];
  }
  skipSpaces() {
    while (this.peek() === " " || this.peek() === "	") this.pos++;
  }
  atEnd() {
    return this.pos >= this.chars.length;
  }
  startsWith(text) {
    for (let i = 0; i < text.length; i++) if (this.chars[this.pos + i] !== text[i]) return false;
    return true;
  }
  parse() {
    const matchers = [];
    this.skipSpaces();
    const caller = this.peek() === "[" ? this.parseBracketed("caller") : void 0;
    let plain = 0;
    for (; ; ) {
      this.skipSpaces();
      if (!this.looksLikeMatcher()) break;
      matchers.push(this.parseMatcher("self"));
      plain++;
    }
    if (plain === 0) {
      this.fail("expected_matcher", "expected a matcher such as function:name or path:**/file.js");
    }
    if (caller !== void 0) matchers.push(caller);
    this.skipSpaces();
    if (this.peek() === "|") {
      this.pos++;
      this.skipSpaces();
      if (this.peek() !== "[") this.fail("expected_matcher", "expected '[' after '|' for a callee matcher");
      matchers.push(this.parseBracketed("callee"));
    }
    const actions = [];
    for (; ; ) {
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
  looksLikeMatcher() {
    let i = this.pos;
    if (this.chars[i] === "!") i++;
    if (this.chars[i] === '"') {
      i++;
      while (i < this.chars.length && QUOTED_IDENT_CHAR.test(this.chars[i])) i++;
      return this.chars[i] === '"' && this.chars[i + 1] === ":";
    }
    const start = i;
    while (i < this.chars.length && IDENT_CHAR.test(this.chars[i])) i++;
    return i > start && this.chars[i] === ":";
  }
  parseBracketed(offset) {
    const open = this.pos;
    this.pos++;
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
  parseMatcher(offset) {
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
      while (!this.atEnd() && IDENT_CHAR.test(this.peek())) type += this.chars[this.pos++];
    }
    const spec = Object.hasOwn(MATCHER_TYPES, type) ? MATCHER_TYPES[type] : void 0;
    if (spec === void 0)
      this.fail("unknown_matcher", `unknown matcher '${type}'`, negated ? start + 1 : start);
    this.pos++;
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
        if (word === void 0) {
          this.fail(
            "invalid_app_value",
            `app: expects yes, no, true, false, 1 or 0, got '${argument}'`,
            argumentAt
          );
        }
        return { kind: "app", expected: word[1], raw: argument, negated, offset };
      }
    }
  }
  parseArgument() {
    const at = this.pos;
    let raw = "";
    if (this.peek() === '"') {
      this.pos++;
      while (!this.atEnd() && this.peek() !== '"') raw += this.chars[this.pos++];
      if (this.atEnd()) this.fail("unterminated_quote", "unterminated quoted argument", at);
      this.pos++;
      if (raw === "") this.fail("expected_argument", "empty quoted argument", at);
    } else {
      while (!this.atEnd() && !/\s/.test(this.peek())) raw += this.chars[this.pos++];
      if (raw === "") this.fail("expected_argument", "expected an argument after ':'", at);
    }
    return raw.replaceAll("\\\\", "\\");
  }
  checkGlob(pattern, pathLike, at) {
    try {
      compileGlob(pathLike ? pattern.replaceAll("\\", "/") : pattern, {
        literalSeparator: pathLike,
        caseInsensitive: true
      });
    } catch (error) {
      if (error instanceof GlobSyntaxError) {
        const quoteShift = this.chars[at] === '"' ? 1 : 0;
        this.fail("invalid_glob", `invalid pattern: ${error.message}`, at + quoteShift + error.offset);
      }
      throw error;
    }
  }
  parseAction() {
    const start = this.pos;
    let range;
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
      for (const type of ["group", "app", "prefix", "sentinel"]) {
        if (this.startsWith(type)) {
          this.pos += type.length;
          return { kind: "flag", flag, type, range };
        }
      }
      this.fail("unknown_action", "expected app, group, prefix or sentinel after '+' or '-'");
    }
    if (range !== void 0)
      this.fail("unknown_action", "expected '+' or '-' after a range marker", start + 1);
    for (const name of ["max-frames", "min-frames", "invert-stacktrace", "category"]) {
      if (!this.startsWith(name)) continue;
      this.pos += name.length;
      this.skipSpaces();
      if (this.peek() !== "=") this.fail("unknown_action", `expected '=' after ${name}`);
      this.pos++;
      this.skipSpaces();
      const valueAt = this.pos;
      if (name === "category") {
        let value2 = "";
        while (!this.atEnd() && IDENT_CHAR.test(this.peek())) value2 += this.chars[this.pos++];
        if (value2 === "")
          this.fail("invalid_category", "category= expects a name (letters, digits, _ . -)", valueAt);
        return { kind: "category", value: value2 };
      }
      if (name === "invert-stacktrace") {
        for (const [word, value2] of BOOL_WORDS) {
          if (this.startsWith(word)) {
            this.pos += word.length;
            return { kind: name, value: value2 };
          }
        }
        this.fail("invalid_bool", "invert-stacktrace= expects yes, no, true, false, 1 or 0", valueAt);
      }
      let digits = "";
      while (!this.atEnd() && /[0-9]/.test(this.peek())) digits += this.chars[this.pos++];
      const value = Number(digits);
      if (digits === "" || !Number.isSafeInteger(value)) {
        this.fail("invalid_number", `${name}= expects a non-negative integer`, valueAt);
      }
      return { kind: name, value };
    }
    return this.fail("unknown_action", "expected an action such as +app, -group or category=name");
  }
};
function parseRuleLine(text, line = 1) {
  return new LineParser(text, line).parse();
}
function parseRules(text) {
  const rules = [];
  const errors = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const content = raw.trim();
    if (content === "" || content.startsWith("#")) return;
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
function ruleText(rule) {
  const parts = [];
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
export {
  RuleSyntaxError,
  isPathLike,
  parseRuleLine,
  parseRules,
  ruleText
};
//# sourceMappingURL=parse.js.map
