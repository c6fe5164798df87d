import { describe, expect, it } from "vitest";
import {
  classifyRedisError,
  keySegment,
  pipelineResults,
  projectKeyPart,
  StateStoreError,
  StateUnavailableError,
} from "../../../config/redis.ts";

function named(name: string, message: string): Error {
  const error = new Error(message);
  Object.defineProperty(error, "name", { value: name });
  return error;
}

describe("classifyRedisError", () => {
  it("calls connection loss, timeouts and exhausted retries retryable", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" });
    for (const error of [
      refused,
      named("MaxRetriesPerRequestError", "Reached the max retries per request limit (which is 3)."),
      new Error("Connection is closed."),
      new Error("Command timed out"),
    ]) {
      const classified = classifyRedisError(error, "groups", "assign");
      expect(classified).toBeInstanceOf(StateUnavailableError);
      expect(classified).toMatchObject({ retryable: true, reason: "state_unavailable", cause: error });
    }
  });

  it("calls Redis' own 'not now' replies retryable and other replies permanent", () => {
    expect(classifyRedisError(named("ReplyError", "LOADING Redis is loading"), "s", "o")).toBeInstanceOf(
      StateUnavailableError,
    );
    expect(
      classifyRedisError(named("ReplyError", "BUSY Redis is busy running a script"), "s", "o"),
    ).toBeInstanceOf(StateUnavailableError);
    const wrongType = classifyRedisError(named("ReplyError", "WRONGTYPE Operation against a key"), "s", "o");
    expect(wrongType).toBeInstanceOf(StateStoreError);
    expect(wrongType).toMatchObject({ retryable: false, reason: "state_error" });
  });

  it("leaves errors that are not Redis errors alone", () => {
    const bug = new TypeError("undefined is not a function");
    expect(classifyRedisError(bug, "s", "o")).toBe(bug);
  });

  it("names the store and operation in the message", () => {
    const error = classifyRedisError(new Error("Connection is closed."), "dedupe", "claimMany") as Error;
    expect(error.message).toBe("dedupe.claimMany: Redis unavailable: Connection is closed.");
  });
});

describe("pipelineResults", () => {
  it("returns values in order and throws the first per-command failure classified", () => {
    expect(
      pipelineResults(
        [
          [null, 1],
          [null, "x"],
        ],
        2,
        "s",
        "o",
      ),
    ).toEqual([1, "x"]);
    expect(() =>
      pipelineResults(
        [
          [null, 1],
          [new Error("Connection is closed."), null],
        ],
        2,
        "s",
        "o",
      ),
    ).toThrow(StateUnavailableError);
    expect(() => pipelineResults(null, 1, "s", "o")).toThrow(StateUnavailableError);
  });
});

describe("key parts", () => {
  it("accept only non-negative integer project ids", () => {
    expect(projectKeyPart(0)).toBe("0");
    expect(projectKeyPart(42)).toBe("42");
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) expect(() => projectKeyPart(bad)).toThrow(RangeError);
  });

  it("leave hex ids unchanged and encode separators", () => {
    expect(keySegment("2107c4e968514c8690d3a3a24570c40d")).toBe("2107c4e968514c8690d3a3a24570c40d");
    expect(keySegment("a:b/c")).toBe("a%3Ab%2Fc");
  });
});
