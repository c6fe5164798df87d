import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runDebugGroup } from "../../cli/commands/debug-group.ts";
import { loadOptions } from "../../config/options.ts";
import { computeGroupingForEvent, type GroupingResult } from "../../consumers/grouping/compute.ts";
import { compileGroupingConfig, type ProjectGroupingConfig } from "../../consumers/grouping/config.ts";
import { readGroupingEvent } from "../../consumers/grouping/event-view.ts";
import { projectConfigFromTestKeys } from "../../consumers/grouping/fixture-keys.ts";
import { storedEventData } from "../../consumers/grouping/frame-writeback.ts";
import { prepareEvent } from "../../consumers/grouping/prepare.ts";
import { normalizedRecord } from "./grouping-consumer/harness.ts";

// The frames save_event stores after Sentry's stack-trace normalization (frame-writeback.ts),
// checked against Sentry's own output where fixtures carry it: the eventstream inserts in
// tests/fixtures/formats/events (stored frames) and the grouping snapshots in
// tests/fixtures/grouping (per-frame in-app hints). See tests/fixtures/grouping/INDEX.md.

type Json = Record<string, unknown>;
type Frame = Json & { in_app?: boolean; data?: Json };

const GROUPING = new URL("../fixtures/grouping/", import.meta.url);
const EVENTS = new URL("../fixtures/formats/events/", import.meta.url);
const KNOWN_DIFFERENCES = new URL("../../consumers/grouping/KNOWN_DIFFERENCES.md", import.meta.url);
const CONFIG = "newstyle:2023-01-11";

function settings(stackTraceRules = ""): ProjectGroupingConfig {
  return { groupingConfig: CONFIG, stackTraceRules, fingerprintRules: "" };
}

function store(
  event: Json,
  project: ProjectGroupingConfig = settings(),
): { data: Json; result: GroupingResult } {
  const compiled = compileGroupingConfig(project);
  const view = readGroupingEvent(event);
  const result = computeGroupingForEvent(view, compiled);
  return { data: storedEventData(event, view, compiled.stacktraceRules), result };
}

function entries(container: unknown): Json[] {
  if (Array.isArray(container)) return container as Json[];
  if (typeof container !== "object" || container === null) return [];
  const values = (container as Json).values;
  return Array.isArray(values) ? (values as Json[]) : [container as Json];
}

/** Every stack trace's frames in Sentry's order: exceptions, top level, threads. */
function stacktraces(event: Json): Frame[][] {
  const out: Frame[][] = [];
  const framesOf = (stacktrace: unknown) => {
    const frames = (stacktrace as { frames?: unknown } | undefined)?.frames;
    if (Array.isArray(frames)) out.push(frames.filter((f) => f !== null) as Frame[]);
  };
  for (const exception of entries(event.exception)) if (exception) framesOf(exception.stacktrace);
  framesOf(event.stacktrace);
  for (const thread of entries(event.threads)) if (thread) framesOf(thread.stacktrace);
  return out;
}

function knownDifferences(): Set<string> {
  const text = readFileSync(KNOWN_DIFFERENCES, "utf8");
  const block = /```json known-differences\n([\s\S]*?)```/.exec(text);
  if (block === null) throw new Error("KNOWN_DIFFERENCES.md has no known-differences block");
  return new Set((JSON.parse(block[1]!) as Array<{ name: string }>).map((entry) => entry.name));
}

const groupingInput = (name: string) =>
  JSON.parse(readFileSync(new URL(`inputs/${name}.json`, GROUPING), "utf8")) as Json;
const groupingNames = readdirSync(new URL("inputs/", GROUPING)).map((f) => f.replace(/\.json$/, ""));

