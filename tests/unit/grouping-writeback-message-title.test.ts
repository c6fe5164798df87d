import { describe, expect, it } from "vitest";
import { prepareEvent } from "../../consumers/grouping/prepare.ts";
import { normalizedRecord } from "./grouping-consumer/harness.ts";
import { normalized } from "./normalize/support.ts";

// captureMessage with an attached stack trace, in the two shapes SDKs send it. Sentry's
// `ErrorEvent` (eventtypes/error.py, every revision read) leaves `type` out of the metadata of a
// synthetic exception and titles it `metadata.function or "<unknown>"`, never with the message;
// an event without an exception is a `default` event titled with its message. The grouping and
// normalization fixtures hold no synthetic exception, so Sentry's source is the reference here.

function jsCaptureMessage(): Record<string, unknown> {
  return {
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
  };
}

describe("captureMessage with a stack trace", () => {
  it("titles the JavaScript SDK's synthetic exception with its crash function, not the message", () => {
    const result = normalized(jsCaptureMessage());
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

  it("is titled from the frames as stored: after stack-trace rules, like Sentry's save_event", () => {
    const record = normalizedRecord(jsCaptureMessage(), 9);
    const project = (stackTraceRules: string) => ({
      projectId: 9,
      organizationId: 1,
      groupingConfig: "newstyle:2023-01-11",
      stackTraceRules,
      fingerprintRules: "",
    });
    const limits = { maxBytes: 1_000_000, maxDepth: 64 };
    const plain = prepareEvent({ record, project: project(""), limits });
    expect(plain.title).toBe("submitOrder");
    // The rule moves the client's in-app frame out of app: the crash frame is then the newest one.
    const ruled = prepareEvent({ record, project: project("function:submitOrder -app"), limits });
    expect(ruled.title).toBe("captureMessage");
    expect(ruled.data.metadata).toEqual({
      value: "Checkout failed",
      filename: "app:///sentry.js",
      function: "captureMessage",
    });
    expect(ruled.data.location).toBe("app:///sentry.js");
  });

  it("names the crash frame of a native event by its trimmed function", () => {
    const record = normalizedRecord(
      {
        platform: "native",
        exception: {
          values: [
            {
              type: "SIGSEGV",
              value: "bad access",
              stacktrace: {
                frames: [{ function: "Foo::bar(int) const", in_app: true, instruction_addr: "0x1" }],
              },
            },
          ],
        },
      },
      9,
    );
    const prepared = prepareEvent({
      record,
      project: {
        projectId: 9,
        organizationId: 1,
        groupingConfig: "newstyle:2023-01-11",
        stackTraceRules: "",
        fingerprintRules: "",
      },
      limits: { maxBytes: 1_000_000, maxDepth: 64 },
    });
    expect(prepared.data.metadata).toMatchObject({ function: "Foo::bar" });
  });
});
