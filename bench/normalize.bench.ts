// Throughput of the pure normalizer (consumers/normalize) against the floor of the same events
// through JSON.parse + JSON.stringify, on one core: Relay's fixture corpus (tiny, edge-case
// heavy events) and ~3 KB SDK-shaped error events. The target is a ratio of at least 0.5.
// Rates are per CPU second of this process, floor and ours measured in alternating rounds.
// Run: node --import tsx bench/normalize.bench.ts   (BENCH_SECONDS, BENCH_ROUNDS tune it)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { NormalizeConfig } from "../consumers/normalize/config.ts";
import { normalizeEvent } from "../consumers/normalize/normalize.ts";
import { benchRounds, benchSeconds, report } from "./harness.ts";

const BENCH = "normalize";
const FIXTURES = join(import.meta.dirname, "../tests/fixtures/normalization");

const CONFIG: NormalizeConfig = {
  receivedAt: 1_714_564_800,
  maxSecsInPast: 2_592_000,
  maxSecsInFuture: 60,
  enableTrimming: true,
  normalizeUserAgent: true,
  projectId: 42,
  clientIp: "203.0.113.7",
  client: "sentry.python/2.1.0",
  protocolVersion: "7",
  fallbackEventId: "9fac2ceda1bb4e0d9b4ab4a0d1f1c2a3",
};

/** Whole-event inputs of the fixture corpus (store and validation scopes). */
function corpus(): unknown[] {
  const index = JSON.parse(readFileSync(join(FIXTURES, "index.json"), "utf8")) as {
    name: string;
    scope: string;
  }[];
  const names = new Set(readdirSync(FIXTURES));
  return index
    .filter(
      (vector) => vector.scope.startsWith("store") || vector.scope === "validate" || vector.scope === "parse",
    )
    .filter((vector) => vector.scope !== "store-python-raw" && names.has(`${vector.name}.input.json`))
    .map(
      (vector) => JSON.parse(readFileSync(join(FIXTURES, `${vector.name}.input.json`), "utf8")) as unknown,
    );
}

/** An SDK-shaped error event of about `bytes` bytes, before normalization. */
function typicalEvent(seed: number, bytes: number): Record<string, unknown> {
  const frames: Record<string, unknown>[] = [];
  const event: Record<string, unknown> = {
    event_id: `${seed.toString(16).padStart(8, "0")}a1bb4e0d9b4ab4a0d1f1c2a3`,
    platform: "python",
    timestamp: 1_714_564_790.123 + seed,
    level: "error",
    logger: "django.request",
    environment: "production",
    release: "backend@24.5.0",
    server_name: "web-7f9c",
    tags: { browser: "Chrome 124", os: "Linux", route: `/api/0/issues/${seed}/` },
    user: { id: "1729", ip_address: "{{auto}}", email: "user@example.com" },
    request: {
      url: `https://example.com/api/0/issues/${seed}/?cursor=0:100:0&limit=25`,
      method: "get",
      headers: {
        Accept: "application/json",
        "User-Agent": "python-requests/2.31.0",
        Cookie: "sessionid=abc; csrftoken=xyz",
      },
      env: { REMOTE_ADDR: "203.0.113.7" },
    },
    contexts: {
      os: { raw_description: "Linux 5.15.0-1051-azure #59-Ubuntu SMP x86_64" },
      runtime: { name: "CPython", version: "3.11.7" },
    },
    breadcrumbs: {
      values: [
        {
          timestamp: 1_714_564_780.5,
          category: "query",
          message: "SELECT 1 FROM issues WHERE id = %s",
          data: { duration: 3 },
        },
        {
          timestamp: 1_714_564_781.5,
          type: "http",
          category: "httplib",
          data: { url: "https://api.internal/x", status_code: 200 },
        },
      ],
    },
    extra: { "sys.argv": ["manage.py", "runserver"], attempt: 2 },
    sdk: { name: "sentry.python.django", version: "2.1.0", integrations: ["django", "logging"] },
    exception: {
      values: [
        {
          type: "",
          value: "ValueError: invalid literal for int() with base 10: 'abc'",
          mechanism: { type: "django", handled: false },
          stacktrace: { frames },
        },
      ],
    },
  };
  for (let index = 0; JSON.stringify(event).length < bytes; index++) {
    frames.push({
      filename: `app/views/module_${index}.py`,
      abs_path: `/srv/app/app/views/module_${index}.py`,
      function: `handle_request_${index}`,
      module: `app.views.module_${index}`,
      lineno: 100 + index,
      in_app: index % 3 !== 0,
      pre_context: ["", "    value = request.GET.get('id')"],
      context_line: `    result = int(value_${index})`,
      vars: { value: "'abc'", index },
    });
  }
  return event;
}

// Results are kept where the engine cannot prove them unused.
const sink: { last: unknown } = { last: undefined };

/** CPU time of this process in ms: unlike wall time, it does not count time spent descheduled. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Calls per CPU second of `work` over `seconds` of CPU time (batches keep the clock reads rare). */
function cpuRate(work: (index: number) => unknown, seconds: number): number {
  const batch = 512;
  const start = cpuMs();
  let now = start;
  let calls = 0;
  while (now - start < seconds * 1000) {
    for (let i = 0; i < batch; i++) sink.last = work(calls + i);
    calls += batch;
    now = cpuMs();
  }
  return calls / ((now - start) / 1000);
}

/**
 * Best rate of each contender over alternating rounds, in CPU time. The machine is shared: in
 * wall time the floor and ours, measured one after the other, saw different loads and their
 * ratio swung by 3x between runs. Rounds alternate so both see the same moments.
 */
function alternating(works: ReadonlyArray<(index: number) => unknown>): number[] {
  const rounds = benchRounds() * 2;
  for (const work of works) cpuRate(work, Math.min(0.5, benchSeconds() / 4));
  const best = works.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    works.forEach((work, i) => {
      best[i] = Math.max(best[i] as number, cpuRate(work, benchSeconds() / rounds));
    });
  }
  return best;
}

function compare(metric: string, events: unknown[], note: string): void {
  const texts = events.map((event) => JSON.stringify(event));
  const [floor, ours] = alternating([
    (index) => JSON.stringify(JSON.parse(texts[index % texts.length] as string)),
    (index) => normalizeEvent(events[index % events.length], CONFIG),
  ]) as [number, number];
  report({ bench: BENCH, metric, value: ours, unit: "events/s", baseline: floor, note });
}

const fixtures = corpus();
compare("fixture_corpus", fixtures, `${fixtures.length} fixture events vs JSON.parse+stringify of the same`);

const typical = Array.from({ length: 64 }, (_, seed) => typicalEvent(seed, 3 * 1024));
const size = Math.round(
  typical.reduce((sum, event) => sum + JSON.stringify(event).length, 0) / typical.length,
);
compare("typical_3kb", typical, `${typical.length} events of ~${size} B vs JSON.parse+stringify of the same`);
