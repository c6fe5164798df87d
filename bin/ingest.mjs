#!/usr/bin/env node
// The `ingest` command. It runs the compiled JavaScript in dist/ (built by `npm ci` /
// `npm install` through the `prepare` script, or `npm run build`) when that build was made
// from exactly the sources on disk now; otherwise it runs the TypeScript sources through
// tsx, so an edited file always wins over a stale build. dist/ saves each process the
// ~65 MB of RSS and the module-loading CPU of tsx and esbuild.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DIST, FINGERPRINT_FILE, sourceFingerprint } from "../scripts/build.mjs";

function builtFingerprint() {
  try {
    return readFileSync(join(DIST, FINGERPRINT_FILE), "utf8").trim();
  } catch (error) {
    if (error.code === "ENOENT") return undefined;
    throw error;
  }
}

const built = builtFingerprint();
if (built !== undefined && built === sourceFingerprint()) {
  await import("../dist/cli/main.js");
} else {
  process.stderr.write(
    built === undefined
      ? "ingest: no compiled build in dist/, running the TypeScript sources through tsx (npm run build compiles them)\n"
      : "ingest: sources changed since the last build, running them through tsx (npm run build compiles them)\n",
  );
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/main.ts");
}
