import { isIPv4, isIPv6 } from "node:net";

// Sentry's message parameterizer (`grouping/parameterization.py`, default patterns, not the
// experimental set): event-specific values become `<name>` placeholders so one bug does not
// open one issue per id it mentions. The patterns are joined into one alternation in this
// order; at each position the first alternative that matches wins, exactly as Python's
// `re.sub` does. Python's `.` (no DOTALL) is written `[^\n]`.

const MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
const DAYS = "Sun|Mon|Tue|Wed|Thu|Fri|Sat";
const ZONE = "(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z])";
const V4_OCTET = "(?:25[0-5]|(?:2[0-4]|1{0,1}[0-9]){0,1}[0-9])";
const V4 = `(?:${V4_OCTET}\\.){3}${V4_OCTET}`;
const H = "[0-9a-fA-F]{1,4}";

const TLDS_UPPER =
  "COM|NET|ORG|JP|DE|UK|FR|BR|IT|RU|ES|ME|GOV|PL|CA|AU|CN|CO|IN|NL|EDU|INFO|EU|CH|ID|AT|KR|CZ|MX|BE|TV|SE|TR|TW|AL|UA|IR|VN|CL|SK|LY|CC|TO|NO|FI|US|PT|DK|AR|HU|TK|GR|IL|NEWS|RO|MY|BIZ|IE|ZA|NZ|SG|EE|TH|IO|XYZ|PE|BG|HK|RS|LT|LINK|PH|CLUB|SI|SITE|MOBI|BY|CAT|WIKI|LA|GA|XXX|CF|HR|NG|JOBS|ONLINE|KZ|UG|GQ|AE|IS|LV|PRO|FM|TIPS|MS|SA|APP";

// What the patterns need to be able to match anywhere in an input, as feature bits gathered
// in one pass. Each alternative has a necessary condition over these bits, and the combined
// regex only gets the alternatives whose condition holds: a typical message needs two or
// three of the forty. The bits are few and coarse on purpose: they key the regex cache.
const AT = 1 << 0;
const URL_SCHEME = 1 << 1;
const DOT = 1 << 2;
const COLON = 1 << 3;
const DASH = 1 << 4;
const COMMA = 1 << 5;
const DIGIT = 1 << 6;
/** A run of four digits. */
const DIGITS4 = 1 << 7;
/** Twelve digits in all, four of them in a row. */
const DIGITS12 = 1 << 8;
/** A run of hex digits of at least 4 (either case) that holds a decimal digit and a letter. */
const MIXED4 = 1 << 9;
const MIXED7 = 1 << 10;
/** A run of at least 8 hex digits. */
const HEX8 = 1 << 11;
const HEX12 = 1 << 12;
const HEX32 = 1 << 13;
const EQUALS = 1 << 14;
const LETTER_S = 1 << 15;
const GMT = 1 << 16;
const DATETIME = 1 << 17;
const HEX_PREFIX = 1 << 18;
const TX = 1 << 19;

function hexRunFeatures(length: number, mixed: boolean): number {
  let bits = 0;
  if (mixed && length >= 4) bits |= MIXED4;
  if (mixed && length >= 7) bits |= MIXED7;
  if (length >= 8) bits |= HEX8;
  if (length >= 12) bits |= HEX12;
  if (length >= 32) bits |= HEX32;
  return bits;
}

function featuresOf(text: string): number {
  let bits = 0;
  let digits = 0;
  let digitRun = 0;
  let hexRun = 0;
  let runHasDigit = false;
  let runHasLetter = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (++digitRun === 4) bits |= DIGITS4;
      hexRun++;
      runHasDigit = true;
      continue;
    }
    digitRun = 0;
    if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) {
      hexRun++;
      runHasLetter = true;
      continue;
    }
    if (hexRun >= 4) bits |= hexRunFeatures(hexRun, runHasDigit && runHasLetter);
    hexRun = 0;
    runHasDigit = false;
    runHasLetter = false;
    if (c === 58) bits |= COLON;
    else if (c === 45) bits |= DASH;
    else if (c === 44) bits |= COMMA;
    else if (c === 46) bits |= DOT;
    else if (c === 64) bits |= AT;
    else if (c === 61) bits |= EQUALS;
    else if (c === 115) bits |= LETTER_S;
  }
  if (hexRun >= 4) bits |= hexRunFeatures(hexRun, runHasDigit && runHasLetter);
  if (digits > 0) {
    bits |= DIGIT;
    if (digits >= 12 && bits & DIGITS4) bits |= DIGITS12;
    if (text.includes("0x") || text.includes("0X")) bits |= HEX_PREFIX;
  }
  if (bits & COLON) {
    if (text.includes("://")) bits |= URL_SCHEME;
    if (text.includes("GMT")) bits |= GMT;
  }
  if (bits & DASH && text.includes("tx")) bits |= TX;
  if (text.includes("datetime")) bits |= DATETIME;
  return bits;
}

