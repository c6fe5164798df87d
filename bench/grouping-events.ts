// Synthetic "typical" error events of about 3 KB (the size most SDK events have once
// normalized): a JavaScript, Python or Java exception with 8-16 frames plus the usual
// tags, contexts, request and breadcrumbs. Deterministic for a given seed, so runs compare.

type Json = Record<string, unknown>;

function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

const WORDS = [
  "user",
  "order",
  "cart",
  "payment",
  "session",
  "render",
  "fetch",
  "parse",
  "load",
  "save",
  "queue",
  "cache",
];

function pick<T>(random: () => number, items: ReadonlyArray<T>): T {
  return items[Math.floor(random() * items.length)]!;
}

function name(random: () => number): string {
  return `${pick(random, WORDS)}${pick(random, WORDS).replace(/^./, (c) => c.toUpperCase())}`;
}

function jsFrame(random: () => number, inApp: boolean): Json {
  const file = inApp
    ? `app/${name(random)}.js`
    : `node_modules/${pick(random, ["react-dom", "lodash", "axios"])}/index.js`;
  return {
    function: `${name(random)}.${name(random)}`,
    module: file.replace(/\.js$/, ""),
    filename: `./${file}`,
    abs_path: `webpack:///./${file}`,
    lineno: Math.floor(random() * 500),
    colno: Math.floor(random() * 80),
    in_app: inApp,
    context_line: `    const ${name(random)} = await ${name(random)}(${name(random)});`,
  };
}

function pythonFrame(random: () => number, inApp: boolean): Json {
  const module = inApp
    ? `shop.${pick(random, WORDS)}.${pick(random, WORDS)}`
    : `django.core.${pick(random, WORDS)}`;
  return {
    function: name(random),
    module,
    filename: `${module.replaceAll(".", "/")}.py`,
    abs_path: `/srv/app/${module.replaceAll(".", "/")}.py`,
    lineno: Math.floor(random() * 500),
    in_app: inApp,
    context_line: `    ${name(random)} = self.${name(random)}(request, ${name(random)})`,
  };
}

function javaFrame(random: () => number, inApp: boolean): Json {
  const module = inApp
    ? `com.shop.${pick(random, WORDS)}.${name(random)}`
    : `org.springframework.web.${name(random)}`;
  return {
    function: name(random),
    module,
    filename: `${module.split(".").at(-1)}.java`,
    lineno: Math.floor(random() * 500),
    in_app: inApp,
  };
}

const PLATFORMS = [
  { platform: "javascript", frame: jsFrame, type: "TypeError", sdk: "sentry.javascript.react" },
  { platform: "python", frame: pythonFrame, type: "KeyError", sdk: "sentry.python.django" },
  {
    platform: "java",
    frame: javaFrame,
    type: "java.lang.IllegalStateException",
    sdk: "sentry.java.spring-boot",
  },
] as const;

export function typicalEvent(seed: number): Json {
  const random = rng(seed);
  const kind = PLATFORMS[seed % PLATFORMS.length]!;
  const frameCount = 8 + Math.floor(random() * 9);
  const frames: Json[] = [];
  for (let i = 0; i < frameCount; i++) frames.push(kind.frame(random, i >= frameCount / 2));
  const breadcrumbs: Json[] = [];
  for (let i = 0; i < 4; i++) {
    breadcrumbs.push({
      timestamp: 1_700_000_000 + i,
      category: "http",
      message: `GET /api/${name(random)}/${seed + i}`,
      level: "info",
    });
  }
  return {
    event_id: seed.toString(16).padStart(32, "0"),
    platform: kind.platform,
    level: "error",
    timestamp: 1_700_000_000 + seed,
    release: `shop@1.${seed % 50}.0`,
    environment: "production",
    sdk: { name: kind.sdk, version: "8.1.0" },
    tags: { browser: "Chrome 120", "os.name": "Linux", url: `https://shop.example.com/${name(random)}` },
    user: { id: `${seed % 10_000}`, ip_address: "203.0.113.7" },
    request: {
      url: `https://shop.example.com/${name(random)}`,
      method: "POST",
      headers: [["User-Agent", "Mozilla/5.0"]],
    },
    contexts: { os: { name: "Linux", version: "6.1" }, runtime: { name: kind.platform, version: "1.0" } },
    breadcrumbs: { values: breadcrumbs },
    exception: {
      values: [
        {
          type: kind.type,
          value: `Cannot read ${name(random)} of order ${seed} (took ${seed % 900}ms)`,
          mechanism: { type: "generic", handled: seed % 3 !== 0 },
          stacktrace: { frames },
        },
      ],
    },
  };
}
