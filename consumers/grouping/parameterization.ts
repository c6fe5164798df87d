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

interface Pattern {
  readonly name: string;
  readonly source: string;
  /** A necessary condition on the whole input: patterns that cannot match are left out. */
  readonly possible: (input: string) => boolean;
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

const DIGIT = /[0-9]/;
const HAS_DIGIT = (s: string): boolean => DIGIT.test(s);
const HEX_LETTERS = /[a-fA-F]{8}/;

const PATTERNS: ReadonlyArray<Pattern> = [
  {
    name: "email",
    possible: (s) => s.includes("@"),
    source: "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*",
  },
  {
    name: "url",
    possible: (s) => s.includes("://"),
    source: "\\b(?:wss?|https?|ftp)://[^\\s/$.?#][^\\n][^\\s]*",
  },
  {
    name: "hostname",
    possible: (s) => s.includes("."),
    source: `\\b(?:[a-zA-Z0-9\\-]{1,63}\\.)+?(?:(?:${TLDS_UPPER})|(?:${TLDS_UPPER.toLowerCase()}))\\b`,
  },
  {
    name: "ip",
    possible: (s) => s.includes(":") || s.includes("."),
    source:
      `(?<![0-9a-zA-Z_])(?:` +
      `(?:${H}:){7}${H}|` +
      `(?:${H}(?::${H}){0,6})?::(?:(?:${H}:){0,6}(?:${V4}|${H}))?|` +
      `fe80:(?::[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}` +
      `)(?:/\\d{1,3})?(?![0-9a-zA-Z])` +
      `|\\b${V4}\\b`,
    replace: replaceIp,
  },
  {
    name: "traceparent",
    possible: (s) => s.includes("-"),
    source: "\\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\\b|\\b1-[0-9a-f]{8}-[0-9a-f]{24}\\b",
  },
  {
    name: "uuid",
    possible: (s) => s.includes("-"),
    source: "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b",
  },
  { name: "sha1", possible: (s) => s.length >= 40, source: "\\b[0-9a-fA-F]{40}\\b" },
  { name: "md5", possible: (s) => s.length >= 32, source: "\\b[0-9a-fA-F]{32}\\b" },
  {
    name: "date",
    possible: (s) => HAS_DIGIT(s) || s.includes("datetime"),
    source: [
      // RFC822, RFC1123, RFC1123Z
      `(?:${DAYS}),\\s\\d{1,2}\\s(?:${MONTHS})\\s\\d{2,4}\\s\\d{1,2}:\\d{1,2}(?::\\d{1,2})?\\s(?:[-\\+][\\d]{2}[0-5][\\d]|${ZONE})`,
      // "Mon Jan 02, 1999", "Jan 02, 1999"
      `(?:(?:${DAYS})\\s)?(?:${MONTHS})\\s[0-3]\\d,\\s\\d{2,4}`,
      // RFC850
      `(?:Sun|Sunday|Mon|Monday|Tue|Tuesday|Wed|Wednesday|Thu|Thursday|Fri|Friday|Sat|Saturday),\\s\\d{2}-(?:${MONTHS})-\\d{2}\\s\\d{2}:\\d{2}:\\d{2}\\s${ZONE}`,
      // RFC3339, RFC3339Nano
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z?(?:[+-]?\\d{2}:\\d{2})?",
      // JavaScript Date.toString()
      `(?:${DAYS})\\s(?:${MONTHS})\\s\\d{2}\\s\\d{4}\\s\\d{2}:\\d{2}:\\d{2}\\sGMT[+-]\\d{4}(?:\\s\\([^)]+\\))?`,
      // datetimes with a zone offset come before plain ones so the offset is not an int
      "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d\\.\\d+(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
      "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
      "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
      "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d\\.\\d+",
      "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d",
      "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d",
      // kitchen 12-hour, then 24-hour
      "(?<!\\d)(?:[1-9]|1[0-2]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:])(?:\\s?[aApP][Mm])?",
      "(?<!\\d)(?:0?\\d|1\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:])",
      // date, time
      "\\d{4}-[01]\\d-[0-3]\\d",
      "[0-2]\\d:[0-5]\\d:[0-5]\\d",
      // old formats
      `\\b(?:(?:${DAYS})\\s+)?(?:${MONTHS})\\s+[\\d]{1,2}\\s+[\\d]{2}:[\\d]{2}:[\\d]{2}\\s+[\\d]{4}`,
      `\\b(?:(?:${DAYS}),\\s+)?(?:0[1-9]|[1-2]?[\\d]|3[01])\\s+(?:${MONTHS})\\s+(?:19[\\d]{2}|[2-9][\\d]{3})\\s+(?:2[0-3]|[0-1][\\d]):(?:[0-5][\\d])(?::(?:60|[0-5][\\d]))?\\s+(?:[-\\+][\\d]{2}[0-5][\\d]|${ZONE})`,
      "datetime[^\\n]datetime\\([^\\n]*?\\)",
    ].join("|"),
  },
  { name: "duration", possible: HAS_DIGIT, source: "\\b\\d+ms|\\d+(?:\\.\\d+)?s\\b" },
  { name: "swift_txn_id", possible: (s) => s.includes("tx"), source: "\\btx[0-9a-f]{21}-[0-9a-f]{10}\\S*" },
  {
    name: "hex",
    possible: (s) => HAS_DIGIT(s) || HEX_LETTERS.test(s),
    source:
      "\\b0[xX][0-9a-fA-F]+\\b|(?:\\b|(?<!\\w)-)(?:(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{4,6}|(?=[A-F]*[0-9])(?=[0-9]*[A-F])[0-9A-F]{4,6}|[0-9a-f]{8,128}|[0-9A-F]{8,128})\\b",
  },
  { name: "git_sha", possible: HAS_DIGIT, source: "\\b(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{7}\\b" },
  { name: "float", possible: (s) => s.includes("."), source: "-\\d+\\.\\d+\\b|\\b\\d+\\.\\d+\\b" },
  { name: "int", possible: HAS_DIGIT, source: "(?:\\b|(?<!\\w)-)\\d{1,7}\\b" },
  { name: "quoted_str", possible: (s) => s.includes("="), source: "(?<==)(?:'[^']+'|\"[^\"]+\")" },
  { name: "bool", possible: (s) => s.includes("="), source: "(?<==)(?:True|true|False|false)" },
];

const NAMES: ReadonlyArray<string> = PATTERNS.map((p) => p.name);
const REPLACERS: ReadonlyMap<string, (value: string) => string> = new Map(
  PATTERNS.flatMap((p) => (p.replace ? [[p.name, p.replace] as const] : [])),
);
// Combined regexes per subset of possible patterns: dropping alternatives that cannot match
// anywhere in the input does not change what the others match, and saves most of the work.
const combinedCache = new Map<number, RegExp>();

function combinedFor(input: string): RegExp {
  let mask = 0;
  PATTERNS.forEach((p, i) => {
    if (p.possible(input)) mask |= 1 << i;
  });
  let regex = combinedCache.get(mask);
  if (regex === undefined) {
    const parts = PATTERNS.filter((_, i) => mask & (1 << i)).map((p) => `(?<${p.name}>${p.source})`);
    regex = new RegExp(parts.length > 0 ? parts.join("|") : "(?!)", "g");
    combinedCache.set(mask, regex);
  }
  return regex;
}
const SINGLE: ReadonlyArray<RegExp> = PATTERNS.map((p) => new RegExp(`(?<${p.name}>${p.source})`, "g"));

// A cheap pre-check: every pattern needs an ASCII digit, `@`, `:`, `=`, a dot or a run of 8
// hex letters (digit-free hex ids), so plain words skip the big regex.
const MAY_MATCH = /[0-9@:=.]|[a-fA-F]{8}/;

/** Replaces event-specific values in `input` with placeholders, as Sentry groups messages. */
export function parameterize(input: string): string {
  if (!MAY_MATCH.test(input)) return input;
  let declined = false;
  const handle = (match: string, ...rest: unknown[]): string => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>;
    for (const name of NAMES) {
      if (groups[name] === undefined) continue; // absent from this subset or not matched
      const replace = REPLACERS.get(name);
      const replacement = replace ? replace(match) : `<${name}>`;
      if (replacement === match) declined = true;
      return replacement;
    }
    return match;
  };
  const combined = input.replace(combinedFor(input), handle);
  if (!declined) return combined;
  let output = input;
  for (const regex of SINGLE) output = output.replace(regex, handle);
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