/** A condition on feature bits: every bit of one of the sets (`all(...)` or `any(...)`). */
type Condition = (features: number) => boolean;
const all =
  (...bits: number[]): Condition =>
  (features) =>
    bits.every((bit) => (features & bit) !== 0);
const any =
  (...bits: number[]): Condition =>
  (features) =>
    bits.some((bit) => (features & bit) !== 0);

interface Alternative {
  /** The placeholder name; a pattern may be split into several alternatives, in order. */
  readonly name: string;
  readonly source: string;
  /** A necessary condition for a match anywhere in the input. */
  readonly possible: Condition;
}

interface Pattern {
  readonly name: string;
  readonly alternatives: ReadonlyArray<Omit<Alternative, "name">>;
  /** Turns a candidate into its replacement; returning the candidate declines the match. */
  readonly replace?: (value: string) => string;
}

// Newer Sentry validates IP candidates with an IP parser (and accepts CIDR suffixes) instead
// of trusting the regex alone; a rejected candidate makes the whole input go through the
// patterns one by one, without the combined regex's short-circuit.
function replaceIp(value: string): string {
  const slash = value.indexOf("/");
  const address = slash === -1 ? value : value.slice(0, slash);
  if (slash !== -1) {
    const bits = Number(value.slice(slash + 1));
    const max = isIPv4(address) ? 32 : 128;
    if (!Number.isInteger(bits) || bits > max) return value;
  }
  const zone = address.indexOf("%");
  const bare = zone === -1 ? address : address.slice(0, zone);
  return isIPv6(bare) || isIPv4(bare) ? "<ip>" : value;
}

