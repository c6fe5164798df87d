// Sentry's derived fields (spec §5): metadata, title, location, culprit.
import { describe, expect, it } from "vitest";
import { toStoredEvent } from "../../../consumers/normalize/normalize.ts";
import { normalized } from "./support.ts";

function derived(input: unknown): unknown {
  return normalized(input).derived;
}

describe("error events", () => {
  it("titles with type and the first line of the value, and locates the newest in-app frame", () => {
    expect(
      derived({
        platform: "python",
        exception: [
          {
            type: "ValueError",
            value: "boom\nsecond line",
            stacktrace: {
              frames: [
                { function: "main", module: "app.main", filename: "app/main.py", in_app: true },
                { function: "lib", filename: "lib.py", in_app: false },
              ],
            },
          },
        ],
      }),
    ).toEqual({
      title: "ValueError: boom",
      culprit: "app.main in main",
      location: "app/main.py",
      metadata: { value: "boom\nsecond line", type: "ValueError", filename: "app/main.py", function: "main" },
    });
  });

  it("writes JavaScript culprits as function(file) and titles an empty value with the type alone", () => {
    expect(
      derived({
        platform: "javascript",
        exception: [
          { type: "TypeError", value: "", stacktrace: { frames: [{ function: "f", filename: "a.js" }] } },
        ],
      }),
    ).toEqual({
      title: "TypeError",
      culprit: "f(a.js)",
      location: "a.js",
      metadata: { value: "", type: "TypeError", filename: "a.js", function: "f" },
    });
  });

  it("titles a synthetic exception with the crash function and gives it no culprit", () => {
    expect(
      derived({
        exception: [
          {
            type: "E",
            mechanism: { type: "x", synthetic: true },
            stacktrace: { frames: [{ function: "handler", filename: "h.c" }] },
          },
        ],
      }),
    ).toEqual({
      title: "handler",
      culprit: "",
      location: "h.c",
      metadata: { value: "", filename: "h.c", function: "handler" },
    });
  });
});

describe("default events", () => {
  it("truncates the message title to 100 characters and falls back to <unlabeled event>", () => {
    expect(derived({ message: "x".repeat(150) })).toMatchObject({ title: `${"x".repeat(97)}...` });
    expect(derived({ message: "   \n" })).toMatchObject({
      title: "<unlabeled event>",
      metadata: { title: "<unlabeled event>" },
    });
  });

  it("prefers the client culprit, then the transaction, then frames, then the request URL", () => {
    expect(derived({ culprit: "given", transaction: "/t" })).toMatchObject({ culprit: "given" });
    expect(derived({ transaction: "/t" })).toMatchObject({ culprit: "/t" });
    expect(
      derived({ platform: "cocoa", stacktrace: { frames: [{ function: "-[A b]", filename: "A.m" }] } }),
    ).toMatchObject({ culprit: "-[A b]" });
    expect(derived({ request: { url: "http://e.com/x" } })).toMatchObject({ culprit: "http://e.com/x" });
  });
});

describe("security reports", () => {
  it("locates a CSP report by the blocked host and keeps the directive", () => {
    expect(
      derived({
        csp: { blocked_uri: "https://evil.com/x.js", effective_directive: "script-src" },
        logentry: { formatted: "Blocked 'script' from 'evil.com'" },
      }),
    ).toMatchObject({ location: "evil.com", metadata: { directive: "script-src", uri: "evil.com" } });
  });
});

describe("the stored event", () => {
  it("carries title, culprit, location and metadata next to the normalized fields", () => {
    const stored = toStoredEvent(
      normalized({
        exception: [{ type: "E", value: "v", stacktrace: { frames: [{ function: "f", filename: "f.py" }] } }],
      }),
    );
    expect(stored).toMatchObject({
      title: "E: v",
      culprit: "f.py in f",
      location: "f.py",
      metadata: { type: "E", value: "v" },
    });
  });
});
