// Seeded, deterministic event generators for the normalizer's property tests: SDK-shaped events
// (realistic) and hostile ones (wrong types everywhere, prototype keys, deep nesting, huge
// arrays, hostile strings).

export type Random = () => number;

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function int(random: Random, max: number): number {
  return Math.floor(random() * max);
}

/** An own property even for `__proto__` (as JSON.parse creates it). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const HOSTILE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "values",
  "type",
  "",
  " ",
];

const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "\n\r\t\f\v",
  "\ud800",
  "\udfff\ud800",
  "😀".repeat(3),
  "e\u0301",
  "%s %d %(name)s %% {} {0} {name} {{",
  "{{auto}}",
  "{{ default }}",
  "latest",
  "..",
  "none",
  "a/b\\c",
  "ValueError: boom",
  "http://example.com/path?x=1#frag",
  "javascript:alert(1)",
  "\u2026",
  "\u2028\u2029",
  "__proto__",
  "constructor",
  "1e309",
  "2000-01-01T00:00:00Z",
  "-1",
  "NaN",
];

/** Random strings over a hostile alphabet, drawn once (building them per event is slow). */
const STRING_POOL: readonly string[] = (() => {
  const random = seededRandom(7);
  const alphabet = "abc XYZ09_.:-/\\%{}\n\t\"'é✓😀\u0000\ud834";
  return Array.from({ length: 512 }, () => {
    const length = pick(random, [1, 5, 30, 199, 200, 201, 300, 1024]);
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[int(random, alphabet.length)];
    return out;
  });
})();

const LONG_STRINGS: readonly string[] = [257, 8193, 9000, 20_000].map((length) => "x".repeat(length));

export function hostileString(random: Random): string {
  const roll = random();
  if (roll < 0.5) return pick(random, HOSTILE_STRINGS);
  if (roll < 0.96) return pick(random, STRING_POOL);
  return pick(random, LONG_STRINGS);
}

/** Any JS value, JSON-like or not (wrong types everywhere). */
export function hostileValue(random: Random, depth = 0): unknown {
  const roll = random();
  if (depth > 6 || roll < 0.35) {
    return pick(random, [
      null,
      true,
      false,
      0,
      -0,
      1,
      -1,
      30,
      1.5,
      2 ** 53 + 2,
      -(2 ** 63),
      1e21,
      1e100,
      -1e100,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      undefined,
      1_562_770_897_893,
      hostileString(random),
      hostileString(random),
    ]);
  }
  if (roll < 0.55) return hostileString(random);
  if (roll < 0.75) return Array.from({ length: int(random, 5) }, () => hostileValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  const count = int(random, 5);
  for (let i = 0; i < count; i++) {
    put(
      object,
      random() < 0.2 ? pick(random, HOSTILE_KEYS) : hostileString(random).slice(0, 12),
      hostileValue(random, depth + 1),
    );
  }
  return object;
}

/** A value nested `levels` deep (arrays and objects alternating). */
export function deeplyNested(levels: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { nested: value };
  return value;
}

const TOP_LEVEL_KEYS = [
  "event_id",
  "level",
  "version",
  "type",
  "fingerprint",
  "culprit",
  "transaction",
  "time_spent",
  "logentry",
  "message",
  "sentry.interfaces.Message",
  "logger",
  "modules",
  "platform",
  "timestamp",
  "start_timestamp",
  "received",
  "server_name",
  "release",
  "dist",
  "environment",
  "site",
  "user",
  "request",
  "contexts",
  "breadcrumbs",
  "exception",
  "sentry.interfaces.Exception",
  "stacktrace",
  "template",
  "threads",
  "tags",
  "extra",
  "debug_meta",
  "sdk",
  "errors",
  "key_id",
  "project",
  "grouping_config",
  "csp",
  "spans",
  "measurements",
  "_meta",
  "metadata",
  "title",
];

function frame(random: Random): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [
    "function",
    "filename",
    "abs_path",
    "module",
    "lineno",
    "in_app",
    "vars",
    "pre_context",
    "context_line",
    "symbol",
  ]) {
    if (random() < 0.4) put(out, key, random() < 0.8 ? sdkValue(random, key) : hostileValue(random));
  }
  return out;
}