describe("frame write-back against Sentry's stored eventstream inserts", () => {
  // These inserts' `grouping_config.enhancements` decodes (base64url, zlib, msgpack) to
  // `[2, ["common:2019-03-23"], [[["mio.sentry.**"], [1]]]]`: the project rule
  // `module:io.sentry.** +app` on an older base. Their frames predate two keys current Sentry
  // writes: `data.client_in_app` (the incoming in_app) and `data.category` (the classifier's
  // category); both are compared separately below.
  const PROJECT_RULES = "module:io.sentry.** +app";

  /** The frames as Relay delivered them: `in_app` restored from `data.orig_in_app`. */
  function beforeSaveEvent(stored: Json): Json {
    const event = structuredClone(stored);
    for (const frames of stacktraces(event)) {
      for (const frame of frames) {
        const orig = frame.data?.orig_in_app;
        if (orig === undefined) continue;
        if (orig === -1) delete frame.in_app;
        else frame.in_app = orig === 1;
        delete frame.data!.orig_in_app;
        if (Object.keys(frame.data!).length === 0) delete frame.data;
      }
    }
    return event;
  }

  for (const name of ["error-with-threads", "error-with-null-threads", "error-with-null-values-threads"]) {
    it(`reproduces every stored frame of ${name}`, () => {
      const insert = JSON.parse(readFileSync(new URL(`${name}.json`, EVENTS), "utf8")) as [
        number,
        string,
        { data: Json },
      ];
      const sentry = insert[2].data;
      const input = beforeSaveEvent(sentry);
      const { data } = store(input, settings(PROJECT_RULES));

      const ours = stacktraces(data);
      const theirs = stacktraces(sentry);
      const incoming = stacktraces(input);
      expect(ours.map((s) => s.length)).toEqual(theirs.map((s) => s.length));
      let compared = 0;
      let categorized = 0;
      ours.forEach((frames, s) => {
        frames.forEach((frame, i) => {
          const { client_in_app, category, ...restData } = frame.data ?? {};
          const clientInApp = incoming[s]![i]!.in_app;
          expect(client_in_app, `${s}/${i} client_in_app`).toBe(clientInApp);
          if (category !== undefined) categorized++;
          const comparable: Json = { ...frame };
          delete comparable.data;
          if (Object.keys(restData).length > 0 || theirs[s]![i]!.data !== undefined)
            comparable.data = restData;
          expect(comparable, `stack trace ${s} frame ${i}`).toEqual(theirs[s]![i]);
          compared++;
        });
      });
      expect(compared).toBeGreaterThanOrEqual(14);
      expect(categorized).toBeGreaterThan(0);
      // The base rule `module:android.app.ActivityThread function:main category=threadbase`.
      const main = ours[0]!.find((f) => f.module === "android.app.ActivityThread" && f.function === "main");
      expect(main?.data?.category).toBe("threadbase");
    });
  }
});

