// Run by cli-launcher.test.ts with plain node (no TypeScript loader anywhere): drives the
// normalize worker task through a WorkerPool loaded from a built dist/, so any module of
// dist/ (main thread or worker) that still pointed at a .ts file would fail to load.
// argv[2]: the dist/ folder. stdin: JSON { items: [{ value: base64, offset }] }.
// stdout: JSON { results: [base64 | null], invalid: [[item, reason]], prepareTask }.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const dist = process.argv[2];
const load = (path) => import(pathToFileURL(join(dist, path)).href);

const { WorkerPool } = await load("pipelines/workers/pool.js");
const { decode, encode } = await load("pipelines/workers/protocol.js");
const { normalizeTaskSettings, normalizeWorkerTask } = await load("consumers/normalize/worker-task.js");
const { loadOptions } = await load("config/options.js");
const { PREPARE_TASK } = await load("consumers/grouping/build-strategy.js");

const { items } = JSON.parse(readFileSync(0, "utf8"));
const options = loadOptions({});
const task = normalizeWorkerTask(normalizeTaskSettings(options), options);
const pool = new WorkerPool({ threads: 1 });
try {
  const batch = [
    items.map((item) => ({ key: null, value: Buffer.from(item.value, "base64"), headers: [] })),
    items.map(() => "events-raw"),
    items.map(() => 0),
    items.map((item) => item.offset),
    items.map(() => Date.now()),
  ];
  const [results, invalid] = decode(await pool.run({ ...task, input: encode(batch) }));
  const prepare = await import(PREPARE_TASK.module);
  process.stdout.write(
    JSON.stringify({
      results: results.map((result) => (result ? Buffer.from(result.value).toString("base64") : null)),
      invalid: invalid.map(([item, reason]) => [item, reason]),
      normalizeTask: fileURLToPath(new URL(task.module).href.split("?")[0]),
      prepareTask: fileURLToPath(PREPARE_TASK.module),
      prepareExported: typeof prepare[PREPARE_TASK.exportName],
      prepareExists: existsSync(fileURLToPath(PREPARE_TASK.module)),
    }),
  );
} finally {
  await pool.close();
}
