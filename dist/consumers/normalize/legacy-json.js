// consumers/normalize/legacy-json.ts
var BARE_TOKENS = [
  ["-Infinity", "-0.0"],
  ["Infinity", "0"],
  ["NaN", "0"]
];
function repairLegacyPythonJson(text) {
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
function parseLegacyPythonJson(text) {
  return JSON.parse(repairLegacyPythonJson(text));
}
export {
  parseLegacyPythonJson,
  repairLegacyPythonJson
};
//# sourceMappingURL=legacy-json.js.map
