#!/usr/bin/env node
// The `ingest` command runs the compiled JavaScript in dist/, which saves every process the
// ~65 MB of RSS and the module-loading CPU of a TypeScript loader (tsx and esbuild).
//
// dist/ is used only when it was built from exactly the sources on disk now (its
// fingerprint: every source file's path, size and mtime). `npm ci` / `npm install` build it
// through the `prepare` script; after an edit, the next `ingest` rebuilds it (esbuild, about
// a second) before running, so edited code always wins. Where dist/ cannot be rebuilt (a
// read-only checkout, a compile error), the sources run through tsx instead, with a notice.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build, DIST, FINGERPRINT_FILE, sourceFingerprint } from "../scripts/build.mjs";

/** Errors a rebuild may meet that running the sources through tsx gets around. */
const UNBUILDABLE = new Set(["EACCES", "EPERM", "EROFS", "ENOSPC", "ERR_MODULE_NOT_FOUND"]);

function builtFingerprint() {
  try {
    return readFileSync(join(DIST, FINGERPRINT_FILE), "utf8").trim();
  } catch (error) {
    if (error.code === "ENOENT") return undefined;
    throw error;
  }
}

/** Rebuilds dist/; the reason it could not, or undefined when it did. */
async function rebuild() {
  try {
    const { ms } = await build({ logLevel: "silent" });
    if (process.stderr.isTTY)
      process.stderr.write(`ingest: sources changed, rebuilt dist/ in ${Math.round(ms)} ms\n`);
    return undefined;
  } catch (error) {
    // esbuild's compile errors carry their messages in `errors`; tsx reports them again.
    if (Array.isArray(error.errors)) return `${error.errors.length} compile error(s)`;
    if (UNBUILDABLE.has(error.code)) return error.message;
    throw error;
  }
}

const fresh = builtFingerprint() === sourceFingerprint();
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