// The conditions below only name what every match of the alternative contains: a character,
// a number of digits, a run of hex digits. Splitting a pattern `A|B` into alternatives A, B
// keeps Python's leftmost-first choice, since the combined regex lists them in the same order.
const PATTERNS: ReadonlyArray<Pattern> = [
  {
    name: "email",
    alternatives: [
      { possible: all(AT), source: "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*" },
    ],
  },
  {
    name: "url",
    alternatives: [
      {
        possible: all(URL_SCHEME),
        source: "\\b(?:wss?|https?|ftp)://[^\\s/$.?#][^\\n][^\\s]*",
      },
    ],
  },
  {
    name: "hostname",
    alternatives: [
      {
        possible: all(DOT),
        source: `\\b(?:[a-zA-Z0-9\\-]{1,63}\\.)+?(?:(?:${TLDS_UPPER})|(?:${TLDS_UPPER.toLowerCase()}))\\b`,
      },
    ],
  },
  {
    name: "ip",
    alternatives: [
      {
        possible: all(COLON),
        source:
          `(?<![0-9a-zA-Z_])(?:` +
          `(?:${H}:){7}${H}|` +
          `(?:${H}(?::${H}){0,6})?::(?:(?:${H}:){0,6}(?:${V4}|${H}))?|` +
          `fe80:(?::[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}` +
          `)(?:/\\d{1,3})?(?![0-9a-zA-Z])`,
      },
      { possible: all(DOT, DIGIT), source: `\\b${V4}\\b` },
    ],
    replace: replaceIp,
  },
  {
    name: "traceparent",
    alternatives: [
      {
        possible: all(DASH, HEX12),
        source: "\\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\\b|\\b1-[0-9a-f]{8}-[0-9a-f]{24}\\b",
      },
    ],
  },
  {
    name: "uuid",
    alternatives: [
      {
        possible: all(DASH, HEX12),
        source: "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b",
      },
    ],
  },
  { name: "sha1", alternatives: [{ possible: all(HEX32), source: "\\b[0-9a-fA-F]{40}\\b" }] },
  { name: "md5", alternatives: [{ possible: all(HEX32), source: "\\b[0-9a-fA-F]{32}\\b" }] },
  {
    name: "date",
    alternatives: [
      // RFC822, RFC1123, RFC1123Z
      {
        possible: all(COMMA, COLON),
        source: `(?:${DAYS}),\\s\\d{1,2}\\s(?:${MONTHS})\\s\\d{2,4}\\s\\d{1,2}:\\d{1,2}(?::\\d{1,2})?\\s(?:[-\\+][\\d]{2}[0-5][\\d]|${ZONE})`,
      },
      // "Mon Jan 02, 1999", "Jan 02, 1999"
      {
        possible: all(COMMA, DIGIT),
        source: `(?:(?:${DAYS})\\s)?(?:${MONTHS})\\s[0-3]\\d,\\s\\d{2,4}`,
      },
      // RFC850
      {
        possible: all(COMMA, DASH, COLON),
        source: `(?:Sun|Sunday|Mon|Monday|Tue|Tuesday|Wed|Wednesday|Thu|Thursday|Fri|Friday|Sat|Saturday),\\s\\d{2}-(?:${MONTHS})-\\d{2}\\s\\d{2}:\\d{2}:\\d{2}\\s${ZONE}`,
      },
      // RFC3339, RFC3339Nano
      {
        possible: all(DASH, COLON, DIGITS4),
        source: "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z?(?:[+-]?\\d{2}:\\d{2})?",
      },
      // JavaScript Date.toString()
      {
        possible: all(GMT),
        source: `(?:${DAYS})\\s(?:${MONTHS})\\s\\d{2}\\s\\d{4}\\s\\d{2}:\\d{2}:\\d{2}\\sGMT[+-]\\d{4}(?:\\s\\([^)]+\\))?`,
      },
      // datetimes with a zone offset come before plain ones so the offset is not an int;
      // every one of them has at least 12 digits, four of them in a row
      ...[
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d\\.\\d+(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d\\.\\d+",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d",
      ].map((source) => ({ possible: all(DIGITS12), source })),
      // kitchen 12-hour, then 24-hour
      {
        possible: all(COLON),
        source: "(?<!\\d)(?:[1-9]|1[0-2]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:])(?:\\s?[aApP][Mm])?",
      },
      { possible: all(COLON), source: "(?<!\\d)(?:0?\\d|1\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:])" },
      // date, time
      { possible: all(DASH, DIGITS4), source: "\\d{4}-[01]\\d-[0-3]\\d" },
      { possible: all(COLON), source: "[0-2]\\d:[0-5]\\d:[0-5]\\d" },
      // old formats
      {
        possible: all(COLON),
        source: `\\b(?:(?:${DAYS})\\s+)?(?:${MONTHS})\\s+[\\d]{1,2}\\s+[\\d]{2}:[\\d]{2}:[\\d]{2}\\s+[\\d]{4}`,
      },
      {
        possible: all(COLON, DIGITS4),
        source: `\\b(?:(?:${DAYS}),\\s+)?(?:0[1-9]|[1-2]?[\\d]|3[01])\\s+(?:${MONTHS})\\s+(?:19[\\d]{2}|[2-9][\\d]{3})\\s+(?:2[0-3]|[0-1][\\d]):(?:[0-5][\\d])(?::(?:60|[0-5][\\d]))?\\s+(?:[-\\+][\\d]{2}[0-5][\\d]|${ZONE})`,
      },
      { possible: all(DATETIME), source: "datetime[^\\n]datetime\\([^\\n]*?\\)" },
    ],
  },
  {
    name: "duration",
    alternatives: [{ possible: all(DIGIT, LETTER_S), source: "\\b\\d+ms|\\d+(?:\\.\\d+)?s\\b" }],
  },
  {
    name: "swift_txn_id",
    alternatives: [
      {
        possible: all(TX, HEX12),
        source: "\\btx[0-9a-f]{21}-[0-9a-f]{10}\\S*",
      },
    ],
  },
  {
    name: "hex",
    alternatives: [
      {
        possible: all(HEX_PREFIX),
        source: "\\b0[xX][0-9a-fA-F]+\\b",
      },
      {
        // 4-6 digits need a digit and a letter among them; longer runs need 8 digits.
        possible: any(MIXED4, HEX8),
        source:
          "(?:\\b|(?<!\\w)-)(?:(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{4,6}|(?=[A-F]*[0-9])(?=[0-9]*[A-F])[0-9A-F]{4,6}|[0-9a-f]{8,128}|[0-9A-F]{8,128})\\b",
      },
    ],
  },
  {
    name: "git_sha",
    alternatives: [{ possible: all(MIXED7), source: "\\b(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{7}\\b" }],
  },
  {
    name: "float",
    alternatives: [{ possible: all(DOT, DIGIT), source: "-\\d+\\.\\d+\\b|\\b\\d+\\.\\d+\\b" }],
  },
  { name: "int", alternatives: [{ possible: all(DIGIT), source: "(?:\\b|(?<!\\w)-)\\d{1,7}\\b" }] },
  {
    name: "quoted_str",
    alternatives: [{ possible: all(EQUALS), source: "(?<==)(?:'[^']+'|\"[^\"]+\")" }],
  },
  { name: "bool", alternatives: [{ possible: all(EQUALS), source: "(?<==)(?:True|true|False|false)" }] },
];

const ALTERNATIVES: ReadonlyArray<Alternative> = PATTERNS.flatMap((p) =>
  p.alternatives.map((a) => ({ name: p.name, ...a })),
);
// The replacer maps capture groups to alternatives by position: none may add a group.
for (const alternative of ALTERNATIVES) {
  if (new RegExp(`${alternative.source}|`).exec("")!.length !== 1) {
    throw new Error(`parameterization pattern ${alternative.name} must not capture`);
  }
}
const REPLACERS: ReadonlyMap<string, (value: string) => string> = new Map(
  PATTERNS.flatMap((p) => (p.replace ? [[p.name, p.replace] as const] : [])),
);

/** A combined regex of some alternatives: capture group i + 1 is `names[i]`. */
interface Combined {
  readonly regex: RegExp;
  readonly names: ReadonlyArray<string>;
}

// Each alternative is one plain capture group (their sources have none of their own), so the
// replacer finds the alternative by position without V8 building a named-groups object.
// Bounded: a flood of unusual messages recompiles regexes, it does not grow the heap.
const COMBINED_CACHE_LIMIT = 128;
const combinedBySource = new Map<string, Combined>();
const combinedByFeatures = new Map<number, Combined>();

function combinedFor(features: number): Combined {
  let combined = combinedByFeatures.get(features);
  if (combined !== undefined) return combined;
  const chosen = ALTERNATIVES.filter((a) => a.possible(features));
  const source = chosen.length > 0 ? chosen.map((a) => `(${a.source})`).join("|") : "(?!)";
  combined = combinedBySource.get(source);
  if (combined === undefined) {
    combined = { regex: new RegExp(source, "g"), names: chosen.map((a) => a.name) };
    if (combinedBySource.size >= COMBINED_CACHE_LIMIT) combinedBySource.clear();
    combinedBySource.set(source, combined);
  }
  if (combinedByFeatures.size >= COMBINED_CACHE_LIMIT) combinedByFeatures.clear();
  combinedByFeatures.set(features, combined);
  return combined;
}

const SINGLE: ReadonlyArray<Combined> = PATTERNS.map((p) => ({
  regex: new RegExp(`(${p.alternatives.map((a) => a.source).join("|")})`, "g"),
  names: [p.name],
}));

// A cheap pre-check: every pattern needs an ASCII digit, `@`, `:`, `=`, a dot or a run of 8
// hex letters (digit-free hex ids), so plain words skip the profile and the regex.
const MAY_MATCH = /[0-9@:=.]|[a-fA-F]{8}/;

/** Replaces the matches of a combined regex; reports whether any candidate was declined. */
function substitute(input: string, combined: Combined): { output: string; declined: boolean } {
  const names = combined.names;
  let declined = false;
  const output = input.replace(combined.regex, function replacer(match: string): string {
    // arguments: match, one capture per alternative, offset, input.
    for (let i = 0; i < names.length; i++) {
      // biome-ignore lint/complexity/noArguments: avoids a rest array per match
      if (arguments[i + 1] === undefined) continue;
      const name = names[i]!;
      const replace = REPLACERS.get(name);
      const replacement = replace ? replace(match) : `<${name}>`;
      if (replacement === match) declined = true;
      return replacement;
    }
    return match;
  });
  return { output, declined };
}

/** Replaces event-specific values in `input` with placeholders, as Sentry groups messages. */
export function parameterize(input: string): string {
  if (!MAY_MATCH.test(input)) return input;
  const first = substitute(input, combinedFor(featuresOf(input)));
  if (!first.declined) return first.output;
  let output = input;
  for (const single of SINGLE) output = substitute(output, single).output;
  return output;
}

/**
 * Sentry's `normalize_message_for_grouping`: keep the first two non-empty lines (adding
 * "..." when anything was cut), then parameterize.
 */
export function normalizeMessageForGrouping(message: string): string {
  let trimmed = message;
  if (LINE_BREAK.test(message) || message.trim() === "") {
    const kept: string[] = [];
    for (const line of splitLines(message)) {
      if (line.trim() === "") continue;
      kept.push(line);
      if (kept.length === 2) break;
    }
    trimmed = kept.join("\n");
  }
  if (trimmed !== message) trimmed += "...";
  return parameterize(trimmed);
}

// Python's str.splitlines() boundaries.
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python splits lines at \x1c-\x1e
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

function splitLines(text: string): string[] {
  const lines = text.split(LINE_BREAK);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
