// The floor under every JSON stage of the pipeline: what V8's own JSON.parse and
// JSON.stringify cost on a ~3 KB error event, against structuredClone (a deep copy that
// skips text entirely) measured in the same run. A consumer stage that parses, touches
// and re-serializes an event cannot beat the round-trip figure.
// Run: node --import tsx bench/json-floor.bench.ts   (or npm run bench -- json-floor)
import { measure, report } from "./harness.ts";

const BENCH = "json-floor";
const TARGET_BYTES = 3 * 1024;

/** A Sentry-shaped error event of about `bytes` bytes, the same on every run. */
function makeEvent(bytes: number) {
  const frames: Record<string, unknown>[] = [];
  const event = {
    event_id: "9fac2ceda1bb4e0d9b4ab4a0d1f1c2a3",
    project_id: 42,
    platform: "python",
    timestamp: 1_714_564_800.123,
    level: "error",
    logger: "django.request",
    environment: "production",
    release: "backend@24.5.0",
    tags: [
      ["browser", "Chrome 124"],
      ["os", "Linux"],
      ["server_name", "web-7f9c"],
    ],
    user: { id: "1729", ip_address: "203.0.113.7", email: "user@example.com" },
    request: {
      url: "https://example.com/api/0/issues/",
      method: "GET",
      headers: [
        ["Accept", "application/json"],
        ["User-Agent", "Mozilla/5.0 (X11; Linux x86_64)"],
      ],
    },
    exception: {
      values: [
        {
          type: "ValueError",
          value: "invalid literal for int() with base 10: 'abc'",
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
      context_line: `    result = int(value_${index})`,
    });
  }
  return event;
}

const event = makeEvent(TARGET_BYTES);
const text = JSON.stringify(event);
const bytes = Buffer.byteLength(text);
console.log(`${BENCH}: one ${bytes} B event, ${event.exception.values[0]?.stacktrace.frames.length} frames`);

const clone = measure(() => structuredClone(event));
const roundTrip = measure(() => JSON.parse(JSON.stringify(event)));
report({
  bench: BENCH,
  metric: "json_roundtrip_3kb",
  value: roundTrip.opsPerSecond,
  unit: "events/s",
  baseline: clone.opsPerSecond,
  note: "JSON.parse(JSON.stringify(e)) vs structuredClone(e)",
});

const buffer = Buffer.from(text);
const parse = measure(() => JSON.parse(buffer.toString("utf8")));
const stringify = measure(() => JSON.stringify(event));
report({
  bench: BENCH,
  metric: "json_parse_mb_per_s",
  value: (parse.opsPerSecond * bytes) / 1e6,
  unit: "MB/s",
  baseline: (stringify.opsPerSecond * bytes) / 1e6,
  note: "parse from bytes vs stringify of the same event",
});
