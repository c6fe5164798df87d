// consumers/grouping/fingerprint-rules-parse.ts
import {
  createFingerprintMatcher,
  DEFAULT_FINGERPRINT_VARIABLE,
  groupMatchers,
  isDefaultFingerprintEntry,
  UnknownFingerprintMatcher
} from "./fingerprinting.js";
import { compileGlob, GlobSyntaxError } from "./glob.js";
var FingerprintSyntaxError = class extends Error {
  constructor(reason, line, column, detail) {
    super(`line ${line}, column ${column}: ${detail}`);
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.name = "FingerprintSyntaxError";
  }
  reason;
  line;
  column;
};
var KEY_CHAR = /[A-Za-z0-9_.-]/;
function unescapeQuoted(text) {
  const map = { n: "\n", t: "	", r: "\r", '"': '"', "\\": "\\", "'": "'" };
  return text.replace(/\\(.)/gs, (_, c) => map[c] ?? `\\${c}`);
}
var FingerprintLineParser = class {
  constructor(line, lineNo, builtin) {
    this.lineNo = lineNo;
    this.builtin = builtin;
    this.chars = Array.from(line);
  }
  lineNo;
  builtin;
  pos = 0;
  chars;
  fail(reason, detail, at = this.pos) {
    throw new FingerprintSyntaxError(reason, this.lineNo, at + 1, detail);
  }
  skipSpaces() {
    while (this.chars[this.pos] === " ") this.pos++;
  }
  readQuoted() {
    const start = this.pos;
    this.pos++;
    let raw = "";
    while (this.pos < this.chars.length && this.chars[this.pos] !== '"') {
      if (this.chars[this.pos] === "\\" && this.pos + 1 < this.chars.length) raw += this.chars[this.pos++];
      raw += this.chars[this.pos++];
    }
    if (this.pos >= this.chars.length) this.fail("unterminated_quote", "unterminated quoted value", start);
    this.pos++;
    return unescapeQuoted(raw);
  }
  readKey() {
    let key = "";
    while (this.pos < this.chars.length && KEY_CHAR.test(this.chars[this.pos]))
      key += this.chars[this.pos++];
    return key;
  }
  parse() {
    const matchers = [];
    for (; ; ) {
      this.skipSpaces();
      if (this.chars[this.pos] === "-" && this.chars[this.pos + 1] === ">") break;
      if (this.pos >= this.chars.length) {
        this.fail(
          matchers.length === 0 ? "expected_matcher" : "expected_arrow",
          "expected '->' and a fingerprint"
        );
      }
      matchers.push(this.parseMatcher());
    }
    if (matchers.length === 0) this.fail("expected_matcher", "expected a matcher before '->'");
    this.pos += 2;
    const fingerprint = [];
    const attributes = {};
    for (; ; ) {
      this.skipSpaces();
      if (this.pos >= this.chars.length) break;
      const start = this.pos;
      const key = this.readKey();
      if (key !== "" && this.chars[this.pos] === "=" && this.chars[this.pos + 1] === '"') {
        this.pos++;
        const value = this.readQuoted();
        if (key !== "title") this.fail("unknown_attribute", `unknown attribute '${key}'`, start);
        attributes.title = value;
      } else {
        this.pos = start;
        fingerprint.push(this.parseValue());
      }
      this.skipSpaces();
      if (this.chars[this.pos] === ",") this.pos++;
    }
    if (fingerprint.length === 0 && Object.keys(attributes).length === 0) {
      this.fail("expected_fingerprint", "expected a fingerprint after '->'");
    }
    return {
      matchers,
      matchersByType: groupMatchers(matchers),
      fingerprint,
      attributes,
      builtin: this.builtin
    };
  }
  parseValue() {
    if (this.chars[this.pos] === '"') return this.normalize(this.readQuoted());
    const rest = this.chars.slice(this.pos).join("");
    const match = /^(?:\{\{\s*\S+\s*\}\}|[^\s{,]+)/.exec(rest);
    if (match === null) this.fail("expected_fingerprint", "expected a fingerprint value");
    this.pos += Array.from(match[0]).length;
    return this.normalize(match[0]);
  }
  normalize(value) {
    return isDefaultFingerprintEntry(value) ? DEFAULT_FINGERPRINT_VARIABLE : value;
  }
  parseMatcher() {
    let negated = false;
    if (this.chars[this.pos] === "!") {
      negated = true;
      this.pos++;
    }
    const keyAt = this.pos;
    let key;
    if (this.chars[this.pos] === '"') {
      this.pos++;
      key = "";
      while (this.pos < this.chars.length && /[A-Za-z0-9_.:-]/.test(this.chars[this.pos]))
        key += this.chars[this.pos++];
      if (this.chars[this.pos] !== '"')
        this.fail("expected_matcher", "unterminated quoted matcher name", keyAt);
      this.pos++;
    } else {
      key = this.readKey();
    }
    if (key === "" || this.chars[this.pos] !== ":") {
      this.fail("expected_matcher", "expected a matcher such as type:ValueError", keyAt);
    }
    this.pos++;
    const argumentAt = this.pos;
    let pattern;
    if (this.chars[this.pos] === '"') {
      pattern = this.readQuoted();
    } else {
      pattern = "";
      while (this.pos < this.chars.length && !/\s/.test(this.chars[this.pos]))
        pattern += this.chars[this.pos++];
      if (pattern === "") this.fail("expected_argument", "expected a value after ':'", argumentAt);
    }
    try {
      compileGlob(pattern, { literalSeparator: false, caseInsensitive: false });
    } catch (error) {
      if (error instanceof GlobSyntaxError)
        this.fail("invalid_glob", `invalid pattern: ${error.message}`, argumentAt);
      throw error;
    }
    try {
      return createFingerprintMatcher(key, pattern, negated);
    } catch (error) {
      if (error instanceof UnknownFingerprintMatcher) this.fail("unknown_matcher", error.message, keyAt);
      throw error;
    }
  }
};
function parseFingerprintRules(text, builtin = false) {
  const rules = [];
  const errors = [];
  text.split(/\r\n|\n|\r/).forEach((line, index) => {
    const content = line.trim();
    if (content === "" || content.startsWith("#")) return;
    try {
      rules.push(new FingerprintLineParser(line.trimEnd(), index + 1, builtin).parse());
    } catch (error) {
      if (error instanceof FingerprintSyntaxError) errors.push(error);
      else throw error;
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: rules };
}
export {
  FingerprintSyntaxError,
  parseFingerprintRules
};
//# sourceMappingURL=fingerprint-rules-parse.js.map