function sdkValue(random: Random, key: string): unknown {
  switch (key) {
    case "function":
      return pick(random, ["main", "?", "<unknown>", hostileString(random)]);
    case "filename":
    case "abs_path":
      return pick(random, [
        "app.py",
        "http://a.com/x.js",
        "https://a.com/",
        "file:///tmp/a",
        "app:///x",
        hostileString(random),
      ]);
    case "lineno":
      return pick(random, [1, 42, -1, 2.5, "3"]);
    case "in_app":
      return pick(random, [true, false, null, "yes"]);
    case "vars":
      return pick(random, [{ a: 1 }, ["x", null], deeplyNested(9)]);
    case "pre_context":
      return pick(random, [["a", null], [], [1]]);
    default:
      return hostileString(random);
  }
}

function shaped(random: Random, key: string): unknown {
  switch (key) {
    case "exception":
    case "sentry.interfaces.Exception": {
      if (random() < 0.01) {
        // Huge: many exceptions with many small frames.
        return {
          values: Array.from({ length: 300 }, (_, i) => ({
            type: `E${i}`,
            stacktrace: { frames: Array.from({ length: 20 }, (_, j) => ({ function: `f${j}`, lineno: j })) },
          })),
        };
      }
      return {
        values: Array.from({ length: int(random, 4) }, () => ({
          type: random() < 0.5 ? "ValueError" : hostileValue(random),
          value: random() < 0.5 ? hostileString(random) : hostileValue(random),
          stacktrace: {
            frames:
              random() < 0.01
                ? Array.from({ length: 600 }, (_, j) => ({
                    function: `f${j}`,
                    in_app: j % 2 === 0,
                    vars: { j },
                  }))
                : Array.from({ length: int(random, 8) }, () => frame(random)),
          },
          mechanism:
            random() < 0.3
              ? {
                  type: hostileValue(random),
                  meta: {
                    errno: { number: int(random, 140) },
                    signal: { number: int(random, 32), code: int(random, 3) },
                  },
                }
              : undefined,
        })),
      };
    }
    case "breadcrumbs":
      if (random() < 0.01)
        return Array.from({ length: 2000 }, (_, i) => ({
          timestamp: 1_700_000_000 + i,
          message: `m${i}`,
          data: { i },
        }));
      return Array.from({ length: int(random, 5) }, () => ({
        timestamp: pick(random, [1_700_000_000, -1, "bad", 1e13]),
        type: hostileValue(random),
        message: hostileString(random),
        data: hostileValue(random),
      }));
    case "tags":
      if (random() < 0.01) return Array.from({ length: 1000 }, (_, i) => [`k${i % 700}`, `v${i}`]);
      return random() < 0.5
        ? Array.from({ length: int(random, 6) }, () => [hostileValue(random), hostileValue(random)])
        : (hostileValue(random) as Record<string, unknown>);
    case "request":
      return {
        url: hostileString(random),
        method: hostileValue(random),
        headers:
          random() < 0.5
            ? { "user-agent": hostileString(random), Cookie: hostileString(random) }
            : hostileValue(random),
        data: random() < 0.5 ? '{"a": [1, 2]}' : hostileValue(random),
        env: { REMOTE_ADDR: pick(random, ["1.2.3.4", "{{auto}}", "::1", hostileString(random)]) },
        cookies: hostileValue(random),
        query_string: hostileValue(random),
      };
    case "contexts": {
      const contexts: Record<string, unknown> = {};
      for (const name of [
        "os",
        "runtime",
        "browser",
        "device",
        "trace",
        "reprocessing",
        "__proto__",
        "custom",
      ]) {
        if (random() < 0.4)
          put(
            contexts,
            name,
            random() < 0.7
              ? {
                  raw_description: hostileString(random),
                  name: hostileValue(random),
                  type: hostileValue(random),
                }
              : hostileValue(random),
          );
      }
      return contexts;
    }
    case "user":
      return {
        id: hostileValue(random),
        ip_address: pick(random, ["{{auto}}", "1.2.3.4", hostileString(random)]),
        extra_key: hostileValue(random),
      };
    case "extra":
      return random() < 0.05 ? { deep: deeplyNested(20), big: "z".repeat(30_000) } : hostileValue(random);
    case "timestamp":
    case "start_timestamp":
      return pick(random, [
        1_700_000_000,
        -5,
        1e13,
        "2023-01-01T00:00:00Z",
        hostileString(random),
        hostileValue(random),
      ]);
    default:
      return hostileValue(random);
  }
}

