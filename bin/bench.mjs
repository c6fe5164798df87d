#!/usr/bin/env node
// `npm run bench [-- NAME...]`: runs every bench/**/*.bench.ts whose path contains one of
// the NAMEs (all of them without NAMEs), each in its own Node process so one benchmark's
// JIT state, heap and worker threads never colour the next one's figures. Every file is
// also runnable alone: node --import tsx bench/x.bench.ts
//   --list         print the benchmark names and exit
//   --json FILE    also write every figure's JSON line to FILE
import { spawn } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = join(root, "bench");

function parseArgs(argv) {
  const names = [];
  let list = false;
  let jsonFile;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--list") list = true;
    else if (arg === "--json") {
      jsonFile = argv[++i];
      if (!jsonFile) throw new Error("--json needs a file name");
    } else if (arg === "-h" || arg === "--help") {
      console.log("usage: npm run bench [-- [--list] [--json FILE] NAME...]");
      process.exit(0);
    } else names.push(arg);
  }
  return { names, list, jsonFile };
}

function benchFiles() {
  return readdirSync(benchDir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith(".bench.ts"))
    .map((file) => relative(root, join(benchDir, file)))
    .sort();
}

function runOne(file, figures) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: process.env,
    });
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      console.log(line);
      if (line.startsWith("{") && line.includes('"bench"')) {
        try {
          figures.push(JSON.parse(line));
        } catch {
          // Not a figure after all: already printed, nothing to collect.
        }
      }
    });
    child.on("close", (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

const { names, list, jsonFile } = parseArgs(process.argv.slice(2));
const all = benchFiles();
if (list) {
  for (const file of all) console.log(file);
  process.exit(0);
}
const selected = names.length === 0 ? all : all.filter((file) => names.some((name) => file.includes(name)));
if (selected.length === 0) {
  console.error(`no benchmark matches ${names.join(", ")}; there are:\n  ${all.join("\n  ")}`);
  process.exit(2);
}

const figures = [];
const failed = [];
for (const file of selected) {
  console.log(`\n=== ${file}`);
  const started = performance.now();
  const code = await runOne(file, figures);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code !== 0) failed.push(file);
  console.log(`=== ${file}: ${code === 0 ? "done" : `FAILED (exit ${code})`} in ${seconds}s`);
}
if (jsonFile) writeFileSync(jsonFile, `${figures.map((figure) => JSON.stringify(figure)).join("\n")}\n`);
console.log(
  `\n${selected.length - failed.length}/${selected.length} benchmarks ran, ${figures.length} figures`,
);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exit(1);
}
