#!/usr/bin/env node
// `npm run build` (also run by `npm ci` / `npm install` through the `prepare` script):
// compiles the production sources to plain ESM JavaScript in dist/, one output file per
// source file, so `ingest` runs without a TypeScript loader in the process (tsx and
// esbuild cost a consumer about 65 MB of RSS and a share of its CPU).
//
// The layout under dist/ mirrors the repository, so paths built from import.meta.url
// (schemas/manifest.json, grouping rules, worker task modules) resolve the same way from
// dist/ as from the sources; the data files they name are copied next to the code.
//
// bin/ingest.mjs runs dist/ only when dist/.fingerprint matches sourceFingerprint() now:
// any edited, added, removed or touched source file sends it back to the sources (tsx).
import { createHash } from "node:crypto";
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = join(ROOT, "dist");
export const FINGERPRINT_FILE = ".fingerprint";

/** What the CLI imports: tests, benchmarks and scripts stay TypeScript-only. */
const SOURCE_DIRS = [
  "cli",
  "config",
  "consumers",
  "dev",
  "observability",
  "pipelines",
  "producers",
  "replay",
  "schemas",
];
/** Files whose change makes dist/ wrong although no source changed. */
const BUILD_INPUTS = ["scripts/build.mjs", "package.json"];
/** Not needed at run time: never copied. */
const SKIPPED = /\.(md|d\.ts)$/;

/**
 * Loader shims of the sources, replaced in dist/ by their loader-free equivalent: worker
 * threads of the sources register tsx before loading their TypeScript entry.
 */
const REPLACED = new Map([
  [
    "pipelines/workers/bootstrap.mjs",
    '// Written by scripts/build.mjs: compiled workers need no TypeScript loader.\nexport { default } from "./entry.js";\n',
  ],
]);

function walk(dir, visit) {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      visit(path, true);
      walk(path, visit);
    } else if (entry.isFile()) visit(path, false);
  }
}

/** Every file and folder dist/ is built from, relative to the repository root, sorted. */
export function sourceEntries() {
  const entries = [];
  for (const dir of SOURCE_DIRS) {
    entries.push({ path: dir, directory: true });
    walk(dir, (path, directory) => entries.push({ path, directory }));
  }
  for (const path of BUILD_INPUTS) entries.push({ path, directory: false });
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A hash of every source file's path, size and mtime, and of every folder's mtime (a
 * removed or renamed file changes its folder's mtime). Only stat calls: a few
 * milliseconds, paid by every `ingest` start. Any difference at all, an older mtime
 * included (a restored file), counts as a change.
 */
export function sourceFingerprint() {
  const hash = createHash("sha256");
  for (const { path, directory } of sourceEntries()) {
    const stat = statSync(join(ROOT, path));
    hash.update(`${path}\0${directory ? "" : stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest("hex");
}

/** The fingerprint dist/ was built from; undefined when there is no build. */
export function readFingerprint() {
  try {
    return readFileSync(join(DIST, FINGERPRINT_FILE), "utf8").trim();
  } catch (error) {
    if (error.code === "ENOENT") return undefined;
    throw error;
  }
}

function rewriteTsSpecifier(specifier) {
  return specifier.endsWith(".ts") ? `${specifier.slice(0, -3)}.js` : specifier;
}

/**
 * Imports stay per file: every relative import is marked external with its `.ts` rewritten
 * to `.js`, so esbuild emits one module per source and bundles nothing.
 */
const perFilePlugin = {
  name: "per-file",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      return { path: rewriteTsSpecifier(args.path), external: true };
    });
  },
};

/**
 * Module URLs handed to worker threads are written `new URL("./x.ts", import.meta.url)` in
 * the sources; esbuild leaves them alone, so the build rewrites them like imports.
 */
const MODULE_URL = /new URL\((["'])(\.\.?\/[^"']*)\.ts\1,\s*import\.meta\.url\)/g;

async function compile(esbuild, entryPoints, outdir, logLevel) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir,
    outbase: ".",
    bundle: true,
    plugins: [
      perFilePlugin,
      {
        name: "module-urls",
        setup(build) {
          build.onLoad({ filter: /\.ts$/ }, async (args) => {
            const text = await readFile(args.path, "utf8");
            const contents = text.replace(
              MODULE_URL,
              (_, q, path) => `new URL(${q}${path}.js${q}, import.meta.url)`,
            );
            // Any other spelling (a template, a variable) would load a .ts file from dist/.
            const left = /new URL\([^)]*\.ts\b/.exec(contents);
            if (left !== null) {
              return { errors: [{ text: `a module URL the build cannot rewrite to .js: ${left[0]}` }] };
            }
            return { contents, loader: "ts" };
          });
        },
      },
    ],
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    logLevel,
  });
  if (result.errors.length > 0) throw new Error(`esbuild failed with ${result.errors.length} errors`);
}

/**
 * Builds dist/ and returns what it built. `logLevel: "silent"` leaves reporting compile
 * errors to the caller (the launcher falls back to tsx, which reports them itself).
 */
export async function build({ logLevel = "warning" } = {}) {
  const started = performance.now();
  // Taken before reading any source: an edit made during the build leaves dist/ stale.
  const fingerprint = sourceFingerprint();
  const code = [];
  const copied = [];
  for (const { path, directory } of sourceEntries()) {
    if (directory || BUILD_INPUTS.includes(path) || SKIPPED.test(path)) continue;
    if (path.endsWith(".ts")) code.push(path);
    else copied.push(path);
  }
  const next = `${DIST}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  const esbuild = await import("esbuild");
  try {
    await compile(esbuild, code, next, logLevel);
  } catch (error) {
    rmSync(next, { recursive: true, force: true });
    throw error;
  } finally {
    // The esbuild service is a child process: left running, it would sit beside a
    // consumer that rebuilt dist/ at start for as long as the consumer runs.
    await esbuild.stop();
  }
  for (const path of copied) {
    const target = join(next, path);
    mkdirSync(dirname(target), { recursive: true });
    const replacement = REPLACED.get(path);
    if (replacement === undefined) copyFileSync(join(ROOT, path), target);
    else writeFileSync(target, replacement);
  }
  writeFileSync(join(next, FINGERPRINT_FILE), `${fingerprint}\n`);
  if (readFingerprint() === fingerprint) {
    // Launchers started together after an edit each build; the first one's dist/ stays, so
    // a process already running it never sees dist/ missing between two renames.
    rmSync(next, { recursive: true, force: true });
    return { fingerprint, files: code.length, copied: copied.length, ms: performance.now() - started };
  }
  // Swapped in whole with two renames: a process starting meanwhile (or a running one
  // loading a worker module late) sees the old dist/ or the new one, never a half-built one.
  const old = `${DIST}.old-${process.pid}`;
  try {
    renameSync(DIST, old);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  try {
    renameSync(next, DIST);
  } catch (error) {
    // Another process's build landed between the two renames: from the same sources.
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    rmSync(next, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  return { fingerprint, files: code.length, copied: copied.length, ms: performance.now() - started };
}

if (process.argv[1] !== undefined && relative(process.argv[1], fileURLToPath(import.meta.url)) === "") {
  const { files, copied, ms } = await build().catch((error) => {
    // esbuild printed its errors already (file, line, excerpt): no stack trace on top.
    if (!Array.isArray(error.errors)) throw error;
    process.exit(1);
  });
  console.error(
    `build: ${files} modules and ${copied} data files to ${relative(ROOT, DIST)}/ in ${Math.round(ms)} ms`,
  );
}
