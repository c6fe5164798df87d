import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../../observability/metrics.ts";
import { ManualClock } from "../../../pipelines/clock.ts";
import { InvalidStateError } from "../../../pipelines/errors.ts";
import { CommitOffsets } from "../../../pipelines/strategies/commit-offsets.ts";
import { Healthcheck } from "../../../pipelines/strategies/healthcheck.ts";
import { Noop } from "../../../pipelines/strategies/noop.ts";
import { type Committable, Message } from "../../../pipelines/types.ts";
import { brokerMessage, offsets, P0, plainOffsets, RecordingStep } from "./helpers.ts";

function recordingCommit() {
  const calls: Array<{ offsets: Record<string, number>; force: boolean }> = [];
  const commit = (o: Committable, force = false) => {
    calls.push({ offsets: plainOffsets(o), force });
  };
  return { calls, commit };
}

describe("CommitOffsets", () => {
  it("commits each message's offsets on submit, filtered ones included, without forcing", () => {
    const { calls, commit } = recordingCommit();
    const step = new CommitOffsets(commit);
    step.submit(brokerMessage("a", 4));
    step.submit(Message.filtered(offsets([P0, 9])));
    expect(calls).toEqual([
      { offsets: { "test-topic:0": 5 }, force: false },
      { offsets: { "test-topic:0": 9 }, force: false },
    ]);
  });

  it("commits nothing from poll so a time-based policy can flush an idle topic", () => {
    const { calls, commit } = recordingCommit();
    new CommitOffsets(commit).poll();
    expect(calls).toEqual([{ offsets: {}, force: false }]);
  });

  it("forces a commit on join", async () => {
    const { calls, commit } = recordingCommit();
    await new CommitOffsets(commit).join();
    expect(calls).toEqual([{ offsets: {}, force: true }]);
  });

  it("records the consumer latency at most once a second", async () => {
    const metrics = createMetrics();
    const clock = new ManualClock(10_000);
    const step = new CommitOffsets(() => {}, {
      clock,
      instrumentation: { metrics, consumer: "c", step: "commit" },
    });
    step.submit(brokerMessage("a", 0, P0, 9_000));
    step.submit(brokerMessage("b", 1, P0, 9_500));
    clock.advance(1000);
    step.submit(brokerMessage("c", 2, P0, 10_500));
    const text = await metrics.registry.metrics();
    expect(text).toContain('ingest_consumer_latency_seconds_count{consumer="c"} 2');
    expect(text).toContain('ingest_consumer_latency_seconds_sum{consumer="c"} 1.5');
  });

  it("throws on submit after close", () => {
    const step = new CommitOffsets(() => {});
    step.close();
    expect(() => step.submit(brokerMessage("a", 0))).toThrow(InvalidStateError);
  });
});

describe("Healthcheck", () => {
  it("touches the file on the first poll and not again within a second", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "healthcheck-")), "health");
    const clock = new ManualClock(5000);
    const next = new RecordingStep<string>();
    const metrics = createMetrics();
    const step = new Healthcheck(file, next, {
      clock,
      instrumentation: { metrics, consumer: "c", step: "h" },
    });
    step.poll();
    const first = statSync(file).mtimeMs;
    clock.advance(999);
    step.poll();
    expect(statSync(file).mtimeMs).toBe(first);
    expect(next.count("poll")).toBe(2);
    expect(await metrics.registry.metrics()).toContain('ingest_healthcheck_touches_total{consumer="c"} 1');
  });

  it("touches again once a second has passed", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "healthcheck-")), "health");
    const clock = new ManualClock();
    const metrics = createMetrics();
    const step = new Healthcheck(file, new RecordingStep<string>(), {
      clock,
      instrumentation: { metrics, consumer: "c", step: "h" },
    });
    step.poll();
    clock.advance(1000);
    step.poll();
    expect(await metrics.registry.metrics()).toContain('ingest_healthcheck_touches_total{consumer="c"} 2');
  });

  it("passes submit, close, join and terminate straight through", async () => {
    const next = new RecordingStep<string>();
    const step = new Healthcheck(join(tmpdir(), "unused-health"), next);
    step.submit(brokerMessage("a", 0));
    step.close();
    await step.join(5);
    step.terminate();
    expect(next.calls.map((c) => c.kind)).toEqual(["submit", "close", "join", "terminate"]);
  });
});

describe("Noop", () => {
  it("accepts everything and throws only on submit after close", async () => {
    const step = new Noop<string>();
    step.submit(brokerMessage("a", 0));
    step.submit(Message.filtered(offsets([P0, 1])));
    step.poll();
    step.close();
    await step.join();
    expect(() => step.submit(brokerMessage("b", 1))).toThrow(InvalidStateError);
  });
});
