#!/usr/bin/env node
// The `ingest` command runs the compiled JavaScript in dist/, which saves every process the
// ~65 MB of RSS and the module-loading CPU of a TypeScript loader (tsx and esbuild).
//
// dist/ is used only when it was built from exactly the sources on disk now (its
// fingerprint: every source file's path, size and mtime). `npm ci` / `npm install` build it
// through the `prepare` script; after an edit, the next `ingest` rebuilds it (esbuild, about
// a second) before running, so edited code always wins. Where dist/ cannot be rebuilt (a
// read-only checkout, a compile error), the sources run through tsx instead, with a notice.
import { build, readFingerprint, sourceFingerprint } from "../scripts/build.mjs";

/** Errors a rebuild may meet that running the sources through tsx gets around. */
const UNBUILDABLE = new Set(["EACCES", "EPERM", "EROFS", "ENOSPC", "ERR_MODULE_NOT_FOUND"]);

/** Rebuilds dist/; the reason it could not, or undefined when it did. */
async function rebuild() {
  try {
    const { ms } = await build({ logLevel: "silent" });
    if (process.stderr.isTTY)
      process.stderr.write(`ingest: sources changed, rebuilt dist/ in ${Math.round(ms)} ms\n`);
    return undefined;
  } catch (error) {
    // esbuild's failures (a syntax error, an unwritable dist/) carry their messages in
    // `errors`; a syntax error is reported again, in full, by tsx.
    if (Array.isArray(error.errors)) {
      const [first] = error.errors;
      const where = first?.location ? `${first.location.file}:${first.location.line}: ` : "";
      return `${where}${first?.text ?? "esbuild failed"}`;
    }
    if (UNBUILDABLE.has(error.code)) return error.message;
    throw error;
  }
}

const fresh = readFingerprint() === sourceFingerprint();
const unbuilt = fresh ? undefined : await rebuild();
if (unbuilt === undefined) {
  await import("../dist/cli/main.js");
} else {
  process.stderr.write(
    `ingest: cannot build dist/ (${unbuilt}); running the TypeScript sources through tsx\n`,
  );
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/main.ts");
}
