import { describe, expect, it } from "vitest";
import {
  type BackoffRetry,
  backoffDelayMs,
  retryWhileUnavailable,
  type Wait,
} from "../../../pipelines/retry.ts";

class Away extends Error {}
const isAway = (error: unknown): error is Away => error instanceof Away;

function failing(times: number): () => Promise<string> {
  let calls = 0;
  return async () => {
    calls += 1;
    if (calls <= times) throw new Away(`down ${calls}`);
    return "ok";
  };
}

const noWait: Wait = async () => {};

describe("retryWhileUnavailable", () => {
  it("waits a capped exponential backoff between retryable failures until the work succeeds", async () => {
    const waits: number[] = [];
    const retries: Array<[string, string, number, number]> = [];
    const retry: BackoffRetry<Away> = {
      policy: { initialMs: 100, maxMs: 500 },
      signal: new AbortController().signal,
      onRetry: (operation, error, attempt, delayMs) =>
        retries.push([operation, error.message, attempt, delayMs]),
      wait: async (ms) => {
        waits.push(ms);
      },
    };
    await expect(retryWhileUnavailable("fetch", failing(5), retry, isAway)).resolves.toBe("ok");
    expect(waits).toEqual([100, 200, 400, 500, 500]);
    expect(retries).toEqual([
      ["fetch", "down 1", 1, 100],
      ["fetch", "down 2", 2, 200],
      ["fetch", "down 3", 3, 400],
      ["fetch", "down 4", 4, 500],
      ["fetch", "down 5", 5, 500],
    ]);
  });

  it("passes an error the predicate refuses through at once", async () => {
    const boom = new TypeError("boom");
    const retried: number[] = [];
    const retry: BackoffRetry<Away> = {
      policy: { initialMs: 1, maxMs: 1 },
      signal: new AbortController().signal,
      onRetry: (_operation, _error, attempt) => retried.push(attempt),
      wait: noWait,
    };
    const work = async (): Promise<string> => {
      throw boom;
    };
    await expect(retryWhileUnavailable("fetch", work, retry, isAway)).rejects.toBe(boom);
    expect(retried).toEqual([]);
  });

  it("stops retrying once the signal is aborted and throws the last failure", async () => {
    const stop = new AbortController();
    const retry: BackoffRetry<Away> = {
      policy: { initialMs: 1, maxMs: 1 },
      signal: stop.signal,
      onRetry: () => {},
      wait: async () => {
        stop.abort();
      },
    };
    await expect(retryWhileUnavailable("fetch", failing(10), retry, isAway)).rejects.toThrow("down 2");
  });

  it("rejects a real wait in progress when the signal aborts", async () => {
    const stop = new AbortController();
    const retry: BackoffRetry<Away> = {
      policy: { initialMs: 60_000, maxMs: 60_000 },
      signal: stop.signal,
      onRetry: () => stop.abort(),
    };
    await expect(retryWhileUnavailable("fetch", failing(1), retry, isAway)).rejects.toMatchObject({
      name: "AbortError",
    });
  });
});

describe("backoffDelayMs", () => {
  it("doubles from the initial delay and stops at the cap", () => {
    const policy = { initialMs: 50, maxMs: 300 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n))).toEqual([50, 100, 200, 300, 300]);
  });
});
