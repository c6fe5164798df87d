import { EventGenerator } from "../../tests/e2e/support/generator.ts";
import { Pipeline } from "../../tests/e2e/support/pipeline.ts";
import { Stream } from "../../tests/e2e/support/load.ts";
const N = Number(process.env.N ?? 2000);
const projectIds = Array.from({ length: 20 }, (_, i) => 7000 + i);
const p = new Pipeline({ prefix: `e2esmoke-${Date.now().toString(36)}`, projectIds });
const t0 = Date.now();
try {
  await p.start();
  console.log("started in", Date.now() - t0);
  const gen = new EventGenerator({ projectIds, seed: 1 });
  const s = new Stream(p, gen, { count: N });
  await s.done;
  console.log("produced", s.sent.length, "in", s.finishedAt - s.startedAt);
  const unique = new Set(s.sent.map((e) => e.message.eventId)).size;
  const start = Date.now();
  let last = -1;
  while (Date.now() - start < 240000) {
    const rows = await p.storedRows();
    const lags = await Promise.all(["relay-intake","normalize","grouping","storage"].map((c) => p.lag(c as never)));
    if (rows !== last) console.log(((Date.now()-s.startedAt)/1000).toFixed(1), "rows", rows, "lag", lags.join(","));
    last = rows;
    if (rows >= unique) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  console.log("unique", unique, "drained after", Date.now() - s.startedAt, "crashes", p.supervisor.crashes.length);
  for (const pr of p.supervisor.processes.values()) console.log(pr.name, JSON.stringify(pr.usage()), pr.grep(/"level":(40|50|60)/).slice(-3).join("\n"));
  for (const c of p.supervisor.crashes) console.log("CRASH", c.name, c.code, c.tail);
} finally {
  await p.close();
}
