// P1: Sentry's Python side has sent JSON with bare `NaN` and `Infinity` (Python's json module
// writes them). Relay's binding repairs the text before parsing (the `json-forensics` crate);
// the values become 0 (`-Infinity` becomes -0.0).

const BARE_TOKENS: readonly [string, string][] = [
  ["-Infinity", "-0.0"],
  ["Infinity", "0"],
  ["NaN", "0"],
];

/** Rewrites bare NaN/Infinity outside string literals. */
export function repairLegacyPythonJson(text: string): string {
  let out = "";
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      continue;
    }
    if (char !== "N" && char !== "I" && char !== "-") continue;
    for (const [token, replacement] of BARE_TOKENS) {
      if (text.startsWith(token, i)) {
        out += text.slice(start, i) + replacement;
        i += token.length - 1;
        start = i + 1;
        break;
      }
    }
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Parses event text the way Relay's Python binding does (`raw_event`). */
export function parseLegacyPythonJson(text: string): unknown {
  return JSON.parse(repairLegacyPythonJson(text)) as unknown;
}
