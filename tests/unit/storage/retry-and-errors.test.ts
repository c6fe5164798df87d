import { ClickHouseError } from "@clickhouse/client";
import { describe, expect, it } from "vitest";
import {
  classifyClickHouseError,
  clickHouseErrorCode,
} from "../../../consumers/storage/clickhouse-errors.ts";
import { backoffDelayMs, RetriesExhaustedError, withRetry } from "../../../consumers/storage/retry.ts";

const policy = { initialMs: 100, maxMs: 1000, maxAttempts: 6 };

function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

describe("capped exponential backoff", () => {
  it("doubles from the initial wait up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(policy, n))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it("retries retryable failures on that schedule and gives up after maxAttempts", async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error("connect ECONNREFUSED");
    };
    await expect(withRetry(failing, policy, { isRetryable: () => true, sleep })).rejects.toBeInstanceOf(
      RetriesExhaustedError,
    );
    expect(calls).toBe(6);
    expect(waits).toEqual([100, 200, 400, 800, 1000]);
  });

  it("returns the first success and rethrows non-retryable errors without waiting", async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls < 3) throw new Error("busy");
      return "done";
    };
    await expect(withRetry(flaky, policy, { isRetryable: () => true, sleep })).resolves.toBe("done");
    expect(waits).toEqual([100, 200]);
    const fatal = new Error("no");
    await expect(
      withRetry(async () => Promise.reject(fatal), policy, { isRetryable: () => false, sleep }),
    ).rejects.toBe(fatal);
    expect(waits).toEqual([100, 200]);
  });

  it("retries until success when maxAttempts is 0", async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    const eventually = async () => {
      if (++calls < 20) throw new Error("down");
      return calls;
    };
    await expect(
      withRetry(eventually, { ...policy, maxAttempts: 0 }, { isRetryable: () => true, sleep }),
    ).resolves.toBe(20);
    expect(waits).toHaveLength(19);
  });
});

describe("ClickHouse error classification", () => {
  const legacy = (code: number) =>
    new Error(
      `Code: ${code}, e.displayText() = DB::Exception: something: (at row 1)\n, e.what() = DB::Exception\n`,
    );

  it("reads the code from 18.16's message and from a ClickHouseError", () => {
    expect(clickHouseErrorCode(legacy(27))).toBe(27);
    expect(
      clickHouseErrorCode(new ClickHouseError({ message: "x", code: "241", type: "MEMORY_LIMIT_EXCEEDED" })),
    ).toBe(241);
    expect(clickHouseErrorCode(new Error("socket hang up"))).toBeNull();
  });

  it("treats parse and type errors as row errors", () => {
    for (const code of [6, 26, 27, 41, 53, 72, 117, 190, 376])
      expect(classifyClickHouseError(legacy(code))).toBe("row");
  });

  it("treats overload, timeouts and network errors as retryable", () => {
    for (const code of [159, 202, 209, 210, 241, 252, 319])
      expect(classifyClickHouseError(legacy(code))).toBe("retryable");
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(classifyClickHouseError(refused)).toBe("retryable");
    expect(classifyClickHouseError(new Error("Timeout error."))).toBe("retryable");
  });

  it("treats schema and access errors as fatal", () => {
    for (const code of [60, 81, 62, 192, 516]) expect(classifyClickHouseError(legacy(code))).toBe("fatal");
    expect(classifyClickHouseError(Object.assign(new Error("x"), { code: "ERR_INVALID_URL" }))).toBe("fatal");
  });
});
