// The text formats inside HTTP requests: query strings, `Cookie` headers and header names, read
// the way Relay's crates (`form_urlencoded`, `cookie`) read them.

/** Header names: first letter and every letter after `-` upper-cased, the rest left alone. */
export function normalizeHeaderName(name: string): string {
  let out = "";
  let upper = true;
  for (const char of name) {
    out += upper ? char.toUpperCase() : char;
    upper = char === "-";
  }
  return out;
}

/** `form_urlencoded::parse`: `+` is a space, `%XX` decoded, invalid UTF-8 replaced. */
export function parseQueryString(text: string): unknown[] {
  const source = text.startsWith("?") ? text.slice(1) : text;
  const out: unknown[] = [];
  for (const [key, value] of new URLSearchParams(source)) out.push([key, value]);
  return out;
}

function percentDecodeStrict(text: string): string | undefined {
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === "%" && i + 2 < text.length && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    const code = text.codePointAt(i) ?? 0;
    if (code > 0xffff) i++;
    for (const byte of encoder.encode(String.fromCodePoint(code))) bytes.push(byte);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** Cookie header text: `;`-separated `name=value` pairs, percent-decoded (the `cookie` crate). */
export function parseCookieHeader(text: string): { pairs: unknown[]; errors: string[] } {
  const pairs: unknown[] = [];
  const errors: string[] = [];
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
    if (decodedName === undefined || decodedValue === undefined) {
      errors.push("the cookie is not valid UTF-8");
      continue;
    }
    pairs.push([decodedName, decodedValue]);
  }
  return { pairs, errors };
}
