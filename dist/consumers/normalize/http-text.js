// consumers/normalize/http-text.ts
function normalizeHeaderName(name) {
  let out = "";
  let upper = true;
  for (const char of name) {
    out += upper ? char.toUpperCase() : char;
    upper = char === "-";
  }
  return out;
}
function parseQueryString(text) {
  const source = text.startsWith("?") ? text.slice(1) : text;
  const out = [];
  for (const [key, value] of new URLSearchParams(source)) out.push([key, value]);
  return out;
}
function percentDecodeStrict(text) {
  if (!text.includes("%")) return text;
  const bytes = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "%" && i + 2 < text.length && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    const code = text.codePointAt(i) ?? 0;
    if (code > 65535) i++;
    for (const byte of encoder.encode(String.fromCodePoint(code))) bytes.push(byte);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return void 0;
  }
}
function parseCookieHeader(text) {
  const pairs = [];
  const errors = [];
  for (const part of text.split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      errors.push("the cookie is missing a name/value pair");
      continue;
    }
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === "") {
      errors.push("the cookie's name is empty");
      continue;
    }
    const decodedName = percentDecodeStrict(name);
    const decodedValue = percentDecodeStrict(value);
    if (decodedName === void 0 || decodedValue === void 0) {
      errors.push("the cookie is not valid UTF-8");
      continue;
    }
    pairs.push([decodedName, decodedValue]);
  }
  return { pairs, errors };
}
export {
  normalizeHeaderName,
  parseCookieHeader,
  parseQueryString
};
//# sourceMappingURL=http-text.js.map
