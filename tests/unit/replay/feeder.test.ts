import { describe, expect, it } from "vitest";
import { UsageError } from "../../../cli/usage.ts";
import { silentLogger } from "../../../observability/logger.ts";
import type { KafkaPayload } from "../../../pipelines/types.ts";
import type { DumpedMessage } from "../../../replay/dump-format.ts";
import { ReplayFeeder, type ReplayTarget } from "../../../replay/feeder.ts";
import { parsePartitions, parseRate, parseTimestamp } from "../../../replay/flags.ts";
import type { Progress } from "../../../replay/progress.ts";
import { summaryLine } from "../../../replay/progress.ts";

function message(offset: number, value: Buffer | null = Buffer.from(`v${offset}`)): DumpedMessage {
  return {
    partition: 0,
    offset,
    timestamp: 1_700_000_000_000 + offset,
    key: Buffer.from([offset]),
    value,
    headers: [["h", Buffer.from([0xff, offset])]],
  };
}

class CountingProgress implements Progress {
  done = 0;
  advance(n = 1): void {
    this.done += n;
  }
  setTotal(): void {}
  stop(): void {}
}

/** A target whose sends stay pending until the test settles them. */
class ManualTarget implements ReplayTarget {
  readonly description = "manual";
  readonly sent: KafkaPayload[] = [];
  readonly pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  send(payload: KafkaPayload): Promise<void> {
    this.sent.push(payload);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
}

describe("ReplayFeeder", () => {
  it("passes key, value and headers on untouched and counts acknowledged sends", async () => {
    const target = new ManualTarget();
    const progress = new CountingProgress();
    const feeder = new ReplayFeeder(target, { maxInFlight: 10, progress, logger: silentLogger() });
    for (let i = 0; i < 3; i++) await feeder.offer(message(i));
    expect(target.sent).toEqual(
      [0, 1, 2].map((i) => ({ key: message(i).key, value: message(i).value, headers: message(i).headers })),
    );
    expect(progress.done).toBe(0);
    for (const p of target.pending) p.resolve();
    expect(await feeder.finish()).toEqual({ read: 3, produced: 3, skipped: 0, failed: 0 });
    expect(progress.done).toBe(3);
  });

  it("waits while maxInFlight sends are unacknowledged", async () => {
    const target = new ManualTarget();
    const feeder = new ReplayFeeder(target, {
      maxInFlight: 2,
      progress: new CountingProgress(),
      logger: silentLogger(),
    });
    await feeder.offer(message(0));
    let third = false;
    const second = feeder.offer(message(1)).then(() => {
      third = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(third).toBe(false);
    target.pending[0]?.resolve();
    await second;
    expect(third).toBe(true);
    target.pending[1]?.resolve();
    await feeder.finish();
  });

  it("skips tombstones, counts refused sends as failed and goes on", async () => {
    const target = new ManualTarget();
    const feeder = new ReplayFeeder(target, {
      maxInFlight: 100,
      progress: new CountingProgress(),
      logger: silentLogger(),
    });
    await feeder.offer(message(0));
    await feeder.offer(message(1, null));
    await feeder.offer(message(2));
    target.pending[0]?.reject(new Error("broker said no"));
    target.pending[1]?.resolve();
    expect(await feeder.finish()).toEqual({ read: 3, produced: 1, skipped: 1, failed: 1 });
    expect(target.sent).toHaveLength(2);
  });

  it("counts without sending in a dry run", async () => {
    const feeder = new ReplayFeeder(null, {
      maxInFlight: 1,
      progress: new CountingProgress(),
      logger: silentLogger(),
    });
    for (let i = 0; i < 4; i++) await feeder.offer(message(i, i === 3 ? null : undefined));
    expect(await feeder.finish()).toEqual({ read: 4, produced: 3, skipped: 1, failed: 0 });
  });
});

describe("replay flags", () => {
  it("reads times as epoch ms, ISO dates or spans back from now", () => {
    expect(parseTimestamp("--x", "1700000000000")).toBe(1_700_000_000_000);
    expect(parseTimestamp("--x", "2026-01-02T03:04:05Z")).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseTimestamp("--x", "2h", 10_000_000)).toBe(10_000_000 - 7_200_000);
    expect(() => parseTimestamp("--from-timestamp", "yesterday-ish")).toThrow(UsageError);
  });

  it("reads partition lists and ranges", () => {
    expect(parsePartitions("3,0-2,2")).toEqual([0, 1, 2, 3]);
    expect(() => parsePartitions("2-1")).toThrow(UsageError);
    expect(() => parsePartitions("a")).toThrow(UsageError);
  });

  it("reads rates with or without /s", () => {
    expect(parseRate("200")).toBe(200);
    expect(parseRate("12.5/s")).toBe(12.5);
    expect(() => parseRate("0")).toThrow(UsageError);
    expect(() => parseRate("fast")).toThrow(UsageError);
  });

  it("prints one summary line with the rate", () => {
    expect(summaryLine("ingest replay", { read: 10, produced: 9 }, 2000, 10)).toBe(
      "ingest replay: read 10, produced 9 in 2.0 s (5.0/s)",
    );
  });
});