/** A hostile event: mostly known keys with shaped or random values, some unknown keys. */
export function hostileEvent(random: Random): unknown {
  if (random() < 0.01) return hostileValue(random);
  const event: Record<string, unknown> = {};
  const count = int(random, 12);
  for (let i = 0; i < count; i++) {
    const key =
      random() < 0.85 ? pick(random, TOP_LEVEL_KEYS) : pick(random, [...HOSTILE_KEYS, hostileString(random)]);
    put(event, key, random() < 0.7 ? shaped(random, key) : hostileValue(random));
  }
  if (random() < 0.005) put(event, "extra", { nested: deeplyNested(int(random, 300)) });
  return event;
}

/** A plausible SDK error event (for idempotency and throughput). */
export function sdkEvent(random: Random, index: number): Record<string, unknown> {
  const platform = pick(random, ["python", "javascript", "java", "cocoa", "node", "csharp", "bogus"]);
  const frames = Array.from({ length: 1 + int(random, 12) }, (_, i) => ({
    function: pick(random, [`handle_${i}`, "?", "<unknown>"]),
    filename: pick(random, [`app/m${i}.py`, "http://example.com/static/app.js", ""]),
    abs_path: random() < 0.5 ? `/srv/app/m${i}.py` : undefined,
    lineno: 10 + i,
    in_app: random() < 0.6,
    pre_context: random() < 0.3 ? ["x", null] : undefined,
    vars: random() < 0.3 ? { a: i, b: "x".repeat(int(random, 3000)) } : undefined,
  }));
  return {
    event_id: index.toString(16).padStart(32, "0"),
    platform,
    timestamp: pick(random, [1_704_067_190, 1_704_067_200 + 3600, 1_700_000_000, "2023-12-31T23:59:00Z"]),
    level: pick(random, ["error", "warning", "warn", 30, "fatal"]),
    logger: pick(random, [
      "root",
      "com.example.very.long.package.name.that.goes.on.and.on.Service.Handler.Inner",
      " padded ",
    ]),
    release: pick(random, ["1.0.0", " 2.0 ", "latest", undefined]),
    environment: pick(random, ["production", "", "none", undefined]),
    dist: pick(random, ["1", " ", "a b", undefined]),
    server_name: "web-1",
    transaction: pick(random, ["/api/users", undefined]),
    tags: pick(random, [
      { browser: "Chrome", environment: "prod", release: "x" },
      [
        ["a", "b"],
        ["a", "c"],
        ["", "x"],
        ["k".repeat(250), "v"],
      ],
    ]),
    user: pick(random, [{ id: 42, email: "a@b.c", plan: "pro" }, { ip_address: "{{auto}}" }, undefined]),
    request: {
      url: "https://example.com/path?q=1#frag",
      method: "post",
      headers: {
        "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0.0.0",
        Cookie: "a=1; b=2",
        "Content-Type": "text/plain; charset=utf-8",
      },
      data: pick(random, ['{"k": 1}', "a=1&b=2", "plain"]),
      env: { REMOTE_ADDR: "10.0.0.1" },
    },
    contexts: {
      os: {
        raw_description: pick(random, [
          "Microsoft Windows 10.0.19041",
          "Linux 5.15.0 Ubuntu 22.04",
          "iOS 17.1",
        ]),
      },
      runtime: { raw_description: ".NET Framework 4.7.3056.0", build: "461814" },
      custom: { anything: [1, 2, { three: 3 }] },
    },
    breadcrumbs: Array.from({ length: int(random, 5) }, (_, i) => ({
      timestamp: 1_704_067_100 + i,
      message: `crumb ${i}`,
      data: { i },
    })),
    extra: { attempt: int(random, 5), blob: "x".repeat(int(random, 20_000)) },
    exception: {
      values: [
        {
          type: pick(random, ["", "ValueError"]),
          value: pick(random, ["ValueError: bad input", "plain", ""]),
          stacktrace: { frames },
          mechanism: { type: "generic", handled: random() < 0.5, meta: { errno: { number: 2 } } },
        },
      ],
    },
    fingerprint: pick(random, [["{{ default }}", "x"], undefined]),
  };
}
