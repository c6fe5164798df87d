import { describe, expect, it } from "vitest";
import { MessageRejected } from "../../../pipelines/errors.ts";

describe("MessageRejected", () => {
  it("captures no stack frames, since it is thrown for every retry of a full step", () => {
    const rejected = new MessageRejected();
    expect(rejected).toBeInstanceOf(Error);
    expect(rejected.name).toBe("MessageRejected");
    expect(rejected.stack ?? "").not.toMatch(/\n\s+at /);
  });

  it("leaves the stack trace limit of every other error as it was", () => {
    const limit = Error.stackTraceLimit;
    new MessageRejected();
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error("ordinary").stack).toMatch(/\n\s+at /);
  });
});
