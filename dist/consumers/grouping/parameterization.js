// consumers/grouping/parameterization.ts
import { isIPv4, isIPv6 } from "node:net";
var MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
var DAYS = "Sun|Mon|Tue|Wed|Thu|Fri|Sat";
var ZONE = "(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z])";
var V4_OCTET = "(?:25[0-5]|(?:2[0-4]|1{0,1}[0-9]){0,1}[0-9])";
var V4 = `(?:${V4_OCTET}\\.){3}${V4_OCTET}`;
var H = "[0-9a-fA-F]{1,4}";
var TLDS_UPPER = "COM|NET|ORG|JP|DE|UK|FR|BR|IT|RU|ES|ME|GOV|PL|CA|AU|CN|CO|IN|NL|EDU|INFO|EU|CH|ID|AT|KR|CZ|MX|BE|TV|SE|TR|TW|AL|UA|IR|VN|CL|SK|LY|CC|TO|NO|FI|US|PT|DK|AR|HU|TK|GR|IL|NEWS|RO|MY|BIZ|IE|ZA|NZ|SG|EE|TH|IO|XYZ|PE|BG|HK|RS|LT|LINK|PH|CLUB|SI|SITE|MOBI|BY|CAT|WIKI|LA|GA|XXX|CF|HR|NG|JOBS|ONLINE|KZ|UG|GQ|AE|IS|LV|PRO|FM|TIPS|MS|SA|APP";
var AT = 1 << 0;
var URL_SCHEME = 1 << 1;
var DOT = 1 << 2;
var COLON = 1 << 3;
var DASH = 1 << 4;
var COMMA = 1 << 5;
var DIGIT = 1 << 6;
var DIGITS4 = 1 << 7;
var DIGITS12 = 1 << 8;
var MIXED4 = 1 << 9;
var MIXED7 = 1 << 10;
var HEX8 = 1 << 11;
var HEX12 = 1 << 12;
var HEX32 = 1 << 13;
var EQUALS = 1 << 14;
var LETTER_S = 1 << 15;
var GMT = 1 << 16;
var DATETIME = 1 << 17;
var HEX_PREFIX = 1 << 18;
var TX = 1 << 19;
function hexRunFeatures(length, mixed) {
  let bits = 0;
  if (mixed && length >= 4) bits |= MIXED4;
  if (mixed && length >= 7) bits |= MIXED7;
  if (length >= 8) bits |= HEX8;
  if (length >= 12) bits |= HEX12;
  if (length >= 32) bits |= HEX32;
  return bits;
}
function featuresOf(text) {
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
    if (c >= 97 && c <= 102 || c >= 65 && c <= 70) {
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
var all = (...bits) => (features) => bits.every((bit) => (features & bit) !== 0);
var any = (...bits) => (features) => bits.some((bit) => (features & bit) !== 0);
function replaceIp(value) {
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
var PATTERNS = [
  {
    name: "email",
    alternatives: [
      { possible: all(AT), source: "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*" }
    ]
  },
  {
    name: "url",
    alternatives: [
      {
        possible: all(URL_SCHEME),
        source: "\\b(?:wss?|https?|ftp)://[^\\s/$.?#][^\\n][^\\s]*"
      }
    ]
  },
  {
    name: "hostname",
    alternatives: [
      {
        possible: all(DOT),
        source: `\\b(?:[a-zA-Z0-9\\-]{1,63}\\.)+?(?:(?:${TLDS_UPPER})|(?:${TLDS_UPPER.toLowerCase()}))\\b`
      }
    ]
  },
  {
    name: "ip",
    alternatives: [
      {
        possible: all(COLON),
        source: `(?<![0-9a-zA-Z_])(?:(?:${H}:){7}${H}|(?:${H}(?::${H}){0,6})?::(?:(?:${H}:){0,6}(?:${V4}|${H}))?|fe80:(?::[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,})(?:/\\d{1,3})?(?![0-9a-zA-Z])`
      },
      { possible: all(DOT, DIGIT), source: `\\b${V4}\\b` }
    ],
    replace: replaceIp
  },
  {
    name: "traceparent",
    alternatives: [
      {
        possible: all(DASH, HEX12),
        source: "\\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\\b|\\b1-[0-9a-f]{8}-[0-9a-f]{24}\\b"
      }
    ]
  },
  {
    name: "uuid",
    alternatives: [
      {
        possible: all(DASH, HEX12),
        source: "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b"
      }
    ]
  },
  { name: "sha1", alternatives: [{ possible: all(HEX32), source: "\\b[0-9a-fA-F]{40}\\b" }] },
  { name: "md5", alternatives: [{ possible: all(HEX32), source: "\\b[0-9a-fA-F]{32}\\b" }] },
  {
    name: "date",
    alternatives: [
      // RFC822, RFC1123, RFC1123Z
      {
        possible: all(COMMA, COLON),
        source: `(?:${DAYS}),\\s\\d{1,2}\\s(?:${MONTHS})\\s\\d{2,4}\\s\\d{1,2}:\\d{1,2}(?::\\d{1,2})?\\s(?:[-\\+][\\d]{2}[0-5][\\d]|${ZONE})`
      },
      // "Mon Jan 02, 1999", "Jan 02, 1999"
      {
        possible: all(COMMA, DIGIT),
        source: `(?:(?:${DAYS})\\s)?(?:${MONTHS})\\s[0-3]\\d,\\s\\d{2,4}`
      },
      // RFC850
      {
        possible: all(COMMA, DASH, COLON),
        source: `(?:Sun|Sunday|Mon|Monday|Tue|Tuesday|Wed|Wednesday|Thu|Thursday|Fri|Friday|Sat|Saturday),\\s\\d{2}-(?:${MONTHS})-\\d{2}\\s\\d{2}:\\d{2}:\\d{2}\\s${ZONE}`
      },
      // RFC3339, RFC3339Nano
      {
        possible: all(DASH, COLON, DIGITS4),
        source: "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z?(?:[+-]?\\d{2}:\\d{2})?"
      },
      // JavaScript Date.toString()
      {
        possible: all(GMT),
        source: `(?:${DAYS})\\s(?:${MONTHS})\\s\\d{2}\\s\\d{4}\\s\\d{2}:\\d{2}:\\d{2}\\sGMT[+-]\\d{4}(?:\\s\\([^)]+\\))?`
      },
      // datetimes with a zone offset come before plain ones so the offset is not an int;
      // every one of them has at least 12 digits, four of them in a row
      ...[
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d\\.\\d+(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d\\.\\d+",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d",
        "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d"
      ].map((source) => ({ possible: all(DIGITS12), source })),
      // kitchen 12-hour, then 24-hour
      {
        possible: all(COLON),
        source: "(?<!\\d)(?:[1-9]|1[0-2]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:])(?:\\s?[aApP][Mm])?"
      },
      { possible: all(COLON), source: "(?<!\\d)(?:0?\\d|1\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:])" },
      // date, time
      { possible: all(DASH, DIGITS4), source: "\\d{4}-[01]\\d-[0-3]\\d" },
      { possible: all(COLON), source: "[0-2]\\d:[0-5]\\d:[0-5]\\d" },
      // old formats
      {
        possible: all(COLON),
        source: `\\b(?:(?:${DAYS})\\s+)?(?:${MONTHS})\\s+[\\d]{1,2}\\s+[\\d]{2}:[\\d]{2}:[\\d]{2}\\s+[\\d]{4}`
      },
      {
        possible: all(COLON, DIGITS4),
        source: `\\b(?:(?:${DAYS}),\\s+)?(?:0[1-9]|[1-2]?[\\d]|3[01])\\s+(?:${MONTHS})\\s+(?:19[\\d]{2}|[2-9][\\d]{3})\\s+(?:2[0-3]|[0-1][\\d]):(?:[0-5][\\d])(?::(?:60|[0-5][\\d]))?\\s+(?:[-\\+][\\d]{2}[0-5][\\d]|${ZONE})`
      },
      { possible: all(DATETIME), source: "datetime[^\\n]datetime\\([^\\n]*?\\)" }
    ]
  },
  {
    name: "duration",
    alternatives: [{ possible: all(DIGIT, LETTER_S), source: "\\b\\d+ms|\\d+(?:\\.\\d+)?s\\b" }]
  },
  {
    name: "swift_txn_id",
    alternatives: [
      {
        possible: all(TX, HEX12),
        source: "\\btx[0-9a-f]{21}-[0-9a-f]{10}\\S*"
      }
    ]
  },
  {
    name: "hex",
    alternatives: [
      {
        possible: all(HEX_PREFIX),
        source: "\\b0[xX][0-9a-fA-F]+\\b"
      },
      {
        // 4-6 digits need a digit and a letter among them; longer runs need 8 digits.
        possible: any(MIXED4, HEX8),
        source: "(?:\\b|(?<!\\w)-)(?:(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{4,6}|(?=[A-F]*[0-9])(?=[0-9]*[A-F])[0-9A-F]{4,6}|[0-9a-f]{8,128}|[0-9A-F]{8,128})\\b"
      }
    ]
  },
  {
    name: "git_sha",
    alternatives: [{ possible: all(MIXED7), source: "\\b(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{7}\\b" }]
  },
  {
    name: "float",
    alternatives: [{ possible: all(DOT, DIGIT), source: "-\\d+\\.\\d+\\b|\\b\\d+\\.\\d+\\b" }]
  },
  { name: "int", alternatives: [{ possible: all(DIGIT), source: "(?:\\b|(?<!\\w)-)\\d{1,7}\\b" }] },
  {
    name: "quoted_str",
    alternatives: [{ possible: all(EQUALS), source: `(?<==)(?:'[^']+'|"[^"]+")` }]
  },
  { name: "bool", alternatives: [{ possible: all(EQUALS), source: "(?<==)(?:True|true|False|false)" }] }
];
var ALTERNATIVES = PATTERNS.flatMap(
  (p) => p.alternatives.map((a) => ({ name: p.name, ...a }))
);
for (const alternative of ALTERNATIVES) {
  if (new RegExp(`${alternative.source}|`).exec("").length !== 1) {
    throw new Error(`parameterization pattern ${alternative.name} must not capture`);
  }
}
var REPLACERS = new Map(
  PATTERNS.flatMap((p) => p.replace ? [[p.name, p.replace]] : [])
);
var COMBINED_CACHE_LIMIT = 128;
var combinedBySource = /* @__PURE__ */ new Map();
var combinedByFeatures = /* @__PURE__ */ new Map();
function combinedFor(features) {
  let combined = combinedByFeatures.get(features);
  if (combined !== void 0) return combined;
  const chosen = ALTERNATIVES.filter((a) => a.possible(features));
  const source = chosen.length > 0 ? chosen.map((a) => `(${a.source})`).join("|") : "(?!)";
  combined = combinedBySource.get(source);
  if (combined === void 0) {
    combined = { regex: new RegExp(source, "g"), names: chosen.map((a) => a.name) };
    if (combinedBySource.size >= COMBINED_CACHE_LIMIT) combinedBySource.clear();
    combinedBySource.set(source, combined);
  }
  if (combinedByFeatures.size >= COMBINED_CACHE_LIMIT) combinedByFeatures.clear();
  combinedByFeatures.set(features, combined);
  return combined;
}
var SINGLE = PATTERNS.map((p) => ({
  regex: new RegExp(`(${p.alternatives.map((a) => a.source).join("|")})`, "g"),
  names: [p.name]
}));
var MAY_MATCH = /[0-9@:=.]|[a-fA-F]{8}/;
function substitute(input, combined) {
  const names = combined.names;
  let declined = false;
  const output = input.replace(combined.regex, function replacer(match) {
    for (let i = 0; i < names.length; i++) {
      if (arguments[i + 1] === void 0) continue;
      const name = names[i];
      const replace = REPLACERS.get(name);
      const replacement = replace ? replace(match) : `<${name}>`;
      if (replacement === match) declined = true;
      return replacement;
    }
    return match;
  });
  return { output, declined };
}
function parameterize(input) {
  if (!MAY_MATCH.test(input)) return input;
  const first = substitute(input, combinedFor(featuresOf(input)));
  if (!first.declined) return first.output;
  let output = input;
  for (const single of SINGLE) output = substitute(output, single).output;
  return output;
}
function normalizeMessageForGrouping(message) {
  let trimmed = message;
  if (LINE_BREAK.test(message) || message.trim() === "") {
    const kept = [];
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
var LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
function splitLines(text) {
  const lines = text.split(LINE_BREAK);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
export {
  normalizeMessageForGrouping,
  parameterize
};
//# sourceMappingURL=parameterization.js.map