describe("frame write-back against Sentry's grouping snapshots", () => {
  const known = knownDifferences();

  it("marks each frame in or out of app as the snapshot's app-variant hints say", () => {
    let checked = 0;
    for (const name of groupingNames) {
      if (known.has(name)) continue;
      const input = groupingInput(name);
      const expected = JSON.parse(readFileSync(new URL(`expected/${name}.json`, GROUPING), "utf8")) as {
        variants: Record<string, { component?: Json }>;
      };
      const { data } = store(input, projectConfigFromTestKeys(input, CONFIG));
      const stored = stacktraces(data);
      const incoming = stacktraces(input);
      const trees: Json[] = [];
      const walk = (component: unknown) => {
        if (typeof component !== "object" || component === null) return;
        const c = component as { id?: string; values?: unknown[] };
        if (c.id === "stacktrace") trees.push(c as Json);
        for (const value of c.values ?? []) walk(value);
      };
      walk(expected.variants.app?.component);
      for (const tree of trees) {
        const frames = (tree.values as Array<{ id: string; hint: string | null }>).filter(
          (v) => v.id === "frame",
        );
        // The snapshot does not say which stack trace a tree came from: use the one of that size.
        const candidates = stored.flatMap((s, index) => (s.length === frames.length ? [index] : []));
        if (candidates.length !== 1) continue;
        const index = candidates[0]!;
        frames.forEach((component, i) => {
          const hint = component.hint ?? "";
          const frame = stored[index]![i]!;
          const client = incoming[index]![i]!.in_app;
          const where = `${name} frame ${i}: ${hint}`;
          if (hint.startsWith("marked in-app") || hint.startsWith("marked out of app")) {
            expect(frame.in_app, where).toBe(hint.startsWith("marked in-app"));
            if (hint.includes("by the client")) {
              expect(frame.data?.client_in_app, where).toBe(frame.in_app);
              expect(frame.data?.orig_in_app, where).toBeUndefined();
            } else {
              expect(frame.data?.orig_in_app, where).toBe(client === undefined ? -1 : client ? 1 : 0);
            }
            checked++;
          } else if (hint.startsWith("non app frame")) {
            expect(frame.in_app, where).toBe(false);
            checked++;
          }
        });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(150);
  });

  it("keeps every fixture's hashes, and storing a stored event again changes nothing", () => {
    for (const name of groupingNames) {
      const input = groupingInput(name);
      const project = projectConfigFromTestKeys(input, CONFIG);
      const before = JSON.stringify(input);
      const first = store(input, project);
      expect(JSON.stringify(input), `${name}: input untouched`).toBe(before);
      const second = store(first.data, project);
      expect(second.result.hashes, name).toEqual(first.result.hashes);
      expect(second.data, name).toEqual(first.data);
      for (const frames of stacktraces(first.data)) {
        for (const frame of frames) expect(typeof frame.in_app, name).toBe("boolean");
      }
    }
  });

  it("stores trimmed native function names with the original in raw_function", () => {
    const { data } = store(groupingInput("callee_guaranteed"), settings());
    const frames = stacktraces(data).flat();
    const trimmed = frames.filter((f) => f.raw_function !== undefined);
    expect(trimmed.length).toBeGreaterThan(0);
    for (const frame of trimmed) {
      expect(frame.function).not.toBe(frame.raw_function);
      expect(String(frame.raw_function)).toContain(String(frame.function).split("::").pop());
    }
  });

  it("writes every exception of an exception group, including those grouping leaves out", () => {
    const input = groupingInput("exception_groups_two_exceptions_with_frames");
    const { data } = store(input, settings());
    const exceptions = entries(data.exception);
    const withFrames = exceptions.filter((e) => Array.isArray((e.stacktrace as Json | undefined)?.frames));
    expect(withFrames.length).toBeGreaterThanOrEqual(2);
    for (const exception of withFrames) {
      for (const frame of (exception.stacktrace as { frames: Frame[] }).frames) {
        expect(typeof frame.in_app).toBe("boolean");
      }
    }
  });
});

describe("frame write-back rules", () => {
  const frame = (extra: Json = {}): Json => ({ function: "handler", module: "app.views", ...extra });

  it("records a stack-trace rule's in_app change with the client's value", () => {
    const event = {
      platform: "python",
      exception: {
        values: [
          {
            type: "ValueError",
            value: "bad",
            stacktrace: {
              frames: [
                frame({ in_app: true, module: "vendor.lib", data: { sourcemap: null, kept: 1 } }),
                frame({ in_app: false }),
                frame(),
              ],
            },
          },
        ],
      },
    };
    const { data } = store(event, settings("module:vendor.* -app\nmodule:app.* +app"));
    const [frames] = stacktraces(data);
    expect(frames).toEqual([
      frame({
        in_app: false,
        module: "vendor.lib",
        data: { sourcemap: null, kept: 1, client_in_app: true, orig_in_app: 1 },
      }),
      frame({ in_app: true, data: { client_in_app: false, orig_in_app: 0 } }),
      frame({ in_app: true, data: { orig_in_app: -1 } }),
    ]);
  });

  it("sets unset frames to in_app false with orig_in_app -1, and restores from orig_in_app on a re-run", () => {
    const { data } = store({ platform: "python", stacktrace: { frames: [frame()] } });
    expect(stacktraces(data)[0]).toEqual([frame({ in_app: false, data: { orig_in_app: -1 } })]);
    // A stored frame that a rule moved out of app: without the rule the client's value returns,
    // and orig_in_app keeps the client's value it already holds.
    const rerun = store({
      platform: "python",
      stacktrace: { frames: [frame({ in_app: false, data: { orig_in_app: 1, client_in_app: true } })] },
    });
    expect(stacktraces(rerun.data)[0]).toEqual([
      frame({ in_app: true, data: { orig_in_app: 1, client_in_app: true } }),
    ]);
  });

  it("trims functions only when raw_function is absent", () => {
    const fn = "std::vector<int>::push_back(int const&)";
    const { data } = store({
      platform: "native",
      stacktrace: { frames: [{ function: fn }, { function: fn, raw_function: "given" }] },
    });
    const [frames] = stacktraces(data);
    expect(frames![0]).toMatchObject({ function: "std::vector<T>::push_back", raw_function: fn });
    expect(frames![1]).toMatchObject({ function: fn, raw_function: "given" });
  });

  it("cuts the query string from JavaScript filenames the way urlparse finds it", () => {
    const { data } = store({
      platform: "javascript",
      stacktrace: {
        frames: [
          { function: "a", filename: "/static/app.js?v=3#top", abs_path: "https://x.io/static/app.js?v=3" },
          { function: "b", filename: "/static/app.js#top?v=3" },
        ],
      },
    });
    const [frames] = stacktraces(data);
    expect(frames!.map((f) => f.filename)).toEqual(["/static/app.js#top", "/static/app.js#top?v=3"]);
    expect(frames![0]!.abs_path).toBe("https://x.io/static/app.js?v=3");
  });

  it("keeps Python's multiprocessing bootstrap line and records it in orig_context_line", () => {
    const line = "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=11, pipe_handle=21)";
    const { data } = store({
      platform: "python",
      stacktrace: {
        frames: [{ module: "__main__", filename: "<string>", function: "<module>", context_line: line }],
      },
    });
    const [frames] = stacktraces(data);
    expect(frames![0]!.context_line).toBe(line);
    expect(frames![0]!.data).toEqual({ orig_context_line: line, orig_in_app: -1 });
  });

  it("writes raw_stacktrace frames and the frames of a checksum event", () => {
    const { data } = store({
      platform: "python",
      checksum: "0123456789abcdef0123456789abcdef",
      exception: {
        values: [
          {
            type: "E",
            stacktrace: { frames: [frame({ in_app: true })] },
            raw_stacktrace: { frames: [frame({ module: "vendor.x" })] },
          },
        ],
      },
    });
    const exception = entries(data.exception)[0]!;
    expect((exception.stacktrace as { frames: Frame[] }).frames[0]).toEqual(
      frame({ in_app: true, data: { client_in_app: true } }),
    );
    expect((exception.raw_stacktrace as { frames: Frame[] }).frames[0]).toEqual(
      frame({ module: "vendor.x", in_app: false, data: { orig_in_app: -1 } }),
    );
  });

  it("returns the event itself when it has no frames", () => {
    const event = { platform: "python", message: "hello", stacktrace: { frames: [] } };
    expect(store(event).data).toBe(event);
  });
});

describe("grouping consumer output", () => {
  it("carries the stored frames in the events insert's data, with the hashes unchanged", () => {
    const record = normalizedRecord(groupingInput("go_pkg_mod"), 7);
    const prepared = prepareEvent({
      record,
      project: { projectId: 7, organizationId: 1, ...settings() },
      limits: { maxBytes: 10_000_000, maxDepth: 64 },
    });
    const expected = store(JSON.parse(record.payload) as Json);
    expect(prepared.hashes).toEqual(expected.result.hashes);
    expect(stacktraces(prepared.data)).toEqual(stacktraces(expected.data));
    // `**/go/pkg/mod/**` is a built-in -app rule; the app frame was marked in-app by the client.
    expect(stacktraces(prepared.data).flat()).toMatchObject([
      { function: "FuncJob.Run", in_app: false, data: { orig_in_app: -1 } },
      { function: "background.func2", in_app: true, data: { client_in_app: true } },
    ]);
  });
});

describe("ingest debug group --event", () => {
  it("prints the event with the frames the grouping consumer stores", () => {
    const out: string[] = [];
    const code = runDebugGroup(
      "event.json",
      { normalize: true, event: true },
      {
        out: (text) => out.push(text),
        err: () => {},
        readInput: () => readFileSync(new URL("inputs/go_pkg_mod.json", GROUPING), "utf8"),
        now: () => 1_714_564_800,
        options: () => loadOptions(),
      },
    );
    expect(code).toBe(0);
    const printed = JSON.parse(out.join("")) as Json;
    const frames = stacktraces(printed).flat();
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => typeof f.in_app === "boolean")).toBe(true);
    // `**/go/pkg/mod/**` is a built-in -app rule.
    const vendored = frames.filter((f) => String(f.abs_path ?? "").includes("/go/pkg/mod/"));
    expect(vendored.length).toBeGreaterThan(0);
    for (const f of vendored) expect(f).toMatchObject({ in_app: false });
  });
});
