import { describe, expect, it } from "vitest";
import { normalized } from "./normalize/support.ts";

// captureMessage with an attached stack trace, in the two shapes SDKs send it. Sentry's
// `ErrorEvent` (eventtypes/error.py, every revision read) leaves `type` out of the metadata of a
// synthetic exception and titles it `metadata.function or "<unknown>"`, never with the message;
// an event without an exception is a `default` event titled with its message. The grouping and
// normalization fixtures hold no synthetic exception, so Sentry's source is the reference here.

describe("captureMessage with a stack trace", () => {
  it("titles the JavaScript SDK's synthetic exception with its crash function, not the message", () => {
    const result = normalized({
      platform: "javascript",
      message: "Checkout failed",
      exception: {
        values: [
          {
            value: "Checkout failed",
            mechanism: { type: "generic", handled: true, synthetic: true },
            stacktrace: {
              frames: [
                { function: "dispatch", filename: "app:///vendor.js", in_app: false },
                { function: "submitOrder", filename: "app:///checkout.js", in_app: true },
                { function: "captureMessage", filename: "app:///sentry.js", in_app: false },
              ],
            },
          },
        ],
      },
    });
    expect(result.derived).toEqual({
      title: "submitOrder",
      culprit: "",
      location: "app:///checkout.js",
      metadata: { value: "Checkout failed", filename: "app:///checkout.js", function: "submitOrder" },
    });
  });

  it("titles a synthetic exception without a usable function <unknown>", () => {
    const result = normalized({
      message: "m",
      exception: {
        values: [
          { value: "m", mechanism: { type: "generic", synthetic: true }, stacktrace: { frames: [{}] } },
        ],
      },
    });
    expect(result.derived.title).toBe("<unknown>");
  });

  it("titles a message with a top-level or thread stack trace (no exception) with the message", () => {
    const frames = [{ function: "handler", module: "app.views", in_app: true }];
    const top = normalized({ platform: "python", message: "Payment declined", stacktrace: { frames } });
    expect(top.derived.title).toBe("Payment declined");
    expect(top.derived.metadata).toEqual({ title: "Payment declined" });
    const threads = normalized({
      platform: "python",
      logentry: { formatted: "Payment declined" },
      threads: { values: [{ id: 1, current: true, stacktrace: { frames } }] },
    });
    expect(threads.derived.title).toBe("Payment declined");
  });
});
